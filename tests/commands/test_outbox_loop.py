"""The one outbox loop's rules, on any adapter: retry limits, refusals, and who implements it."""

from __future__ import annotations

import inspect

import pytest
from sqlalchemy import select

from adapters.console.outbox import ConsoleOutbox
from adapters.discord.outbox import DiscordOutbox
from adapters.slack.outbox import SlackOutbox
from commands.outbox import MAX_POST_ATTEMPTS, OutboxAdapter, OutboxLoop, RoleAdapter, enqueue_post
from commands.replies import Reply
from storage.models import OutboxMessage
from tests.book import Book
from tests.outbox_callbacks import Callbacks, RefusedForGood
from tests.template_book import fresh_book


async def _post(book: Book) -> None:
    async with book.db.write() as session:
        await session.execute(OutboxMessage.__table__.delete())
        await enqueue_post(
            session,
            league_id=book.league_id,
            kind="recap",
            dedupe_key="test:post",
            reply=Reply("Results", ephemeral=False),
            now=book.clock.now(),
        )


async def _status(book: Book) -> tuple[str, int, str | None]:
    async with book.db.read() as session:
        row = (
            await session.execute(
                select(OutboxMessage.status, OutboxMessage.attempts, OutboxMessage.last_error)
            )
        ).one()
    return tuple(row)


@pytest.mark.parametrize(
    ("error", "tries", "final"),
    [
        (ConnectionError("down"), MAX_POST_ATTEMPTS, ("failed", MAX_POST_ATTEMPTS, "ConnectionError")),
        (RefusedForGood("channel gone"), 1, ("failed", 1, "channel gone")),
    ],
)
async def test_a_failing_post_is_retried_up_to_its_limit_and_a_refusal_is_final_at_once(
    tmp_path, error, tries, final
):
    book = await fresh_book(tmp_path)
    await _post(book)

    async def fail(_league, _reply):
        raise error

    outbox = OutboxLoop(book.db, book.clock, Callbacks(fail))
    try:
        for _ in range(tries):
            assert await outbox.deliver_posts() == 0
        assert await _status(book) == final
        assert await outbox.deliver_posts() == 0  # a failed post is never tried again
    finally:
        await book.db.dispose()


def test_discord_slack_and_the_console_implement_the_outbox_protocol():
    members = {name for name, _ in inspect.getmembers(OutboxAdapter) if not name.startswith("_")}
    members |= set(OutboxAdapter.__annotations__)
    for adapter in (DiscordOutbox, SlackOutbox, ConsoleOutbox):
        missing = {m for m in members if not hasattr(adapter, m) and m != "platform"}
        assert not missing, (adapter.__name__, missing)
    assert issubclass(DiscordOutbox, RoleAdapter)
    assert not issubclass(SlackOutbox, RoleAdapter) and not issubclass(ConsoleOutbox, RoleAdapter)
