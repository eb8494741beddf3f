"""A demo league opened once per process and copied per test: the cheap fixture for many examples.

Opening the demo league (seeding, first sync, pricing every market) costs seconds on a busy
machine; a property test that runs a thousand examples copies the finished SQLite file
instead, which takes milliseconds and starts every example from the same state.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import String, func, select, update

from commands.services.lifecycle import regrade_due
from commands.services.weeks import sync_league
from storage.database import Database
from storage.migrate import upgrade_to_head
from storage.models import Market, Matchup, Starter, Week
from storage.statuses import WeekStatus
from tests.book import Book

_template: tuple[Path, int] | None = None


async def _build(folder: Path) -> tuple[Path, int]:
    path = folder / "template.db"
    db = Database(f"sqlite+aiosqlite:///{path}")
    await upgrade_to_head(db)
    book = await Book(db).open()
    await db.dispose()  # closes every connection, so the WAL is folded into the file
    return path, book.league_id


async def template() -> tuple[Path, int]:
    global _template
    if _template is None:
        _template = await _build(Path(tempfile.mkdtemp(prefix="sidebet-template-")))
    return _template


@asynccontextmanager
async def joined_book(folder: Path, users: tuple[str, ...] = ("alex",)) -> AsyncIterator[Book]:
    """`fresh_book` with `users` joined (the week's allowance granted), disposed afterwards."""
    book = await fresh_book(folder)
    try:
        for user in users:
            await book.run(user, "balance")
        yield book
    finally:
        await book.db.dispose()


async def fresh_book(folder: Path, **database: object) -> Book:
    """A Book on its own copy of the opened demo league, at the demo week's start."""
    path, league_id = await template()
    target = folder / "book.db"
    shutil.copyfile(path, target)
    db = Database(f"sqlite+aiosqlite:///{target}", **database)  # type: ignore[arg-type]
    book = Book(db)
    book.league_id = league_id
    return book


# --- the state machine's smaller league ----------------------------------------------------
MACHINE_USERS = ("alex", "blake", "casey")
MACHINE_KINDS = ("moneyline", "spread", "total")
FINAL_TABLES = ("weeks", "matchups", "starters")


@dataclass(frozen=True, slots=True)
class MachineTemplate:
    path: Path
    league_id: int
    markets: dict[tuple[str, int], int]  # (kind, matchup index) -> the market's number, as typed
    # The rows ESPN's final scores produce (weeks, matchups, starters), read once from a
    # real sync at the end of the week, so a settlement step need not re-sync every time.
    final_rows: dict[str, tuple[list[str], list[tuple]]]


_machines: dict[bool, MachineTemplate] = {}


async def machine_template() -> MachineTemplate:
    """The demo league with three members, betting on two matchups' main markets only.

    Every other market is voided before any bet, so a settlement grades a dozen markets
    rather than every prop of the week; what a settlement does per market is unchanged.
    """
    return await _machine_template(props=False)


async def lineup_template() -> MachineTemplate:
    """`machine_template` plus one player prop per matchup, keyed ("prop", 0) and ("prop", 1).

    Each is a starter's prop in a Sunday game (so open all through the machine's week), the
    two in different NFL games, so benching one player or moving one game touches one prop.
    """
    return await _machine_template(props=True)


async def _sunday_props(book: Book) -> dict[tuple[str, int], int]:
    """One prop market per machine matchup, on starters of two different Sunday NFL games."""
    chosen: dict[tuple[str, int], int] = {}
    games: set[str | None] = set()
    async with book.db.read() as session:
        matchups = (await session.scalars(select(Matchup.id).order_by(Matchup.id))).all()
        for index, matchup_id in enumerate(matchups[:2]):
            rows = (
                await session.execute(
                    select(Market.number, Starter.game_id, Starter.kickoff)
                    .join(
                        Starter,
                        (Starter.matchup_id == Market.matchup_id)
                        & (func.cast(Starter.player_id, String) == Market.subject),
                    )
                    .where(Market.matchup_id == matchup_id, Market.kind == "prop", Starter.position != "D/ST")
                    .order_by(Market.id)
                )
            ).all()
            for number, game_id, kickoff in rows:
                if kickoff.weekday() == 6 and game_id not in games:  # Sunday (UTC), a game of its own
                    chosen[("prop", index)] = number
                    games.add(game_id)
                    break
    assert len(chosen) == 2, chosen
    return chosen


async def _machine_template(*, props: bool) -> MachineTemplate:
    if props in _machines:
        return _machines[props]
    folder = Path(tempfile.mkdtemp(prefix="sidebet-machine-template-"))
    book = await fresh_book(folder)
    for user in (*MACHINE_USERS, "boss"):  # the commissioner too: no member is created per example
        await book.run(user, "balance")
    markets = {(kind, i): await book.market_number(kind, i) for kind in MACHINE_KINDS for i in range(2)}
    if props:
        markets |= await _sunday_props(book)
    async with book.db.write() as session:
        await session.execute(
            update(Market).where(Market.number.not_in(list(markets.values()))).values(status="void")
        )
    await book.db.dispose()
    path = folder / "machine.db"
    shutil.move(folder / "book.db", path)
    # The end of the week, read the way the product reads it, on a throwaway copy.
    final_folder = Path(tempfile.mkdtemp(prefix="sidebet-machine-final-"))
    shutil.copyfile(path, final_folder / "book.db")
    final = Book(Database(f"sqlite+aiosqlite:///{final_folder / 'book.db'}"))
    final.league_id = book.league_id
    final.clock.advance(timedelta(days=8))
    await sync_league(
        final.db, await final.league(), final.services.providers(await final.league()), final.clock.now()
    )
    await final.db.dispose()
    with sqlite3.connect(final_folder / "book.db") as conn:
        final_rows = {}
        for table in FINAL_TABLES:
            cursor = conn.execute(f"SELECT * FROM {table}")
            final_rows[table] = ([d[0] for d in cursor.description], cursor.fetchall())
    _machines[props] = MachineTemplate(path, book.league_id, markets, final_rows)
    return _machines[props]


def apply_final_rows(path: Path, final_rows: dict[str, tuple[list[str], list[tuple]]]) -> None:
    """Write the week's final scores into a copy, as the end-of-week sync would have."""
    with sqlite3.connect(path) as conn:
        for table in FINAL_TABLES:
            columns, rows = final_rows[table]
            marks = ", ".join("?" for _ in columns)
            conn.executemany(f"INSERT OR REPLACE INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


async def correct_settled_matchup(
    book: Book, index: int, scores: Callable[[Matchup], tuple[float, float]]
) -> None:
    """ESPN corrects the settled week's `index`-th matchup to `scores(matchup)`; the book re-grades."""
    async with book.db.write() as session:
        week = await session.scalar(select(Week).where(Week.status == WeekStatus.SETTLED))
        assert week is not None
        ids = (await session.scalars(select(Matchup.id).where(Matchup.week_id == week.id))).all()
        matchup = await session.get(Matchup, sorted(ids)[index])
        assert matchup is not None
        home, away = scores(matchup)
        await session.execute(
            update(Matchup).where(Matchup.id == matchup.id).values(home_score=home, away_score=away)
        )
    await regrade_due(book.db, await book.league(), book.clock.now())
