"""The lines-up post shows the book as it is when it goes out, and every edit the book as it is then.

The tick queues the post as its week (no words) and marks it due again when the book
moves; the outbox loop words it at each delivery (commands/services/board_post.py).
"""

from __future__ import annotations

from sqlalchemy import select, update

from commands.outbox import OutboxLoop, board_payload
from commands.replies import Reply
from commands.services.weeks import refresh_board
from storage.models import Market, OutboxMessage, Selection
from tests.outbox_callbacks import Callbacks
from tests.template_book import fresh_book


def _moneyline_row(reply: Reply) -> str:
    """The first matchup's moneyline cell as the board post shows it."""
    table = reply.tables[0]
    return table.rows[0][table.columns.index("Moneyline")]


async def _set_home_odds(book, odds: int) -> None:
    """Move the first matchup's moneyline home price, as a reprice would."""
    async with book.db.write() as session:
        market_id = await session.scalar(
            select(Market.id).where(Market.number == await book.market_number("moneyline"))
        )
        home = (Selection.market_id == market_id) & (Selection.side == "home")
        await session.execute(update(Selection).where(home).values(odds=odds))


async def test_the_board_post_is_worded_at_delivery_and_again_at_each_edit(tmp_path):
    book = await fresh_book(tmp_path)
    sent: list[Reply] = []
    edited: list[tuple[str, Reply]] = []

    async def send(_league, reply):
        sent.append(reply)
        return "msg-1"

    async def edit(_league, ref, reply):
        edited.append((ref, reply))

    outbox = OutboxLoop(book.db, book.clock, Callbacks(send, edit))
    try:
        async with book.db.read() as session:
            posts = await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "lines_up"))
            post = posts.one()
        week_id = post.payload["board_week"]
        assert post.payload == board_payload(week_id)  # the week alone: no words stored

        await _set_home_odds(book, 250)  # the book moves after the post was queued
        assert await outbox.deliver_posts() == 1
        assert "+250" in _moneyline_row(sent[0]) and sent[0].text.startswith("Lines are up for week")

        await _set_home_odds(book, 300)
        assert await outbox.deliver_posts() == 0  # nothing due: the book moved, nobody said so
        async with book.db.write() as session:
            await refresh_board(session, book.league_id, week_id)  # what a reprice or a lock does
            await refresh_board(session, book.league_id, week_id)  # twice before a delivery: one edit
        assert await outbox.deliver_posts() == 1
        assert [ref for ref, _ in edited] == ["msg-1"] and len(sent) == 1
        assert "+300" in _moneyline_row(edited[0][1])
    finally:
        await book.db.dispose()


async def test_a_post_stored_as_its_words_is_delivered_as_stored(tmp_path):
    """Posts queued with their words (recaps, reminders, a board queued before this release)
    go out exactly as stored: only a board payload is worded at delivery."""
    book = await fresh_book(tmp_path)
    sent: list[Reply] = []

    async def send(_league, reply):
        sent.append(reply)
        return "msg-1"

    try:
        async with book.db.write() as session:
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.kind == "lines_up")
                .values(payload={"text": "Lines are up (as stored)", "ephemeral": False})
            )
        assert await OutboxLoop(book.db, book.clock, Callbacks(send)).deliver_posts() == 1
        assert sent[0].text == "Lines are up (as stored)" and not sent[0].tables
    finally:
        await book.db.dispose()
