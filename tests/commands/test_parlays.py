"""Parlays through the command layer (what every platform dispatches to): a scripted week.

Five parlays of 100 credits on the demo league's week: one wins, one loses, one has a
pushed leg, one a void leg (its market voided by the commissioner), one is two correlated
legs of the same matchup; then a stat correction flips two of them. The final scores are
set by corrections so every outcome is known, and every payout is worked out by hand from
the quoted American odds (decimal 1 + 100/|A| for a favourite, 1 + A/100 for an underdog):

  P1 uma  A home -140 x B away -155               12/7 x 51/31 = 2.8203  -> 282
  P2 vic  C home -115 x D spread home -4 -115 (push) x E over -115
                                                  (43/23)^2 = 3.4953      -> 349
  P3 wes  A away +110 x E home -165               lost (A home wins)      -> 0
          after the correction (A away wins):     2.1 x 53/33 = 3.3727    -> 337
  P4 xia  B away -155 x A under -110 x D home -135 (void)
                                                  51/31 x 21/11 = 3.1408  -> 314
  P5 uma  E home -165 with E over -115, one matchup, priced jointly: the model gives
          P(both) = .30879 (independent would be .5977 x .5017 = .29988: the favourite's
          side has the bigger variance, so its win and the over go together); margin
          factors (165/265)/.59768 = 1.04178 and (115/215)/.50174 = 1.06605; quoted
          .30879 x 1.04178 x 1.06605 = .34294, decimal floor(100/.34294)/100 = 2.91 -> 291
          (as two independent legs it would have paid 1.60606 x 1.86957 = 3.0026 -> 300)
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select, update

from commands.replies import Tone
from commands.services.lifecycle import regrade_due
from commands.services.parlay_rows import best_parlay
from storage.database import Database
from storage.models import LedgerEntry, Market, Matchup, Member, Selection, Week
from storage.parlay_models import Parlay
from storage.statuses import WeekStatus
from tests.book import Book

STAKE = 100


async def _odds(book: Book, number: int, side: str) -> int:
    async with book.db.read() as session:
        odds = await session.scalar(
            select(Selection.odds)
            .join(Market, Market.id == Selection.market_id)
            .where(Market.league_id == book.league_id, Market.number == number, Selection.side == side)
        )
    assert odds is not None
    return int(odds)


async def _parlay(book: Book, user: str, legs: list[tuple[int, str]]) -> int:
    for market, pick in legs:
        reply = await book.run(user, "parlay add", market=market, pick=pick)
        assert reply.text.startswith("Added"), reply.text
    quote = await book.run(user, "parlay bet", stake=STAKE)
    slip = await book.slip_number(quote)
    placed = await book.run(user, "parlay confirm", quote=slip)
    assert placed.tone is Tone.SUCCESS and "Parlay placed" in placed.text, placed.text
    return slip


async def _set_scores(book: Book, scores: dict[int, tuple[float, float]]) -> None:
    """ESPN corrects the settled week's matchups (by board index) to these scores; re-grade."""
    async with book.db.write() as session:
        week = await session.scalar(select(Week).where(Week.status == WeekStatus.SETTLED))
        assert week is not None
        ids = sorted((await session.scalars(select(Matchup.id).where(Matchup.week_id == week.id))).all())
        for index, (home, away) in scores.items():
            await session.execute(
                update(Matchup).where(Matchup.id == ids[index]).values(home_score=home, away_score=away)
            )
    await regrade_due(book.db, await book.league(), book.clock.now())


async def _results(book: Book) -> dict[int, tuple[str, int | None]]:
    async with book.db.read() as session:
        rows = (await session.execute(select(Parlay.number, Parlay.status, Parlay.payout))).all()
    return {number: (status, payout) for number, status, payout in rows}


