"""Fuzzing bets on the new kinds of market: high score, MVP and alternate lines.

The command fuzzer (test_fuzz_commands.py) runs on the default demo league, where these
markets are off; here they are on, and `bet` is fuzzed against them with hostile and
plausible picks and stakes. Whatever the input: a reply, never an internal error, and a
refusal leaves every table as it was; an accepted slip is then confirmed or discarded, and
the books reconcile after every step.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from commands.replies import Tone
from storage.models import Market, Selection
from tests.book import Book
from tests.property.test_fuzz_commands import INTERNAL_ERROR, hostile, snapshot
from tests.template_book import fresh_book

KINDS = ("high_score", "mvp", "alt_spread", "alt_total")


async def _opened(tmp_path: Any) -> tuple[Book, dict[str, int], list[str]]:
    book = await fresh_book(tmp_path)
    for setting in ("high_score", "mvp", "alternate_lines", "popular_picks"):
        await book.run("admin", "config set", admin=True, setting=setting, value="on")
    book.clock.advance(timedelta(minutes=5))
    await book.due()
    for user in ("alex", "blake"):
        await book.run(user, "balance")
    async with book.db.read() as session:
        numbers = {
            kind: number
            for kind, number in (
                await session.execute(
                    select(Market.kind, Market.number)
                    .where(Market.kind.in_(KINDS))
                    .order_by(Market.id.desc())
                )
            ).all()
        }
        labels = (
            await session.scalars(select(Selection.label).join(Market).where(Market.kind.in_(KINDS)))
        ).all()
    words = sorted({w.strip("()").lower() for label in labels for w in label.split()})
    return book, numbers, words


def test_bets_on_the_new_markets_get_a_reply_and_a_refusal_writes_nothing(tmp_path: Any) -> None:
    loop = asyncio.new_event_loop()
    book, numbers, words = loop.run_until_complete(_opened(tmp_path))
    assert set(numbers) == set(KINDS)
    path = str(tmp_path / "book.db")
    picks = st.sampled_from([*words[:40], "home", "away", "over", "under", "h", "o"]) | hostile

    @settings(max_examples=20, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        kind=st.sampled_from(KINDS),
        pick=picks,
        stake=st.sampled_from([1, 10, 250, "all", "5%", 0, -3, "x"]) | hostile,
        confirm=st.booleans(),
    )
    def fuzz(kind: str, pick: Any, stake: Any, confirm: bool) -> None:
        before = snapshot(path)
        reply = loop.run_until_complete(book.run("alex", "bet", market=numbers[kind], pick=pick, stake=stake))
        assert INTERNAL_ERROR not in reply.text, (kind, pick, stake, reply.text)
        if reply.tone is Tone.ERROR:
            assert reply.text.strip()
            assert snapshot(path) == before, (kind, pick, stake, reply.text)
        elif reply.cards:
            quote = int(reply.cards[0].title.split("#")[1])
            follow = loop.run_until_complete(
                book.run("alex", "confirm" if confirm else "discard", quote=quote)
            )
            assert INTERNAL_ERROR not in follow.text
        assert loop.run_until_complete(book.money_faults()) == []

    try:
        fuzz()
        for command in ("markets", "mybets", "stats", "history"):
            reply = loop.run_until_complete(book.run("alex", command))
            assert INTERNAL_ERROR not in reply.text
    finally:
        loop.run_until_complete(book.db.dispose())
        loop.close()
