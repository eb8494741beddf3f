"""Channel posts through chat.postMessage (rate limits, Slack's limits) and secrets collected in a form."""

from __future__ import annotations

import logging

from sqlalchemy import select

from adapters.slack.outbox import SlackOutbox
from commands import catalogue
from commands.catalogue import Audience, Command, Option, OptionType
from commands.handlers import HANDLERS
from commands.outbox import OutboxLoop, enqueue_post
from commands.replies import Reply, Table
from storage.models import League, OutboxMessage
from tests.slack.conftest import no_wait
from tests.slack.driver import BOT_TOKEN, CHANNEL, TEAM

S2 = "AEBsecretESPNcookieValue0123456789"
SWID = "{SECRET-SWID-0000}"


async def outbox(services, fake) -> OutboxLoop:
    async def token_for(team: str) -> str | None:
        return BOT_TOKEN if team == TEAM else None

    slack = SlackOutbox(services, token_for, api_url=fake.api_url, retry_sleep=no_wait)
    return OutboxLoop(services.db, services.clock, slack)


async def test_lines_up_post_goes_out_through_chat_post_message_after_a_rate_limit(services, fake):
    fake.rate_limited["chat.postMessage"] = 1
    sent = await (await outbox(services, fake)).deliver_once()
    posts = fake.calls_to("chat.postMessage")
    assert sent == 1 and len(posts) == 2  # the 429, then the retry
    assert posts[-1].args["channel"] == CHANNEL and posts[-1].token == BOT_TOKEN
    assert "Lines are up" in posts[-1].args["text"]
    async with services.db.read() as session:
        assert (await session.scalars(select(OutboxMessage.status))).all() == ["sent"]


async def test_a_huge_post_is_split_into_several_messages(services, fake):
    async with services.db.write() as session:
        league = (await session.scalars(select(League))).one()
        rows = tuple((str(i), f"member-{i:04d}") for i in range(2500))
        await enqueue_post(
            session,
            league_id=league.id,
            kind="recap",
            dedupe_key="test:huge",
            reply=Reply("Everyone", tables=(Table(("#", "Member"), rows),), ephemeral=False),
            now=services.clock.now(),
        )
    assert await (await outbox(services, fake)).deliver_once() == 2
    posts = [c.args for c in fake.calls_to("chat.postMessage")]
    assert len(posts) > 2 and all(len(p["blocks"]) <= 50 for p in posts)
    text = str(posts)
    assert all(f"member-{i:04d}" in text for i in range(2500))


async def test_secrets_are_asked_in_a_form_and_never_echoed(slack, fake, monkeypatch, caplog):
    seen: dict[str, object] = {}

    async def link_private(ctx, args):
        seen.update(args)
        return Reply(f"Linked ESPN league {args['league']}; cookies stored.")

    secretive = Command(
        ("linkespn",),
        "Test-only: link a private ESPN league.",
        (
            Option("league", OptionType.NUMBER, "ESPN league id"),
            Option("espn_s2", OptionType.TEXT, "espn_s2 cookie", secret=True),
            Option("swid", OptionType.TEXT, "SWID cookie", secret=True),
        ),
        audience=Audience.ADMIN,
    )
    monkeypatch.setitem(catalogue.BY_NAME, secretive.name, secretive)
    monkeypatch.setitem(HANDLERS, secretive.name, link_private)
    caplog.set_level(logging.DEBUG)

    refused = await slack.command("linkespn 777", user="U1")
    assert "commissioners only" in refused.text and fake.calls_to("views.open") == []

    opened = await slack.command("linkespn 777", user="UADMIN", expect=0)
    view = fake.calls_to("views.open")[-1].args["view"]
    assert [b["block_id"] for b in view["blocks"] if b["type"] == "input"] == ["espn_s2", "swid"]
    status, ack = await slack.submit(view, {"espn_s2": S2, "swid": SWID}, user="UADMIN")
    assert status == 200 and "errors" not in ack
    [answer] = await fake.responses(opened.response_url)
    assert seen == {"league": 777, "espn_s2": S2, "swid": SWID}
    assert "Linked ESPN league 777" in answer["text"]
    everything = str(fake.calls) + str(fake.posts) + caplog.text
    assert S2 not in everything and SWID not in everything


async def test_only_the_methods_the_scopes_allow_are_called(slack, fake):
    odds = await slack.command("odds 1")
    prompt = await slack.click(odds.button("Hail Mary"))
    slip = await slack.click(prompt.button("25%"))
    await slack.click(slip.button("Confirm"))
    await slack.click(prompt.button("Custom"), expect=0)
    # auth.test and views.open need no scope; users.info needs users:read; chat.* needs chat:write.
    assert {c.method for c in fake.calls} <= {"auth.test", "users.info", "views.open", "chat.postMessage"}


async def test_setup_asks_for_the_cookies_in_a_form_and_they_may_stay_blank(slack, fake):
    await slack.command("setup 12345", user="UADMIN", expect=0)
    view = fake.calls_to("views.open")[-1].args["view"]
    inputs = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    assert list(inputs) == ["espn_s2", "swid"]  # never typed into the channel
    assert all(b["optional"] for b in inputs.values())  # a public league needs none
