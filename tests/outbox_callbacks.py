"""An outbox adapter for tests: each delivery is a function the test supplies.

`commands.outbox.OutboxLoop` runs against it exactly as against Discord or Slack, so a test
can count, delay or fail sends without a fake platform. A `RefusedForGood` raised by a
function is what the adapter calls undeliverable; anything else is retried.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from commands.outbox import Delivery
from commands.replies import Reply
from storage.models import League

SendPost = Callable[[League, Reply], Awaitable[str | None]]
UpdatePost = Callable[[League, str, Reply], Awaitable[None]]
SendDm = Callable[[League, str, Reply], Awaitable[None]]


class RefusedForGood(Exception):
    """A refusal retrying will not change (the reason is the message)."""


async def _unexpected(*_args: object) -> None:
    raise AssertionError("this test delivers no such item")


class Callbacks:
    def __init__(
        self,
        send_post: SendPost = _unexpected,  # type: ignore[assignment]
        update_post: UpdatePost = _unexpected,
        send_dm: SendDm = _unexpected,
        *,
        platform: str = "console",
    ) -> None:
        self.platform = platform
        self.send_post = send_post
        self.update_post = update_post
        self.send_dm = send_dm

    def undeliverable(self, error: Exception, delivery: Delivery) -> str | None:
        return str(error) if isinstance(error, RefusedForGood) else None
