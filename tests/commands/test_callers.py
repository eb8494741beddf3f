"""The caller cache holds ids only: every command decides from rows read as they are now.

Issue 12 items 4 and 5: a `config set` wrote back a cached copy of every other setting
(a removed commissioner came back), and a confirm read the member's team from a cached
row (a just-linked owner's slip skipped the own-matchup rule).
"""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from commands.callers import CallerCache, CallerIds
from commands.league_settings import LeagueSettings
from commands.replies import Tone
from storage.migrate import upgrade_to_head
from storage.models import Bet, League
from tests.book import Book
from tests.commands.economy_season import market
from tests.commands.test_economy_own_matchup import start
from tests.replicas import shared

__all__ = ["shared"]  # the fixture


class Ticker:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_cache_keeps_two_ids_a_caller_and_bounds_its_memory():
    tick = Ticker()
    cache = CallerCache(ttl_seconds=60, max_entries=2, monotonic=tick)
    cache.put(("p", "w", "1"), CallerIds(1, 1))
    cache.put(("p", "w", "2"), CallerIds(1, 2))
    assert cache.get(("p", "w", "1")) == CallerIds(league_id=1, member_id=1)
    cache.put(("p", "w", "3"), CallerIds(1, 3))
    assert cache.get(("p", "w", "2")) is None  # evicted, least recently used first
    tick.now = 60.0
    assert cache.get(("p", "w", "3")) is None  # an idle user's ids are dropped in time


async def test_a_cached_balance_never_decides_a_stake(db):
    book = await Book(db).open()
    await book.run("blake", "balance")  # blake's ids are now cached
    await book.run("alex", "adjust", admin=True, member="blake", amount="-990", reason="test")
    reply = await book.run(
        "blake", "bet", market=await book.market_number("moneyline", 0), pick="home", stake=50
    )
    assert reply.tone is Tone.ERROR and "You have 10 credits" in reply.text


async def test_pause_takes_effect_at_once_in_this_process(db):
    book = await Book(db).open()
    ml = await book.market_number("moneyline", 0)
    slip = await book.slip_number(await book.run("blake", "bet", market=ml, pick="home", stake=5))
    await book.run("alex", "pause", admin=True)
    assert "paused" in (await book.run("blake", "confirm", quote=slip)).text
    assert "paused" in (await book.run("blake", "bet", market=ml, pick="home", stake=5)).text


async def test_a_link_is_seen_by_the_very_next_confirm(db):
    """finn owns nothing, takes the away side of matchup 0, is linked to its home team, confirms."""
    book, _ = await start(db)
    ml = await market(book, 0)
    against = await book.slip_number(await book.run("finn", "bet", market=ml, pick="away", stake=110))
    backing = await book.slip_number(await book.run("finn", "bet", market=ml, pick="home", stake=110))
    linked = await book.run("blake", "link", admin=True, member="finn", team="T1")
    assert linked.tone is Tone.SUCCESS, linked.text
    before = await book.snapshot()
    refused = await book.run("finn", "confirm", quote=against)
    assert "against their own team" in refused.text
    assert await book.snapshot() == before
    placed = await book.run("finn", "confirm", quote=backing)
    assert placed.text.startswith("Bet placed"), placed.text
    async with db.read() as session:
        snapshot = await session.scalar(select(Bet.lineup_snapshot).order_by(Bet.id.desc()).limit(1))
    assert snapshot is not None and snapshot["projection"] == 35.0  # Team Alex's lineup, at the bet


async def _settings(book: Book) -> LeagueSettings:
    league = await book.league()
    return LeagueSettings.model_validate(league.settings or {})


async def test_two_config_sets_at_once_both_stick(db):
    book = await Book(db).open()
    await book.run("alex", "balance")
    replies = await asyncio.gather(
        book.run("alex", "config set", admin=True, setting="max_stake_pct", value="20"),
        book.run("alex", "config set", admin=True, setting="min_stake", value="2"),
    )
    assert all(r.tone is Tone.SUCCESS for r in replies), [r.text for r in replies]
    settings = await _settings(book)
    assert (settings.max_stake_pct, settings.min_stake) == (20, 2)


async def test_a_removed_commissioner_stays_removed_when_another_replica_changes_a_setting(shared):
    database = shared()
    await upgrade_to_head(database)
    first = await Book(database).open()
    second = Book(shared(), first.clock)
    second.league_id = first.league_id
    await first.run("alex", "config set", admin=True, setting="admins", value="U1,U2")
    await second.run("alex", "balance")  # the second replica has met the caller and the league
    await first.run("alex", "config set", admin=True, setting="admins", value="U2")  # U1 removed
    changed = await second.run("alex", "config set", admin=True, setting="max_stake_pct", value="30")
    assert changed.tone is Tone.SUCCESS, changed.text
    settings = await _settings(first)
    assert settings.admin_ids == {"U2"} and settings.max_stake_pct == 30
    async with first.db.read() as session:
        stored = await session.scalar(select(League.settings).where(League.id == first.league_id))
    assert stored["admins"] == "U2"