async def test_a_scripted_week_of_parlays(any_db: Database) -> None:
    db = any_db
    book = await Book(db).open()
    m = book.market_number
    ml = [await m("moneyline", i) for i in range(5)]
    spread_d, total_a, total_e = await m("spread", 3), await m("total", 0), await m("total", 4)
    # The quoted prices the hand calculations above use.
    assert [await _odds(book, ml[0], "home"), await _odds(book, ml[0], "away")] == [-140, 110]
    assert await _odds(book, ml[1], "away") == -155
    assert await _odds(book, ml[2], "home") == -115
    assert [await _odds(book, ml[3], "home"), await _odds(book, spread_d, "home")] == [-135, -115]
    assert await _odds(book, ml[4], "home") == -165
    assert [await _odds(book, total_e, "over"), await _odds(book, total_a, "under")] == [-115, -110]

    p1 = await _parlay(book, "uma", [(ml[0], "home"), (ml[1], "away")])
    p2 = await _parlay(book, "vic", [(ml[2], "home"), (spread_d, "home"), (total_e, "over")])
    p3 = await _parlay(book, "wes", [(ml[0], "away"), (ml[4], "home")])
    p4 = await _parlay(book, "xia", [(ml[1], "away"), (total_a, "under"), (ml[3], "home")])
    p5 = await _parlay(book, "uma", [(ml[4], "home"), (total_e, "over")])
    async with db.read() as session:
        p5_odds = await session.scalar(
            select(Parlay.odds_num * 100 / Parlay.odds_den).where(Parlay.number == p5)
        )
    assert p5_odds == 291  # 2.91: E home and E over together, from the matchup's joint model

    voided = await book.run("boss", "void market", admin=True, market=ml[3], reason="scoring error")
    assert voided.tone is not Tone.ERROR, voided.text
    book.clock.advance(timedelta(days=8))
    assert (await book.due()).settled

    # A: HMH 120 GG 100 (home wins, total 220 under 225.5); B: JUKE (away) wins; C: home
    # wins; D: EZE by exactly 4, the spread's line (a push); E: DROP 130 CCH 110 (home, over).
    await _set_scores(book, {0: (120, 100), 1: (100, 120), 2: (110, 100), 3: (114, 110), 4: (130, 110)})
    results = await _results(book)
    assert results[p1] == ("won", 282)
    assert results[p2] == ("won", 349)
    assert results[p3] == ("lost", 0)
    assert results[p4] == ("won", 314)
    assert results[p5] == ("won", 291)
    assert await book.balance("uma") == 1000 - 200 + 282 + 291
    assert await book.balance("vic") == 1000 - 100 + 349
    assert await book.balance("wes") == 1000 - 100
    assert await book.balance("xia") == 1000 - 100 + 314

    # A stat correction: GG now wins matchup A (total unchanged). P1 loses, P3 wins.
    await _set_scores(book, {0: (100, 120)})
    results = await _results(book)
    assert results[p1] == ("lost", 0)
    assert results[p3] == ("won", 337)
    assert results[p4] == ("won", 314)
    assert await book.balance("uma") == 1000 - 200 + 291
    assert await book.balance("wes") == 1000 - 100 + 337

    async with db.read() as session:
        week_id = await session.scalar(select(Parlay.week_id))
        assert week_id is not None
        best = await best_parlay(session, week_id)
    assert (
        best == f"vic's 3-leg parlay #{p2} at +553 turned 100 credits into 349."
    )  # (43/23)^3 quoted; a leg pushed
    exported = (await book.run("boss", "export", admin=True)).files[0].data.decode("utf-8-sig")
    assert "parlay (3 legs)" in exported and "[push]" in exported

    # Exactly once: running every job again moves nothing.
    before = await book.snapshot()
    await book.due()
    await _set_scores(book, {0: (100, 120)})
    assert await book.snapshot() == before

    # The ledger explains every parlay: its entries sum to payout - stake.
    async with db.read() as session:
        for number, (_, payout) in (await _results(book)).items():
            parlay = await session.scalar(select(Parlay).where(Parlay.number == number))
            assert parlay is not None
            held = await session.scalar(
                select(func.sum(LedgerEntry.amount)).where(
                    LedgerEntry.member_id == parlay.member_id,
                    LedgerEntry.dedupe_key.like(f"%:parlay:{parlay.id}%"),
                )
            )
            assert held == (payout or 0) - STAKE + parlay.shortfall
        balances = dict((await session.execute(select(Member.user_id, Member.balance))).all())
    assert min(balances.values()) >= 0


async def test_parlay_refusals_change_nothing(db: Database) -> None:
    book = await Book(db).open()
    m = book.market_number
    ml0, spread0, total0 = await m("moneyline", 0), await m("spread", 0), await m("total", 0)
    assert (await book.run("uma", "parlay add", market=ml0, pick="home")).text.startswith("Added")
    same = await book.run("uma", "parlay add", market=ml0, pick="home")
    assert "already on your parlay slip" in same.text
    mixed = await book.run("uma", "parlay add", market=spread0, pick="away")
    assert "both about the margin" in mixed.text  # shown on the slip, not priced
    await book.run("uma", "parlay remove", leg=2)
    assert "no leg 9" in (await book.run("uma", "parlay remove", leg=9)).text
    await book.run("uma", "parlay add", market=total0, pick="over")
    before = await book.snapshot()
    for stake, words in (
        ("0", "at least 1"),
        (10**12, "credit"),
        (999_999, "most you can stake"),
        ("abc", "number of credits"),
    ):
        reply = await book.run("uma", "parlay bet", stake=stake)
        assert words in reply.text, reply.text
    assert "no parlay slip" in (await book.run("uma", "parlay confirm", quote=999)).text
    assert await book.snapshot() == before
    quote = await book.run("uma", "parlay bet", stake=100, interaction="same-click")
    slip = await book.slip_number(quote)
    again = await book.run("uma", "parlay bet", stake=100, interaction="same-click")
    assert await book.slip_number(again) == slip  # a repeated delivery gets the same slip
    assert "no parlay slip" in (await book.run("vic", "parlay confirm", quote=slip)).text  # not theirs
    book.clock.advance(timedelta(minutes=5))
    assert "expired" in (await book.run("uma", "parlay confirm", quote=slip)).text
    assert await book.balance("uma") == 1000
    await book.run("boss", "config set", admin=True, setting="parlay_max_payout", value="300")
    capped = await book.run("uma", "parlay bet", stake=100)
    assert "most one parlay may return here is 300 credits. Stake 95" in capped.text, capped.text


async def test_simultaneous_confirmations_never_overdraw(any_db: Database) -> None:
    """Eight slips of 250 against a balance of 1,000, confirmed at once: exactly four place."""
    book = await Book(any_db).open()
    for kind, index, pick in (("moneyline", 1, "away"), ("total", 2, "over")):
        await book.run("uma", "parlay add", market=await book.market_number(kind, index), pick=pick)
    slips = [await book.slip_number(await book.run("uma", "parlay bet", stake=250)) for _ in range(8)]
    replies = await asyncio.gather(*(book.run("uma", "parlay confirm", quote=slip) for slip in slips))
    placed = [r for r in replies if "Parlay placed" in r.text]
    assert len(placed) == 4, [r.text for r in replies]
    assert all("You have 0 credits" in r.text for r in replies if r not in placed)
    assert await book.balance("uma") == 0
    async with any_db.read() as session:
        assert await session.scalar(select(func.count(Parlay.id))) == 4
