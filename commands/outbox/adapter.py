"""What a chat platform does for the outbox: the small protocol Discord, Slack and the console implement.

An adapter only knows how to say one thing on its platform: post a Reply in a league's
channel (and bring an earlier post up to date), send a DM, change a member's role, and
tell a refusal that retrying will not change from a failure worth retrying. Claims,
retries, limits and marking items sent are the loop's (commands/outbox/loop.py), the same
for every platform.
"""

from __future__ import annotations

from typing import Literal, Protocol, runtime_checkable

from commands.outbox.items import RoleChange
from commands.replies import Reply
from storage.models import League

Delivery = Literal["post", "dm", "role"]

# A ref of this form means "the first N messages of this post are out": `update_post` then
# posts the rest (for platforms whose messages have no ids to edit).
PARTS_DONE = "parts:"


class PartialDelivery(Exception):
    """A post split into several messages failed part-way; `ref` names the parts already out.

    Raised by `send_post` (from the platform's error). Without it a retry would post the
    whole split post again and repeat its first parts; with it the next pass calls
    `update_post` with this ref.
    """

    def __init__(self, ref: str) -> None:
        super().__init__(ref)
        self.ref = ref


class OutboxAdapter(Protocol):
    """Delivery on one chat platform; `platform` names the tenants whose items it delivers."""

    platform: str

    async def send_post(self, league: League, reply: Reply) -> str | None:
        """Post `reply` in the league's channel; returns a ref (message ids) for later edits."""

    async def update_post(self, league: League, ref: str, reply: Reply) -> None:
        """Bring a delivered or partly delivered post (`ref`) up to date with `reply`."""

    async def send_dm(self, league: League, user_id: str, reply: Reply) -> None:
        """Send `reply` to one member privately."""

    def undeliverable(self, error: Exception, delivery: Delivery) -> str | None:
        """Why `error` will not change by retrying (DMs closed, a missing permission), or None.

        The reason is stored and logged, so it holds the platform's code and words, never a token.
        """


@runtime_checkable
class RoleAdapter(Protocol):
    """A platform with roles (Discord): the loop delivers the winner role's hand-overs too."""

    async def apply_role(self, change: RoleChange) -> None:
        """Give or take away one role; doing it twice changes nothing more."""
