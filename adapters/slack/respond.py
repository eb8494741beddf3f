"""Delivering one Reply to the user who asked, after the request was acknowledged.

The interaction's response_url is the first choice: it works in any channel, needs no
scope and no channel membership, and can answer privately (ephemeral) or to the channel.
Slack accepts five posts per response_url, so a reply split into more messages continues
through the Web API (chat.postEphemeral / chat.postMessage), as does a form submission
that came without a response_url.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from aiohttp import ClientSession
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack.blocks import SlackMessage, render
from adapters.slack.uploads import has_uploads, upload_privately, upload_to_channel
from commands.replies import Reply

log = logging.getLogger(__name__)
RESPONSE_URL_USES = 5


@dataclass(slots=True)
class Responder:
    client: AsyncWebClient
    user_id: str
    response_url: str | None = None
    channel_id: str | None = None
    # One shared HTTP session for response_url posts: a new one per post costs a connection.
    session: ClientSession | None = None
    _uses: int = field(default=0, init=False)

    async def send(self, reply: Reply, *, replace_original: bool = False) -> None:
        for index, message in enumerate(render(reply)):
            await self._post(message, public=not reply.ephemeral, replace=replace_original and index == 0)
        if has_uploads(reply):
            await self._upload(reply)

    async def _upload(self, reply: Reply) -> None:
        """Files cannot be ephemeral: a public reply's go to the channel, a private one's to DMs."""
        try:
            if not reply.ephemeral and self.channel_id:
                await upload_to_channel(self.client, self.channel_id, reply)
            else:
                await upload_privately(self.client, self.user_id, reply)
        except SlackApiError as exc:
            log.warning("could not upload files for user %s: %s", self.user_id, exc.response.get("error"))

    async def _post(self, message: SlackMessage, *, public: bool, replace: bool) -> None:
        if self.response_url and self._uses < RESPONSE_URL_USES:
            self._uses += 1
            body = {
                **message.as_kwargs(),
                "response_type": "in_channel" if public else "ephemeral",
                "replace_original": replace,
            }
            response = await AsyncWebhookClient(self.response_url, session=self.session).send_dict(body)
            if response.status_code == 200:
                return
            # The URL expired or was used up: fall through to the Web API.
            log.warning("response_url answered %s; posting through the Web API", response.status_code)
        if not self.channel_id:
            log.warning("no way left to answer user %s: no channel and no response_url", self.user_id)
            return
        try:
            if public:
                await self.client.chat_postMessage(channel=self.channel_id, **message.as_kwargs())
            else:
                await self.client.chat_postEphemeral(
                    channel=self.channel_id, user=self.user_id, **message.as_kwargs()
                )
        except SlackApiError as exc:
            log.warning("could not answer in channel %s: %s", self.channel_id, exc.response.get("error"))
