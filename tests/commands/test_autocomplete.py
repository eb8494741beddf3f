"""Autocomplete serves the caller's own league from the database, filtered and capped."""

from __future__ import annotations

from commands.autocomplete import MAX_CHOICES, suggest
from tests.book import Book


async def test_market_pick_member_team_setting_and_bet_suggestions(db):
    book = await Book(db).open()
    await book.run("alex", "balance")
    inv = book.invocation("alex")
    markets = await suggest(book.services, inv, "bet", "market", "")
    assert 0 < len(markets) <= MAX_CHOICES and all(len(c.label) <= 100 for c in markets)
    ml = await book.market_number("moneyline", 0)
    found = await suggest(book.services, inv, "bet", "market", f"#{ml}")
    assert found[0].value == str(ml)
    picks = await suggest(book.services, inv, "bet", "pick", "", {"market": ml})
    assert {c.value for c in picks} == {"home", "away"}
    assert [c.value for c in await suggest(book.services, inv, "adjust", "member", "ale")] == ["alex"]
    assert [c.value for c in await suggest(book.services, inv, "config set", "setting", "marg")] == [
        "margin_pct"
    ]
    matchups = await suggest(book.services, inv, "odds", "matchup", "")
    assert len(matchups) == 5 and "locks in" in matchups[0].label
    await book.place("alex", ml, "home", 10)
    bets = await suggest(book.services, inv, "cancel", "bet", "")
    assert len(bets) == 1 and "10 credits" in bets[0].label


async def test_other_workspaces_get_nothing(db):
    book = await Book(db).open()
    stranger = book.invocation("zed", workspace="another-guild")
    assert await suggest(book.services, stranger, "bet", "market", "") == []
    assert await suggest(book.services, book.invocation("alex"), "nope", "market", "") == []
