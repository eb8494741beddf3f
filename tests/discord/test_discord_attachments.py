"""Files reach Discord: the recap's chart in the league channel, and a command reply's files."""

from __future__ import annotations

import io
from datetime import timedelta

from matplotlib.image import imread

from adapters.discord import router
from commands.replies import Attachment, Reply
from commands.services.lifecycle import run_due
from storage.models import League

PNG = b"\x89PNG\r\n\x1a\n"


async def test_the_weekly_recap_arrives_with_its_chart(harness):
    assert harness.client is not None
    await harness.client.outbox.deliver_once()  # the lines board
    for name in ("alex", "blake"):  # members to chart
        await harness.slash("balance", harness.member(name))
    harness.clock.advance(timedelta(days=8))
    async with harness.services.db.read() as session:
        league = await session.get(League, harness.league_id)
    assert (await run_due(harness.services, league)).settled
    assert await harness.client.outbox.deliver_once() >= 1

    recap = [p for p in harness.fake.channel_posts if "Week 12 is settled" in p["content"]]
    assert len(recap) == 1
    [chart] = recap[0]["attachments"]
    assert chart["filename"].endswith(".png")
    [data] = recap[0]["_file_data"]
    assert data.startswith(PNG) and chart["size"] == len(data)
    height, width = imread(io.BytesIO(data), format="png").shape[:2]
    assert (width, height) == (800, 450)
    # Every part of the recap is within Discord's limits (the fake would have taken anything).
    for post in harness.fake.channel_posts:
        assert len(post["content"]) <= 2000 and len(post["embeds"]) <= 10


async def test_a_command_reply_sends_its_files(harness, monkeypatch):
    export = Attachment("bets.csv", b"id,stake\n1,100\n", "text/csv", "Your bets")

    async def answer(services, invocation, name, args):
        return Reply("Here is your export.", files=(export,))

    monkeypatch.setattr(router, "dispatch", answer)
    callback = await harness.slash("balance", harness.member("alex"))
    message = callback.message
    assert message is not None and callback.ephemeral
    assert [a["filename"] for a in message["attachments"]] == ["bets.csv"]
    assert message["_file_data"] == [export.data]
