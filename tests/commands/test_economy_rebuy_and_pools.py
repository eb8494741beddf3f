"""Every rebuy rule and every pool rule, each refusal proven to write nothing."""

from __future__ import annotations

import asyncio
from collections import Counter

from sqlalchemy import select

from commands.views import SCORE_MEANING
from engine.pools import draw_pools
from storage.models import LedgerEntry, Member, PoolAssignment, Week
from tests.book import Book
from tests.commands.economy_season import lines_up, market, open_season, settle_time


async def refused(book: Book, user: str, expected: str) -> None:
    before = await book.snapshot()
    reply = await book.run(user, "rebuy")
    assert expected in reply.text, reply.text
    assert await book.snapshot() == before


async def test_rebuy_rules(any_db):
    db = any_db
    book, _ = await open_season(db, rebuy=False, rebuy_amount=500, rebuy_until=1)
    for member in ("erin", "finn"):
        await book.run(member, "balance")
    await refused(book, "erin", "Rebuys are off in this league.")
    await book.run("finn", "config set", admin=True, setting="rebuy", value="on")
    await refused(book, "erin", "only possible while a week's betting is open")  # preseason

    book.clock.set(lines_up(1))
    await book.due()
    await refused(book, "erin", "You have 1,000 credits, enough for the minimum stake of 50 credits")
    await book.place("erin", await market(book, 0), "home", "all")
    assert await book.balance("erin") == 0
    assert "500 credits added, you have 500 credits" in (await book.run("erin", "rebuy")).text
    await book.place("erin", await market(book, 1), "home", 460)
    assert await book.balance("erin") == 40  # below the minimum stake again, but...
    await refused(book, "erin", "You've already rebought in week 1; one rebuy a week.")

    book.clock.set(settle_time(1))
    await book.due()
    book.clock.set(lines_up(2))
    await book.due()
    await book.run(
        "finn", "adjust", admin=True, member="erin", amount=-(await book.balance("erin")), reason="t"
    )
    await refused(book, "erin", "Rebuys closed after week 1.")
    await book.run("finn", "config set", admin=True, setting="rebuy_until", value="2")
    # A new week, a new rebuy; two clicks at once still make one.
    both = await asyncio.gather(book.run("erin", "rebuy"), book.run("erin", "rebuy"))
    assert sorted("added" in r.text for r in both) == [False, True]
    loser = next(r.text for r in both if "added" not in r.text)
    assert "already rebought" in loser or "enough for the minimum stake" in loser, loser
    assert await book.balance("erin") == 500
    async with db.read() as session:
        keys = (
            await session.scalars(select(LedgerEntry.dedupe_key).where(LedgerEntry.kind == "rebuy"))
        ).all()
    weeks = {w.matchup_period: w.id for w in (await _weeks(book))}
    assert sorted(keys) == sorted(f"rebuy:week:{weeks[p]}" for p in (1, 2))


async def test_a_rebuy_must_cover_the_minimum_stake(db):
    book, _ = await open_season(db, rebuy=True, rebuy_amount=500)
    await book.run("finn", "balance")
    before = await book.snapshot()
    for setting, value in (("rebuy_amount", "20"), ("min_stake", "600")):
        reply = await book.run("finn", "config set", admin=True, setting=setting, value=value)
        assert "a rebuy must cover a bet" in reply.text
    assert await book.snapshot() == before
    await book.run("finn", "config set", admin=True, setting="rebuy", value="off")
    assert (
        "now 20"
        in (await book.run("finn", "config set", admin=True, setting="rebuy_amount", value="20")).text
    )


async def _weeks(book: Book) -> list[Week]:
    async with book.db.read() as session:
        return list((await session.scalars(select(Week).order_by(Week.matchup_period))).all())


async def _pools(book: Book, week_id: int) -> dict[str, int]:
    async with book.db.read() as session:
        rows = await session.execute(
            select(Member.display_name, PoolAssignment.pool)
            .join(Member, Member.id == PoolAssignment.member_id)
            .where(PoolAssignment.week_id == week_id)
        )
        return dict(rows.all())


async def _ids(book: Book) -> dict[str, int]:
    async with book.db.read() as session:
        return dict((await session.execute(select(Member.display_name, Member.id))).all())


async def test_pools_are_drawn_from_a_recorded_seed_each_week_and_each_has_its_leaderboard(db):
    book, _ = await open_season(db, pool_size=2)
    for member in ("alex", "blake", "casey", "drew", "erin"):
        await book.run(member, "balance")
    book.clock.set(lines_up(1))
    await book.due()
    await book.due()
    week1 = (await _weeks(book))[0]
    pools = await _pools(book, week1.id)
    ids = await _ids(book)
    assert week1.pool_seed is not None
    drawn = draw_pools(ids.values(), 2, week1.pool_seed)  # anyone can re-run the draw
    assert pools == {name: drawn[i] for name, i in ids.items()}
    assert sorted(Counter(pools.values()).values()) == [1, 2, 2]
    await book.due()  # another pass (a restart, a replica) draws nothing new
    assert (await _weeks(book))[0].pool_seed == week1.pool_seed and await _pools(book, week1.id) == pools

    await book.run("finn", "balance")  # joins mid-week: the smallest pool, and the allowance
    smallest = next(p for p, n in Counter(pools.values()).items() if n == 1)
    assert (await _pools(book, week1.id))["finn"] == smallest
    assert await book.balance("finn") == 1000

    for name in ("alex", "finn"):
        mine = (await _pools(book, week1.id))[name]
        mates = sorted(n for n, p in (await _pools(book, week1.id)).items() if p == mine)
        board = await book.run(name, "leaderboard")
        assert board.tables[0].title.endswith(f"season leaderboard - pool {mine} of 3")
        assert f"You're in pool {mine} of 3, drawn for week 1" in board.text
        assert sorted(row[1] for row in board.tables[0].rows) == mates
        week_board = await book.run(name, "leaderboard", period="week")
        assert week_board.tables[0].title == f"Week 1 leaderboard - pool {mine} of 3"

    book.clock.set(settle_time(1))
    await book.due()
    between = await book.run("alex", "leaderboard")  # settled, next week not open yet
    assert "drawn for week 1" in between.text and len(between.tables[0].rows) == 2
    book.clock.set(lines_up(2))
    await book.due()
    week2 = (await _weeks(book))[1]
    assert week2.pool_seed is not None and week2.pool_seed != week1.pool_seed
    everyone = await _ids(book)
    redrawn = draw_pools(everyone.values(), 2, week2.pool_seed)
    assert await _pools(book, week2.id) == {name: redrawn[i] for name, i in everyone.items()}
    assert sorted(Counter((await _pools(book, week2.id)).values()).values()) == [2, 2, 2]
    board = await book.run("finn", "leaderboard")
    assert f"pool {(await _pools(book, week2.id))['finn']} of 3, drawn for week 2" in board.text
    assert (await _pools(book, week1.id))["finn"] == smallest  # last week's pools stay as drawn


async def test_a_league_within_one_pool_has_no_pools(db):
    book, _ = await open_season(db)
    for member in ("alex", "blake", "casey"):
        await book.run(member, "balance")
    book.clock.set(lines_up(1))
    await book.due()
    week = (await _weeks(book))[0]
    assert week.pool_seed is None and await _pools(book, week.id) == {}
    board = await book.run("alex", "leaderboard")
    # no pool note: only what the score counts
    assert "pool" not in board.tables[0].title and board.text == SCORE_MEANING
    assert len(board.tables[0].rows) == 3
