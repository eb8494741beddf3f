"""Slack failing mid-delivery: a channel post is retried from the outbox and lands exactly once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from adapters.slack.outbox import SlackOutbox
from commands.outbox import OutboxLoop, enqueue_post
from commands.replies import Reply, Table
from storage.models import League, OutboxMessage
from tests.slack.conftest import no_wait
from tests.slack.driver import BOT_TOKEN, TEAM


async def outbox(services, fake) -> OutboxLoop:
    async def token_for(team: str) -> str | None:
        return BOT_TOKEN if team == TEAM else None

    slack = SlackOutbox(services, token_for, api_url=fake.api_url, retry_sleep=no_wait)
    return OutboxLoop(services.db, services.clock, slack)


async def pending(services) -> list[tuple[str, int, str | None]]:
    async with services.db.read() as session:
        return [
            tuple(r)
            for r in await session.execute(
                select(OutboxMessage.status, OutboxMessage.attempts, OutboxMessage.last_error)
            )
        ]


@pytest.mark.parametrize("fault", ["500", "reset"])
async def test_a_failed_post_stays_pending_and_is_delivered_once_on_the_next_pass(services, fake, fault):
    fake.failures["chat.postMessage"] = [fault]
    box = await outbox(services, fake)
    assert await box.deliver_once() == 0
    [(status, attempts, error)] = await pending(services)
    assert status == "pending" and attempts == 1 and error
    assert await box.deliver_once() == 1
    assert await box.deliver_once() == 0  # nothing left: a delivered post is never sent again
    delivered = [c.args["text"] for c in fake.delivered("chat.postMessage")]
    assert len(delivered) == 1 and "Lines are up" in delivered[0]
    assert len(fake.calls_to("chat.postMessage")) == 2  # the failed try, then the retry
    assert (await pending(services))[0][0] == "sent"


async def test_a_split_post_failing_part_way_posts_no_part_twice(services, fake):
    box = await outbox(services, fake)
    assert await box.deliver_once() == 1  # the lines board goes first
    async with services.db.write() as session:
        league = (await session.scalars(select(League))).one()
        rows = tuple((str(i), f"member-{i:04d}") for i in range(2500))
        await enqueue_post(
            session,
            league_id=league.id,
            kind="recap",
            dedupe_key="test:split",
            reply=Reply("Everyone", tables=(Table(("#", "Member"), rows),), ephemeral=False),
            now=services.clock.now(),
        )
    fake.failures["chat.postMessage"] = ["ok", "500"]  # the first part lands, the second fails
    assert await box.deliver_once() == 0
    assert await box.deliver_once() == 1
    text = str([c.args for c in fake.delivered("chat.postMessage")[1:]])
    counts = [text.count(f"member-{i:04d}") for i in range(2500)]
    assert set(counts) == {1}, f"parts posted twice: {sum(c > 1 for c in counts)} rows repeated"
