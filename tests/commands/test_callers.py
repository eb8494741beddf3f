"""The caller cache expires on its own clock and forgets a league the moment it changes."""

from __future__ import annotations

from commands.callers import CallerCache
from commands.replies import Tone
from storage.models import League, Member
from tests.book import Book


class Ticker:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_entries_expire_after_the_ttl():
    tick = Ticker()
    cache = CallerCache(ttl_seconds=2, monotonic=tick)
    league, member = League(id=1), Member(id=7)
    cache.put(("discord", "g", "u"), league, member)
    assert cache.get(("discord", "g", "u")) == (league, member)
    tick.now = 1.99
    assert cache.get(("discord", "g", "u")) is not None
    tick.now = 2.0
    assert cache.get(("discord", "g", "u")) is None


def test_forget_league_and_size_bound():
    cache = CallerCache(ttl_seconds=60, max_entries=2, monotonic=Ticker())
    a, b = League(id=1), League(id=2)
    cache.put(("p", "w", "1"), a, Member(id=1))
    cache.put(("p", "w", "2"), b, Member(id=2))
    cache.put(("p", "w", "3"), b, Member(id=3))
    assert cache.get(("p", "w", "1")) is None  # evicted, oldest first
    cache.forget_league(2)
    assert cache.get(("p", "w", "2")) is None and cache.get(("p", "w", "3")) is None


async def test_a_cached_balance_never_decides_a_stake(db):
    book = await Book(db).open()
    await book.run("blake", "balance")  # blake's row is now cached with 1,000 credits
    await book.run("alex", "adjust", admin=True, member="blake", amount="-990", reason="test")
    reply = await book.run("blake", "bet", market=await book.market_id("moneyline", 0), pick="home", stake=50)
    assert reply.tone is Tone.ERROR and "You have 10 credits" in reply.text


async def test_pause_takes_effect_at_once_in_this_process(db):
    book = await Book(db).open()
    ml = await book.market_id("moneyline", 0)
    slip = await book.quote_id(await book.run("blake", "bet", market=ml, pick="home", stake=5))
    await book.run("alex", "pause", admin=True)
    assert "paused" in (await book.run("blake", "confirm", quote=slip)).text
    assert "paused" in (await book.run("blake", "bet", market=ml, pick="home", stake=5)).text
