"""The outbox on Slack: channel posts ("lines are up", results) and DMs through chat.postMessage.

A post's images (the recap's chart) and files follow its messages as file uploads.

`commands.outbox.OutboxLoop` decides what is due and marks it sent only after Slack took
it; this adapter only knows how to post one Reply to a league's channel (or a member's
DMs), with the right workspace's token, split into as many messages as Slack's limits
require. The client carries slack_sdk's rate-limit retry handler, so a 429 waits for
Retry-After and retries instead of failing the post. Slack has no roles.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select

from adapters.slack.blocks import render
from adapters.slack.client import Sleep, web_client
from adapters.slack.uploads import has_uploads, upload_to_channel
from commands.context import Services
from commands.outbox import PARTS_DONE, Delivery, PartialDelivery
from commands.replies import Reply
from storage.models import League, Tenant

log = logging.getLogger(__name__)
PLATFORM = "slack"
TokenFor = Callable[[str], Awaitable[str | None]]  # team id -> bot token
# chat.postMessage errors to a member's DM that retrying will not fix.
DM_REFUSALS = frozenset(
    {"channel_not_found", "user_not_found", "user_disabled", "cannot_dm_bot", "messages_tab_disabled"}
)


class NoTokenError(RuntimeError):
    """Nowhere to post: no installation for the league's workspace, or no channel set."""


class SlackOutbox:
    """`commands.outbox.OutboxAdapter` for Slack."""

    platform = PLATFORM

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

    async def _client(self, league: League) -> AsyncWebClient:
        token = await self._token_for(await self._team_of(league))
        if not token:
            raise NoTokenError(f"no Slack installation for league {league.id}")
        return (
            web_client(token, api_url=self._api_url)
            if self._retry_sleep is None
            else web_client(token, api_url=self._api_url, sleep=self._retry_sleep, jitter=0.0)
        )

    async def send_post(self, league: League, reply: Reply) -> None:
        """Post `reply` in the league's channel; raises so the outbox keeps it pending on failure."""
        await self._post(league, reply, 0)

    async def update_post(self, league: League, ref: str, reply: Reply) -> None:
        """Post what is left of a split post whose first parts went out before a failure.

        Slack posts keep no ids here, so there is nothing to edit in place: any other ref
        posts the revision afresh.
        """
        done = ref.removeprefix(PARTS_DONE)
        await self._post(league, reply, int(done) if ref.startswith(PARTS_DONE) and done.isdigit() else 0)

    async def _post(self, league: League, reply: Reply, start: int) -> None:
        if not league.channel_id:
            raise NoTokenError(f"league {league.id} has no channel to post in")
        client = await self._client(league)
        messages = render(reply)
        for index in range(start, len(messages)):
            try:
                await client.chat_postMessage(channel=league.channel_id, **messages[index].as_kwargs())
            except Exception as exc:
                if index == 0:
                    raise
                raise PartialDelivery(f"{PARTS_DONE}{index}") from exc
        if has_uploads(reply):
            try:
                await upload_to_channel(client, league.channel_id, reply)
            except SlackApiError as exc:
                # The messages are out: failing the post now would post them again on retry.
                # An install without files:write says so here; the post's text names the file.
                log.warning("league %s: file upload refused: %s", league.id, exc.response.get("error"))

    async def send_dm(self, league: League, user_id: str, reply: Reply) -> None:
        """A direct message: chat.postMessage to the user id lands in the app's Messages tab."""
        client = await self._client(league)
        for message in render(reply):
            await client.chat_postMessage(channel=user_id, **message.as_kwargs())

    def undeliverable(self, error: Exception, delivery: Delivery) -> str | None:
        if delivery != "dm" or not isinstance(error, SlackApiError):
            return None
        code = str(error.response.get("error", ""))
        return f"Slack {code}" if code in DM_REFUSALS else None
