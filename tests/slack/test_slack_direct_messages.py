"""Settlement DMs on Slack: chat.postMessage to the member's user id, once; refusals recorded, not retried."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from commands.context import Invocation
from commands.dispatch import dispatch
from commands.outbox import DM_KIND
from commands.replies import Tone
from commands.services.lifecycle import run_due
from storage.models import League, Market, OutboxMessage
from tests.slack.driver import CHANNEL, TEAM
from tests.slack.test_slack_outbox_and_secrets import outbox


async def _run(services, user: str, name: str, **args):
    invocation = Invocation("slack", TEAM, user, user.lower(), f"i-{user}-{name}-{len(str(args))}")
    return await dispatch(services, invocation, name, args)


async def test_settlement_dms_reach_slack_users_once_and_a_refusal_is_final(services, fake, clock):
    async with services.db.read() as session:
        market = await session.scalar(
            select(Market.number).where(Market.kind == "moneyline").order_by(Market.matchup_id).limit(1)
        )
    for user in ("UALEX", "UCASEY"):
        assert (await _run(services, user, "notify", dms="on")).tone is Tone.SUCCESS
    for user in ("UALEX", "UBLAKE", "UCASEY"):
        slip = await _run(services, user, "bet", market=market, pick="home", stake=50)
        quote = int(slip.cards[0].title.split("#")[1])
        assert (await _run(services, user, "confirm", quote=quote)).tone is Tone.SUCCESS
    fake.dms_closed.add("UCASEY")
    clock.advance(timedelta(days=8))
    async with services.db.read() as session:
        league = (await session.scalars(select(League))).one()
    assert (await run_due(services, league)).settled

    slack = await outbox(services, fake)
    await slack.deliver_once()
    posts = fake.calls_to("chat.postMessage")
    assert any(p.args["channel"] == CHANNEL and "settled" in p.args["text"].lower() for p in posts)
    to_users = [p.args for p in posts if p.args["channel"].startswith("U")]
    assert [p["channel"] for p in to_users] == ["UALEX", "UCASEY"]  # blake did not opt in
    assert "Week 12 is settled" in to_users[0]["text"]
    async with services.db.read() as session:
        dms = {
            m.payload["to"]: m
            for m in (await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == DM_KIND))).all()
        }
    assert dms["UALEX"].status == "sent"
    assert dms["UCASEY"].status == "failed" and dms["UCASEY"].last_error == "Slack channel_not_found"

    calls = len(fake.calls)
    assert await slack.deliver_once() == 0
    assert len(fake.calls) == calls  # nothing sent twice, the refusal not retried
