"""Drives the bolt app the way Slack does: signed POSTs, then the answers on the fake's response_urls."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiohttp
from sqlalchemy import func, select

from adapters.slack.app import SlackBot
from storage.models import Bet
from tests.fakes import slack_requests as req
from tests.fakes.slack_api import FakeSlack

SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-bot-token"
TEAM = "T0LEAGUE"
CHANNEL = "C0FANTASY"


@dataclass
class Answer:
    """What one interaction produced: the HTTP ack and every post to its response_url."""

    status: int
    ack_body: str
    response_url: str
    posts: list[dict[str, Any]]

    @property
    def last(self) -> dict[str, Any]:
        return self.posts[-1]

    @property
    def text(self) -> str:
        return "\n".join(block_text(p) for p in self.posts)

    def buttons(self) -> list[dict[str, Any]]:
        blocks = [b for p in self.posts for b in p.get("blocks", [])]
        return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]

    def button(self, label_start: str) -> dict[str, Any]:
        found = [e for e in self.buttons() if e["text"]["text"].startswith(label_start)]
        assert found, f"no button {label_start!r} in {[e['text']['text'] for e in self.buttons()]}"
        return found[0]


def block_text(message: dict[str, Any]) -> str:
    parts = [message.get("text", "")]
    for block in message.get("blocks", []):
        if isinstance(block.get("text"), dict):
            parts.append(block["text"]["text"])
        for f in block.get("fields", []):
            parts.append(f["text"])
        for e in block.get("elements", []):
            if isinstance(e.get("text"), str):
                parts.append(e["text"])
    return "\n".join(parts)


class SlackDriver:
    def __init__(self, fake: FakeSlack, bot: SlackBot, port: int, secret: str = SECRET) -> None:
        self.fake = fake
        self.bot = bot
        self.url = f"http://127.0.0.1:{port}/slack/events"
        self.base = f"http://127.0.0.1:{port}"
        self.secret = secret
        self.session = aiohttp.ClientSession()

    async def close(self) -> None:
        await self.session.close()

    async def post(self, body: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
        headers = headers if headers is not None else req.signed_headers(self.secret, body)
        async with self.session.post(self.url, data=body.encode(), headers=headers) as response:
            return response.status, await response.text()

    async def _finish(self, status: int, ack: str, response_url: str, expect: int) -> Answer:
        await self.bot.commands.idle()
        posts = await self.fake.responses(response_url, expect) if expect else []
        return Answer(status, ack, response_url, self.fake.posted_to(response_url) or posts)

    async def command(self, text: str, user: str = "U1", *, team: str = TEAM, expect: int = 1) -> Answer:
        url = self.fake.new_response_url()
        body = req.form_body(req.slash_command(text, team=team, user=user, channel=CHANNEL, response_url=url))
        status, ack = await self.post(body)
        return await self._finish(status, ack, url, expect)

    async def click(self, element: dict[str, Any], user: str = "U1", *, expect: int = 1) -> Answer:
        url = self.fake.new_response_url()
        payload = req.block_action(element, team=TEAM, user=user, channel=CHANNEL, response_url=url)
        status, ack = await self.post(req.payload_body(payload))
        return await self._finish(status, ack, url, expect)

    async def submit(self, view: dict[str, Any], values: dict[str, str], user: str = "U1") -> tuple[int, str]:
        payload = req.view_submission(view, values, team=TEAM, user=user)
        status, ack = await self.post(req.payload_body(payload))
        await self.bot.commands.idle()
        return status, ack

    async def bets(self) -> int:
        async with self.bot.commands.services.db.read() as session:
            return int(await session.scalar(select(func.count()).select_from(Bet)) or 0)
