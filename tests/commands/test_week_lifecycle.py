"""When lines open, when a week settles, and how stat corrections re-grade it."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from adapters.espn.demo.provider import DEMO_WEEK_START, DemoLeagueProvider
from commands.clock import ManualClock
from commands.replies import Tone
from storage.models import Bet, LedgerEntry, Market, Member, OutboxMessage, Week
from tests.book import Book

TUESDAY_BEFORE = DEMO_WEEK_START - timedelta(days=1)  # Tue Nov 24, noon Eastern
MONDAY_GAME_OVER = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)  # Tue 01:00 Eastern: all games final
SETTLE_TIME = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)  # Tue 09:00 Eastern


class Correctable:
    """The demo provider, with ESPN's stat corrections applied on top."""

    def __init__(self, now) -> None:
        self.inner = DemoLeagueProvider(now)
        self.home_bonus = 0.0

    async def fetch_league(self):
        return await self.inner.fetch_league()

    async def fetch_week(self, period):
        week = await self.inner.fetch_week(period)
        if not self.home_bonus:
            return week
        first = week.matchups[0]
        fixed = dataclasses.replace(first, home_score=(first.home_score or 0) + self.home_bonus)
        return dataclasses.replace(week, matchups=(fixed, *week.matchups[1:]))


async def test_lines_open_on_wednesday_morning_not_before(db):
    book = Book(db, ManualClock(TUESDAY_BEFORE))
    await book.open()
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Market)) == 0
        week = await session.scalar(select(Week))
    assert week.lines_open_at == datetime(2026, 11, 25, 15, 0, tzinfo=UTC)  # Wed 10:00 Eastern
    assert "lines open" in (await book.run("alex", "markets")).text.lower()
    assert await book.balance("alex") == 0  # the allowance comes with the lines
    book.clock.set(week.lines_open_at)
    report = await book.due()
    assert report.sync.opened == [week.id]
    assert await book.balance("alex") == 1000
    assert (await book.run("alex", "markets")).tables


async def test_settlement_waits_for_the_settle_time(db):
    book = await Book(db).open()
    await book.place("alex", await book.market_number("moneyline", 0), "home", 100)
    book.clock.set(MONDAY_GAME_OVER)
    report = await book.due()
    assert report.sync.went_final and not report.settled
    book.clock.set(SETTLE_TIME - timedelta(minutes=1))
    assert not (await book.due()).settled
    book.clock.set(SETTLE_TIME)
    assert len((await book.due()).settled) == 1
    assert not (await book.due()).settled  # and only once


async def test_stat_correction_regrades_with_exact_corrective_entries(db):
    book = Book(db)
    correctable = Correctable(book.clock.now)
    book.services.providers = lambda league: correctable
    await book.open()
    ml = await book.market_number("moneyline", 0)
    await book.place("alex", ml, "home", 100)
    await book.place("blake", ml, "away", 100)
    book.clock.set(SETTLE_TIME)
    await book.due()
    async with db.read() as session:
        before = {b.member_id: (b.status, b.payout) for b in (await session.scalars(select(Bet))).all()}
        balances = {m.user_id: m.balance for m in (await session.scalars(select(Member))).all()}
    loser = "alex" if before[1][0] == "lost" else "blake"
    # ESPN moves the first matchup by 200 points the loser's way.
    correctable.home_bonus = 200.0 if loser == "alex" else -200.0
    book.clock.advance(timedelta(hours=20))
    report = await book.due()
    assert len(report.corrections) == 2
    async with db.read() as session:
        after = {b.member_id: (b.status, b.payout) for b in (await session.scalars(select(Bet))).all()}
        entries = (await session.scalars(select(LedgerEntry).where(LedgerEntry.kind == "correction"))).all()
        new_balances = {m.user_id: m.balance for m in (await session.scalars(select(Member))).all()}
        notices = (
            await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "correction"))
        ).all()
    assert {s for s, _ in after.values()} == {"won", "lost"} and after != before
    by_member = {e.member_id: e.amount for e in entries}
    for member_id, (_, payout) in after.items():
        assert by_member[member_id] == payout - before[member_id][1]
    assert sum(new_balances.values()) == sum(balances.values()) + sum(by_member.values())
    assert len(notices) == 1 and "re-graded" in notices[0].payload["text"]
    # Running again changes nothing; after the window closes nothing is re-read.
    assert not (await book.due()).corrections
    correctable.home_bonus = 0.0
    book.clock.advance(timedelta(days=3))
    assert not (await book.due()).corrections


async def test_void_of_a_prop_when_the_player_never_played_is_not_regraded(db):
    book = await Book(db).open()
    reply = await book.run("alex", "config set", admin=True, setting="settle_at", value="wed 08:00")
    assert reply.tone is Tone.SUCCESS
    book.clock.set(SETTLE_TIME)
    assert not (await book.due()).settled  # now waits for Wednesday 08:00
    book.clock.set(datetime(2026, 12, 2, 13, 0, tzinfo=UTC))
    assert (await book.due()).settled


async def test_a_correction_never_overdraws_and_the_ledger_still_balances(db):
    book = Book(db)
    correctable = Correctable(book.clock.now)
    book.services.providers = lambda league: correctable
    await book.open()
    ml = await book.market_number("moneyline", 0)
    await book.place("alex", ml, "home", 250)
    await book.place("blake", ml, "away", 250)
    book.clock.set(SETTLE_TIME)
    await book.due()
    async with db.read() as session:
        winner_id = (await session.scalars(select(Bet.member_id).where(Bet.status == "won"))).one()
        winner = await session.get(Member, winner_id)
    # The winner spends nearly everything before ESPN takes the win away.
    taken = await book.run(
        "zed",
        "adjust",
        admin=True,
        member=winner.user_id,
        amount=str(-(winner.balance - 5)),
        reason="spent it",
    )
    assert taken.tone is Tone.SUCCESS, taken.text
    correctable.home_bonus = -400.0 if winner.user_id == "alex" else 400.0
    book.clock.advance(timedelta(hours=20))
    report = await book.due()
    clawback = next(c for c in report.corrections if c.member_id == winner_id)
    assert clawback.amount == -5 and clawback.shortfall > 0
    async with db.read() as session:
        balances = await session.scalar(select(func.sum(Member.balance)))
        ledger = await session.scalar(select(func.sum(LedgerEntry.amount)))
        left = await session.scalar(select(Member.balance).where(Member.id == winner_id))
    assert left == 0 and balances == ledger
    # ESPN reverses its correction: the winner gets back only what was actually taken.
    correctable.home_bonus = 0.0
    book.clock.advance(timedelta(hours=1))
    report = await book.due()
    restored = next(c for c in report.corrections if c.member_id == winner_id)
    assert restored.amount == 5
    async with db.read() as session:
        assert await session.scalar(select(Member.balance).where(Member.id == winner_id)) == 5
        assert await session.scalar(select(func.sum(Member.balance))) == await session.scalar(
            select(func.sum(LedgerEntry.amount))
        )


async def test_jumping_past_the_final_still_locks_every_market(db):
    book = await Book(db).open()
    book.clock.set(MONDAY_GAME_OVER)  # down from Wednesday until every game is over
    report = await book.due()
    assert report.sync.went_final and report.locked > 0
    async with db.read() as session:
        statuses = set((await session.scalars(select(Market.status))).all())
    assert statuses == {"locked"}
