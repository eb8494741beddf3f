"""`sync`, `settle` and the scheduler run a league's week jobs under one lease, and a week is
settled by whoever claims its row first.

Issue 12 item 6: a commissioner's `sync` ran the due jobs without the league's lease;
racing the scheduler it re-stamped `settled_at`, replied "1 weeks settled" for a week the
scheduler had settled, and posted a second correction notice (and DMs) for credits that
never moved, because the notice keys contained the time.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from bot.scheduler import BookScheduler
from commands.replies import Tone
from commands.services.league_jobs import busy_message
from commands.services.lifecycle import settle_due
from storage import leases
from storage.migrate import upgrade_to_head
from storage.models import Bet, LedgerEntry, Member, OutboxMessage, Week
from tests.book import Book
from tests.commands.test_week_lifecycle import MONDAY_GAME_OVER, SETTLE_TIME, Correctable
from tests.replicas import DatabaseFactory, shared

__all__ = ["shared"]  # the fixture

USERS = ("alex", "blake", "casey", "drew")


async def _two_replicas(shared: DatabaseFactory) -> tuple[Book, Book, Correctable]:
    """Two processes on one database, both reading the same (correctable) ESPN week."""
    database = shared()
    await upgrade_to_head(database)
    first = Book(database)
    correctable = Correctable(first.clock.now)
    first.services.providers = lambda league: correctable
    await first.open()
    second = Book(shared(), first.clock)
    second.league_id = first.league_id
    second.services.providers = lambda league: correctable
    ml = await first.market_number("moneyline", 0)
    for user, pick in zip(USERS, ("home", "away", "home", "away"), strict=True):
        await first.run(user, "notify", dms="on")
        assert (await first.place(user, ml, pick, 100)).text.startswith("Bet placed")
    first.clock.set(MONDAY_GAME_OVER)
    await first.due()
    first.clock.set(SETTLE_TIME)
    return first, second, correctable


async def _count(book: Book) -> tuple[Counter, Counter, list]:
    async with book.db.read() as session:
        posts = Counter((await session.scalars(select(OutboxMessage.kind))).all())
        entries = Counter(
            (kind, bet)
            for kind, bet in (await session.execute(select(LedgerEntry.kind, LedgerEntry.bet_id))).all()
            if bet is not None
        )
        settled_at = (await session.scalars(select(Week.settled_at).where(Week.status == "settled"))).all()
    return posts, entries, list(settled_at)


async def test_sync_racing_the_scheduler_settles_regrades_and_recaps_once(shared):
    first, second, correctable = await _two_replicas(shared)
    scheduler = BookScheduler(first.services, ["console"], owner="scheduler")

    ticks, reply = await asyncio.gather(scheduler.tick(), second.run("zed", "sync", admin=True))
    settled = [s for report in ticks.values() for s in report.settled]
    if reply.tone is Tone.ERROR:  # the scheduler had the league: sync changed nothing
        assert reply.text == busy_message("sync")
        assert [s.bets for s in settled] == [4]
    else:  # sync had it: the scheduler skipped the league this tick
        assert reply.text.endswith("1 week settled.") and not ticks
    # Whoever lost runs again a moment later and finds the week settled: nothing more.
    assert (await second.run("zed", "sync", admin=True)).text.endswith("0 weeks settled.")
    assert not (await scheduler.tick())[first.league_id].settled
    posts, entries, settled_at = await _count(first)
    assert posts["settled"] == 1 and len(settled_at) == 1 and settled_at[0] == SETTLE_TIME
    assert all(n == 1 for n in entries.values())  # each stake, payout or refund moved once

    # ESPN corrects the week; both runners see it at the same moment, one notice goes out.
    async with first.db.read() as session:
        home_lost = (
            "lost"
            in (await session.scalars(select(Bet.status).join(Member).where(Member.user_id == "alex"))).all()
        )
    correctable.home_bonus = 200.0 if home_lost else -200.0  # flips every bet of the matchup
    first.clock.advance(timedelta(hours=20))
    ticks, reply = await asyncio.gather(scheduler.tick(), second.run("zed", "sync", admin=True))
    assert (await second.run("zed", "sync", admin=True)).tone is Tone.SUCCESS
    await scheduler.tick()
    posts, entries, _ = await _count(first)
    corrections = [key for key, n in entries.items() if key[0] == "correction"]
    assert posts["correction"] == 1
    assert all(entries[key] == 1 for key in corrections) and len(corrections) == 4
    assert posts["dm"] == 4 + 4  # one settlement DM and one correction DM for each bettor


async def test_sync_while_another_process_holds_the_league_is_refused_and_changes_nothing(db):
    book = await Book(db).open()
    book.clock.set(SETTLE_TIME)
    held = await leases.claim(
        db, leases.league_lease(book.league_id), "other-process", book.clock.now(), leases.LEAGUE_LEASE_TTL
    )
    assert held
    await book.run("zed", "balance")
    before = await book.snapshot()
    for command in ("sync", "settle"):
        reply = await book.run("zed", command, admin=True)
        assert reply.tone is Tone.ERROR and reply.text == busy_message(command)
    assert await book.snapshot() == before


async def test_two_settlements_of_one_week_at_once_settle_it_once(shared):
    """Without any lease (two old processes, a forced `settle`): the week's row decides."""
    first, second, _ = await _two_replicas(shared)
    results = await asyncio.gather(
        settle_due(first.db, await first.league(), SETTLE_TIME),
        settle_due(second.db, await second.league(), SETTLE_TIME + timedelta(minutes=1)),
    )
    assert sorted(len(done) for done in results) == [0, 1]
    [summary] = [s for done in results for s in done]
    assert summary.bets == 4
    posts, entries, settled_at = await _count(first)
    assert all(n == 1 for n in entries.values())
    assert settled_at in ([SETTLE_TIME], [SETTLE_TIME + timedelta(minutes=1)])
    assert posts["dm"] == 4  # one settlement DM each, from the one settlement
