"""Channel posts of Slack leagues ("lines are up", results) through chat.postMessage.

A post's images (the recap's chart) and files follow its messages as file uploads.

The outbox (commands/services/delivery.py) decides what is due and marks it sent only after Slack took
it; this module only knows how to post one Reply to a league's channel, with the right
workspace's token, split into as many messages as Slack's limits require. The client
carries slack_sdk's rate-limit retry handler, so a 429 waits for Retry-After and retries
instead of failing the post.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from slack_sdk.errors import SlackApiError
from sqlalchemy import select

from adapters.slack.blocks import render
from adapters.slack.client import Sleep, web_client
from adapters.slack.uploads import has_uploads, upload_to_channel
from commands.context import Services
from commands.replies import Reply
from commands.services.delivery import deliver_pending
from storage.models import League, Tenant

log = logging.getLogger(__name__)
PLATFORM = "slack"
TokenFor = Callable[[str], Awaitable[str | None]]  # team id -> bot token


class NoTokenError(RuntimeError):
    """Nowhere to post: no installation for the league's workspace, or no channel set."""


class SlackOutbox:
    def __init__(
        self,
        services: Services,
        token_for: TokenFor,
        *,
        api_url: str | None = None,
        retry_sleep: Sleep | None = None,
    ) -> None:
        self.services = services
        self._token_for = token_for
        self._api_url = api_url
        self._retry_sleep = retry_sleep
        self._teams: dict[int, str] = {}

    async def _team_of(self, league: League) -> str:
        team = self._teams.get(league.tenant_id)
        if team is None:
            async with self.services.db.read() as session:
                team = await session.scalar(select(Tenant.workspace_id).where(Tenant.id == league.tenant_id))
            if team is None:
                raise NoTokenError(f"league {league.id} has no tenant")
            self._teams[league.tenant_id] = team
        return team

    async def send(self, league: League, reply: Reply) -> None:
        """Post `reply` in the league's channel; raises so the outbox keeps it pending on failure."""
        if not league.channel_id:
            raise NoTokenError(f"league {league.id} has no channel to post in")
        token = await self._token_for(await self._team_of(league))
        if not token:
            raise NoTokenError(f"no Slack installation for league {league.id}")
        kwargs = {"api_url": self._api_url}
        client = (
            web_client(token, **kwargs)
            if self._retry_sleep is None
            else web_client(token, **kwargs, sleep=self._retry_sleep, jitter=0.0)
        )
        for message in render(reply):
            await client.chat_postMessage(channel=league.channel_id, **message.as_kwargs())
        if has_uploads(reply):
            try:
                await upload_to_channel(client, league.channel_id, reply)
            except SlackApiError as exc:
                # The messages are out: failing the post now would post them again on retry.
                # An install without files:write says so here; the post's text names the file.
                log.warning("league %s: file upload refused: %s", league.id, exc.response.get("error"))

    async def deliver_once(self) -> int:
        return await deliver_pending(self.services.db, self.services.clock, self.send, platform=PLATFORM)

    async def run(self, stop: asyncio.Event, interval_seconds: float = 5.0) -> None:
        """Deliver pending posts every `interval_seconds` until `stop` is set."""
        while not stop.is_set():
            try:
                await self.deliver_once()
            except Exception:
                log.exception("slack outbox pass failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval_seconds)
