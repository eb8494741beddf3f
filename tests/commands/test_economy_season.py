"""A whole scripted season in both bankroll modes, every number known before it is played.

Stakes are multiples of 110 at -110, so each win is exactly 10/11 of the stake. The same
bets are placed in both modes: the season scores must come out the same (score = betting
result less rebuys), while balances differ exactly as each mode says.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from commands.services.standings import standings
from storage.models import LedgerEntry, Member, Week
from tests.book import Book
from tests.commands.economy_season import lines_up, market, open_season, settle_time

MEMBERS = ("alex", "blake", "casey", "drew", "erin", "finn")  # the first four own teams 1-4
SCORES = {
    1: ((30.0, 20.0), (25.0, 35.0)),  # home wins, away wins
    2: ((10.0, 40.0), (30.0, 20.0)),  # away wins, home wins
    3: ((25.0, 15.0), (10.0, 30.0)),  # home wins, away wins
    4: ((20.0, 10.0), (20.0, 10.0)),
}
SEASON_SCORES = {"blake": 900, "alex": 190, "finn": 180, "drew": 100, "casey": -550, "erin": -950}
WEEK_ONE_SCORES = {"alex": 300, "blake": 0, "casey": 0, "drew": 0, "finn": -220, "erin": -1050}
BALANCES_BEFORE_PLAYOFFS = {
    "carry_over": {"alex": 3190, "blake": 3900, "casey": 2450, "drew": 3100, "erin": 3150, "finn": 3180},
    "weekly_reset": {"alex": 1000, "blake": 1900, "casey": 450, "drew": 1100, "erin": 1000, "finn": 1000},
}


async def ml(book: Book, matchup: int) -> int:
    return await market(book, matchup)


async def bet(book: Book, user: str, matchup: int, pick: str, stake: int | str) -> None:
    reply = await book.place(user, await ml(book, matchup), pick, stake)
    assert reply.text.startswith("Bet placed"), reply.text


async def settle(book: Book, period: int) -> None:
    book.clock.set(settle_time(period))
    report = await book.due()
    assert len(report.settled) == 1, f"week {period} did not settle"


async def open_week(book: Book, period: int) -> None:
    book.clock.set(lines_up(period))
    report = await book.due()
    assert report.sync is not None and len(report.sync.opened) == 1
    await book.due()  # a second pass (a restart, another replica) changes nothing


async def scores(book: Book, week_id: int | None = None) -> dict[str, int]:
    async with book.db.read() as session:
        return {s.name: s.score for s in await standings(session, book.league_id, week_id)}


async def ledger(book: Book, kind: str) -> dict[str, list[int]]:
    async with book.db.read() as session:
        rows = (
            await session.execute(
                select(Member.display_name, LedgerEntry.amount)
                .join(Member, Member.id == LedgerEntry.member_id)
                .where(LedgerEntry.kind == kind)
                .order_by(LedgerEntry.id)
            )
        ).all()
    out: dict[str, list[int]] = {}
    for name, amount in rows:
        out.setdefault(name, []).append(amount)
    return out


async def balances(book: Book) -> dict[str, int]:
    return {m: await book.balance(m) for m in MEMBERS}


@pytest.mark.parametrize("mode", ["carry_over", "weekly_reset"])
async def test_a_season_in_each_bankroll_mode_comes_out_as_scripted(any_db, mode):
    db = any_db
    book, season = await open_season(db, bankroll_mode=mode, rebuy=True, rebuy_amount=550)
    season.scores = SCORES
    for member in MEMBERS:
        await book.run(member, "balance")  # everyone joins in preseason: nothing granted yet
    assert await balances(book) == dict.fromkeys(MEMBERS, 0)

    # Week 1. erin loses everything, rebuys once and wins half of it back.
    await open_week(book, 1)
    assert await balances(book) == dict.fromkeys(MEMBERS, 1000)
    await bet(book, "alex", 0, "home", 330)  # his own team: allowed
    await bet(book, "erin", 1, "home", 1000)
    rebuy = await book.run("erin", "rebuy")
    assert "550 credits added" in rebuy.text and await book.balance("erin") == 550
    await bet(book, "erin", 1, "away", 550)
    await bet(book, "finn", 0, "away", 220)
    await settle(book, 1)
    async with db.read() as session:
        week1 = await session.scalar(select(Week).where(Week.matchup_period == 1))
    assert await scores(book, week1.id) == WEEK_ONE_SCORES
    assert list(await scores(book, week1.id)) == list(WEEK_ONE_SCORES)  # the order, ties by name
    after_week1 = {"alex": 1300, "blake": 1000, "casey": 1000, "drew": 1000, "erin": 1050, "finn": 780}
    assert await balances(book) == after_week1

    # Week 2: the modes part ways as the week opens.
    await open_week(book, 2)
    if mode == "carry_over":
        assert await balances(book) == {m: b + 1000 for m, b in after_week1.items()}
        assert await ledger(book, "reset") == {}
    else:
        assert await balances(book) == dict.fromkeys(MEMBERS, 1000)
        assert await ledger(book, "reset") == {m: [-b] for m, b in after_week1.items()}
    refused = await book.run("alex", "bet", market=await ml(book, 0), pick="away", stake=110)
    assert "against their own team" in refused.text  # the default own-matchup policy
    await bet(book, "alex", 0, "home", 110)
    await bet(book, "finn", 1, "home", 440)
    await bet(book, "erin", 0, "away", 110)
    await settle(book, 2)

    # Week 3: two owners bet, one on another matchup, one on his own.
    await open_week(book, 3)
    await bet(book, "blake", 1, "away", 990)
    await bet(book, "drew", 1, "away", 110)
    await bet(book, "casey", 0, "away", 550)
    await settle(book, 3)
    assert await balances(book) == BALANCES_BEFORE_PLAYOFFS[mode]
    assert await scores(book) == SEASON_SCORES
    assert list(await scores(book)) == list(SEASON_SCORES)

    # Week 4 is a playoff week: past the default rebuy cutoff, whatever the balance.
    await open_week(book, 4)
    await book.run(
        "blake", "adjust", admin=True, member="erin", amount=-(await book.balance("erin")), reason="test"
    )
    before = await book.snapshot()
    late = await book.run("erin", "rebuy")
    assert "closed after the end of the regular season" in late.text
    assert await book.snapshot() == before

    board = await book.run("finn", "leaderboard")
    table = board.tables[0]
    assert [row[1] for row in table.rows] == list(SEASON_SCORES)
    assert table.columns[-1] == "Rebuys" and table.rows[-1][-1] == "550"
    assert [row[2] for row in table.rows] == ["+900", "+190", "+180", "+100", "-550", "-950"]

    # Exactly once: one grant per member per week, at most one reset, one rebuy; and every
    # credit on a balance is explained by the ledger.
    grants = await ledger(book, "grant")
    assert all(len(v) == 4 for v in grants.values()) and len(grants) == 6
    assert (await ledger(book, "rebuy")) == {"erin": [550]}
    async with db.read() as session:
        total_balance = await session.scalar(select(func.sum(Member.balance)))
        total_ledger = await session.scalar(select(func.sum(LedgerEntry.amount)))
    assert total_balance == total_ledger
