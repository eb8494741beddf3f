"""Discord failing mid-delivery: a channel post is retried from the outbox and lands exactly once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from commands.outbox import enqueue_post
from commands.replies import Reply, Table
from storage.models import OutboxMessage


@pytest.mark.parametrize("fault", ["503", "reset"])
async def test_a_failed_channel_post_is_retried_and_delivered_once(harness, fault):
    assert harness.client is not None
    harness.fake.post_faults = [fault]
    assert await harness.client.outbox.deliver_once() == 0
    async with harness.services.db.read() as session:
        [(status, attempts, error)] = (
            await session.execute(
                select(OutboxMessage.status, OutboxMessage.attempts, OutboxMessage.last_error)
            )
        ).all()
    assert status == "pending" and attempts == 1 and error
    assert await harness.client.outbox.deliver_once() == 1
    assert await harness.client.outbox.deliver_once() == 0
    lines = [p for p in harness.fake.channel_posts if "Lines are up" in p["content"]]
    assert len(lines) == 1


async def test_a_split_post_failing_part_way_posts_no_part_twice(harness):
    assert harness.client is not None
    assert await harness.client.outbox.deliver_once() >= 1  # the lines board goes first
    async with harness.services.db.write() as session:
        rows = tuple((str(i), f"member-{i:04d}") for i in range(400))
        await enqueue_post(
            session,
            league_id=harness.league_id,
            kind="recap",
            dedupe_key="test:split",
            reply=Reply("Everyone", tables=(Table(("#", "Member"), rows),), ephemeral=False),
            now=harness.clock.now(),
        )
    before = len(harness.fake.channel_posts)
    harness.fake.post_faults = ["ok", "503"]  # the first part lands, the second fails
    assert await harness.client.outbox.deliver_once() == 0
    assert await harness.client.outbox.deliver_once() == 1
    posted = harness.fake.channel_posts[before:]
    assert len(posted) >= 2
    text = str([harness.fake.messages.get(p["id"], p) for p in posted])
    counts = [text.count(f"member-{i:04d}") for i in range(400)]
    assert set(counts) == {1}, f"parts posted twice: {sum(c > 1 for c in counts)} rows repeated"
