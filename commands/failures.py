"""What a user reads when a command fails for a reason that is not theirs to fix.

The dispatcher and the chat adapters (which read the database before a command runs, to
decide who is a commissioner) answer every unexpected failure here, so the same failure
gets the same words wherever it happened. Database trouble that says nothing about the
code (busy, full, unreachable: storage/errors.py) is a warning with its kind; anything
else is a bug, logged with its traceback. Either way the user sees the request's
reference id, which finds the log lines.
"""

from __future__ import annotations

import logging

from commands.replies import Reply
from storage.errors import StorageTrouble, storage_trouble

_BUSY = "The book is busy right now, so nothing was changed (ref {ref}). Try again in a moment."
_STORAGE_TROUBLE: dict[StorageTrouble, str] = {
    "busy": _BUSY,
    # The database could not be reached: to the user that is the same wait-and-retry; the
    # log line's kind tells the operator which it was.
    "unavailable": _BUSY,
    "full": (
        "The book can't save anything right now because its storage is full, so nothing was changed "
        "(ref {ref}). Please tell the commissioner: the server needs disk space."
    ),
}
_APOLOGY = (
    "Sorry, something went wrong on our side and nothing was changed (ref {ref}). "
    "If it keeps happening, give the commissioner that reference."
)


def failure_reply(exc: BaseException, ref: str, log: logging.Logger, what: str) -> Reply:
    """Log `exc` (raised while doing `what`, e.g. "command=bet platform=slack") and answer it."""
    trouble = storage_trouble(exc)
    if trouble is not None:
        log.warning("%s hit storage trouble ref=%s kind=%s error=%s", what, ref, trouble, type(exc).__name__)
        return Reply.error(_STORAGE_TROUBLE[trouble].format(ref=ref))
    log.error("%s failed ref=%s", what, ref, exc_info=exc)
    return Reply.error(_APOLOGY.format(ref=ref))
