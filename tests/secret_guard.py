"""Every secret the test suite configures, and the check that none of them leaks.

Product code must never put a bot token, the Slack signing or client secret, or ESPN's
espn_s2/SWID cookies into a log line, an exception or a reply. The autouse fixture in
tests/conftest.py runs `leaks` over everything each test logged and every Reply it built,
so a leak anywhere in any test fails that test, not just the few tests about secrets.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Iterable

from bot.logging_setup import DRIVER_LOGGERS

# The values the test suite configures (each is also spelled out where it is used).
KNOWN_SECRETS: set[str] = {
    "fake-bot-token.not-a-secret-but-never-logged",  # tests/discord/conftest.py TOKEN
    "test-signing-secret",  # tests/slack/driver.py SECRET
    "xoxb-test-bot-token",  # tests/slack/driver.py BOT_TOKEN
    "client-secret-fake",  # tests/fakes/slack_api.py FakeSlack.client_secret
    "AEBs2cookie" + "x" * 200,  # tests/discord/test_discord_admin_and_forms.py
    "{SWID-1234-5678}",
    "AEBsecretESPNcookieValue0123456789",  # tests/slack/test_slack_outbox_and_secrets.py
    "{SECRET-SWID-0000}",
    "AEB-secret-espn-s2-cookie-0123456789",  # tests/commands/test_league_commands.py
    "{11111111-2222-3333-4444-555555555555}",
    "AEBnotTheRealOne%2Fzz",  # tests/espn/test_espn_client.py
    "AEBsecretS2value%2B%2F",
    "AEBexpired0000000000",  # tests/bot/test_espn_faults_lifecycle.py
}

# Token shapes no test value may take either (the product's redactor masks the same shapes).
_SHAPES = (re.compile(r"xox[abpre]-[A-Za-z0-9-]{6,}"), re.compile(r"xapp-[A-Za-z0-9-]{6,}"))


def register_secret(value: str) -> None:
    """Fakes that generate secrets (a private SeasonSim's cookies) register them here."""
    if len(value) >= 8:
        KNOWN_SECRETS.add(value)


def leaks(text: str, secrets: Iterable[str] | None = None) -> list[str]:
    """The secrets (or token shapes) found in `text`, shortened so the failure does not print them."""
    found = [s for s in (KNOWN_SECRETS if secrets is None else secrets) if s in text]
    found += [m.group(0) for shape in _SHAPES for m in shape.finditer(text)]
    return sorted({f"{s[:6]}...({len(s)} chars)" for s in found})


def record_text(record: logging.LogRecord) -> str:
    """Everything a handler could write for a record: message, arguments and traceback."""
    try:
        message = record.getMessage()
    except Exception:  # a bad format string is the product's bug, but not a leak
        message = str(record.msg)
    parts = [message, repr(record.args)]
    if record.exc_info and record.exc_info[1] is not None:
        parts.append("".join(traceback.format_exception(record.exc_info[1])))
    if record.exc_text:
        parts.append(record.exc_text)
    return "\n".join(parts)


class CapturingHandler(logging.Handler):
    """Keeps every record at DEBUG; checked once the test is over."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class LogCapture:
    """Root-level capture at DEBUG, with database drivers at WARNING as `configure_logging` sets them.

    The drivers log statements with their parameters at DEBUG; the product never lets them
    (bot.logging_setup.DRIVER_LOGGERS), so the tests hold them to the same level.
    """

    def __init__(self) -> None:
        self.handler = CapturingHandler()
        self._saved: list[tuple[logging.Logger, int]] = []

    def __enter__(self) -> CapturingHandler:
        root = logging.getLogger()
        self._saved = [(root, root.level)] + [
            (logging.getLogger(n), logging.getLogger(n).level) for n in DRIVER_LOGGERS
        ]
        root.addHandler(self.handler)
        root.setLevel(logging.DEBUG)
        for name in DRIVER_LOGGERS:
            logging.getLogger(name).setLevel(logging.WARNING)
        return self.handler

    def __exit__(self, *exc: object) -> None:
        logging.getLogger().removeHandler(self.handler)
        for logger, level in self._saved:
            logger.setLevel(level)

    def leaked(self) -> list[str]:
        found: list[str] = []
        for record in self.handler.records:
            hits = leaks(record_text(record))
            if hits:
                found.append(f"{record.name}:{record.levelname} at {record.pathname}:{record.lineno}: {hits}")
        return found
