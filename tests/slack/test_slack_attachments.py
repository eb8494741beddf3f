"""Files reach Slack through files_upload_v2: the recap's chart in the channel, a private
reply's files in the member's DM (Slack files cannot be ephemeral)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from adapters.slack import listeners
from commands.context import Invocation
from commands.dispatch import dispatch
from commands.replies import Attachment, Reply
from commands.services.lifecycle import run_due
from storage.models import League
from tests.slack.driver import BOT_TOKEN, CHANNEL, TEAM
from tests.slack.test_slack_outbox_and_secrets import outbox

PNG = b"\x89PNG\r\n\x1a\n"


async def test_the_weekly_recap_uploads_its_chart_to_the_league_channel(services, fake, clock):
    for user in ("U1", "U2"):
        invocation = Invocation("slack", TEAM, user, user, f"i-{user}", channel_id=CHANNEL)
        await dispatch(services, invocation, "balance", {})
    clock.advance(timedelta(days=8))
    async with services.db.read() as session:
        league = (await session.scalars(select(League))).one()
    assert (await run_due(services, league)).settled

    assert await (await outbox(services, fake)).deliver_once() == 2  # lines board, recap
    [chart] = fake.completed_uploads(CHANNEL)
    assert chart.filename.endswith(".png") and chart.data is not None and chart.data.startswith(PNG)
    assert chart.length == len(chart.data) and chart.alt_txt and "profit" in chart.alt_txt
    steps = [c for c in fake.calls if c.method.startswith("files.")]
    assert [c.method for c in steps] == ["files.getUploadURLExternal", "files.completeUploadExternal"]
    assert all(c.token == BOT_TOKEN for c in steps)
    # The recap's messages come first, then its chart; every message within Slack's limits.
    posts = [c.args for c in fake.calls_to("chat.postMessage")]
    assert any("Week 12 is settled" in p["text"] for p in posts)
    assert all(len(p["blocks"]) <= 50 for p in posts)


async def test_a_private_reply_sends_its_files_to_the_members_dm(slack, fake, monkeypatch):
    export = Attachment("bets.csv", b"id,stake\n1,100\n", "text/csv", "Your bets")

    async def answer(services, invocation, name, args):
        return Reply("Here is your export.", files=(export,))

    monkeypatch.setattr(listeners, "dispatch", answer)
    await slack.command("balance", user="U7")
    await fake.wait_until(lambda: bool(fake.completed_uploads("DU7")))
    [upload] = fake.completed_uploads()
    assert upload.channel_id == "DU7" and upload.data == export.data and upload.title == "Your bets"
    assert fake.calls_to("conversations.open")[0].args["users"] == "U7"


async def test_an_install_without_files_write_still_gets_the_post_once(services, fake, clock, caplog):
    original = fake._answer

    def no_scope(method, args, team):
        if method.startswith("files."):
            return {"ok": False, "error": "missing_scope", "needed": "files:write"}
        return original(method, args, team)

    fake._answer = no_scope
    for user in ("U1", "U2"):
        invocation = Invocation("slack", TEAM, user, user, f"i-{user}", channel_id=CHANNEL)
        await dispatch(services, invocation, "balance", {})
    clock.advance(timedelta(days=8))
    async with services.db.read() as session:
        league = (await session.scalars(select(League))).one()
    assert (await run_due(services, league)).settled
    sender = await outbox(services, fake)
    assert await sender.deliver_once() == 2
    assert await sender.deliver_once() == 0  # nothing left to retry: no second copy
    recaps = [c for c in fake.calls_to("chat.postMessage") if "Week 12 is settled" in c.args["text"]]
    assert len(recaps) == 1 and "missing_scope" in caplog.text
