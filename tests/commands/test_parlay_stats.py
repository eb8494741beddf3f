"""Parlays in a member's `mybets`, `history` and `stats`, beside their single bets.

One scripted week (the scores of tests/commands/test_parlays.py). uma bets a single and
four parlays of 100 credits; vic bets only a single and must see what members always saw.
Nothing is re-priced between placing and the lock, so every closing fair probability is
the one the bet was taken at, and each figure below is worked out by hand from them:

  #1 single  A under -110 (p .497935)      won  190  CLV p x 21/11 - 1           = -4.94%
  #2 A home -140 (p .554360) x B away -155 (p .577612), decimal 12/7 x 51/31 = 612/217
                                           won  282  CLV .554360 x .577612 x 2.8203 - 1 = -9.69%
  #3 C home -115 (p .508689) x D spread home -115 (p .502152, pushed): 43/23 squared
                                           won  186  (43/23 x 100, the push dropped out)
  #4 A away +110 (p .445640) x E home -165 (p .597676), 2.1 x 53/33 = 371/110
                                           lost   0
  #5 E home -165 with E over -115 (p .501735), one matchup: decimal 2.91, joint p .308792
     (the quote's; closing_fair_p prices the same legs at the same prices jointly again)
                                           won  291
  Record 4-1-0; staked 500, returned 949, net +449 (ROI +89.8%); 4 of them parlays.
"""

from __future__ import annotations

import math
from datetime import timedelta
from fractions import Fraction

import pytest
from sqlalchemy import select

import engine
from commands.services import bettor_stats
from commands.services.bettor_stats import member_stats
from engine import parlay as pricing
from storage.database import Database
from storage.models import Member
from tests.book import Book
from tests.commands.test_parlays import _parlay, _set_scores

P_UNDER_A = 0.4979354343044292
P_HOME_A = 0.5543597512540298
P_AWAY_B = 0.5776115989415367
P_HOME_C = 0.5086885396081031
P_SPREAD_D = 0.5021523791458803
P_HOME_E = 0.5976756784914583
P_OVER_E = 0.5017354567021907
P_JOINT_E = 0.30879165507067174  # E home and E over together, the matchup's model
FAV_140, FAV_155, FAV_115, FAV_165, FAV_110 = (
    Fraction(12, 7),
    Fraction(51, 31),
    Fraction(43, 23),
    Fraction(53, 33),
    Fraction(21, 11),
)
DOG_110 = Fraction(21, 10)


def _clv(p: float, decimal: Fraction) -> float:
    return p * float(decimal) - 1.0


async def _week(db: Database) -> tuple[Book, list[int], int, int]:
    book = await Book(db).open()
    m = book.market_number
    ml = [await m("moneyline", i) for i in range(5)]
    spread_d, total_a, total_e = await m("spread", 3), await m("total", 0), await m("total", 4)
    assert "placed" in (await book.place("uma", total_a, "under", 100)).text.lower()
    await book.place("vic", ml[2], "home", 100)
    await _parlay(book, "uma", [(ml[0], "home"), (ml[1], "away")])
    await _parlay(book, "uma", [(ml[2], "home"), (spread_d, "home")])
    await _parlay(book, "uma", [(ml[0], "away"), (ml[4], "home")])
    await _parlay(book, "uma", [(ml[4], "home"), (total_e, "over")])
    return book, ml, spread_d, total_e


async def _settle(book: Book) -> None:
    book.clock.advance(timedelta(days=8))
    assert (await book.due()).settled
    # A: home wins, 220 under 225.5; B: away wins; C: home wins; D: home by exactly 4
    # (the spread pushes); E: home wins, 240 over 232.5.
    await _set_scores(book, {0: (120, 100), 1: (100, 120), 2: (110, 100), 3: (114, 110), 4: (130, 110)})


async def test_open_parlays_in_mybets_and_not_yet_in_history_or_stats(db: Database) -> None:
    book, ml, spread_d, total_e = await _week(db)
    reply = await book.run("uma", "mybets")
    singles, parlays = reply.tables
    assert singles.title == "Your bets" and len(singles.rows) == 1
    assert parlays.title == "Your open parlays"
    assert parlays.columns == ("Parlay", "Legs", "Odds", "Stake", "Result")
    e, a_away = f"#{ml[4]} Dropped Passes", f"#{ml[0]} Gridiron Gurus"
    c, d = f"#{ml[2]} Fourth and Forever", f"#{spread_d} EZE -4"
    a_home, b_away, over = f"#{ml[0]} Hail Mary Heroes", f"#{ml[1]} Juke Box Heroes", f"#{total_e} Over 232.5"
    assert parlays.rows == (
        ("6", f"Parlay (2 legs): {e} + {over}", "+191", "100", "pays 291"),
        ("5", f"Parlay (2 legs): {a_away} + {e}", "+237", "100", "pays 337"),
        ("4", f"Parlay (2 legs): {c} + {d}", "+249", "100", "pays 349"),
        ("3", f"Parlay (2 legs): {a_home} + {b_away}", "+182", "100", "pays 282"),
    )
    # Open parlays are not finished, and nothing has locked: as for open singles.
    assert (await book.run("uma", "history")).text.startswith("You have no finished bets yet")
    assert "no settled bets yet" in (await book.run("uma", "stats")).text
    # A member with parlays only still gets the table, not "no bets yet".
    await _parlay(book, "wes", [(ml[0], "home"), (ml[1], "away")])
    only = await book.run("wes", "mybets")
    assert [t.title for t in only.tables] == ["Your open parlays"]


async def test_settled_parlays_in_history_and_stats(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    book, ml, spread_d, total_e = await _week(db)
    await _settle(book)

    # mybets: nothing open is left, so only the bets table, as before parlays.
    assert [t.title for t in (await book.run("uma", "mybets")).tables] == ["Your bets"]

    history = (await book.run("uma", "history")).tables[0]
    assert history.title == "Your bet history, page 1 of 1 (5 bets)"
    e, a_away = f"#{ml[4]} Dropped Passes", f"#{ml[0]} Gridiron Gurus"
    c, d = f"#{ml[2]} Fourth and Forever", f"#{spread_d} EZE -4"
    a_home, b_away, over = f"#{ml[0]} Hail Mary Heroes", f"#{ml[1]} Juke Box Heroes", f"#{total_e} Over 232.5"
    assert [(*row[:4], *row[5:]) for row in history.rows] == [
        ("#6", "12", f"Parlay (2 legs): {e} [won] + {over} [won]", "+191", "won", "+191"),
        ("#5", "12", f"Parlay (2 legs): {a_away} [lost] + {e} [won]", "+237", "lost", "-100"),
        ("#4", "12", f"Parlay (2 legs): {c} [won] + {d} [push]", "+249", "won", "+86"),
        ("#3", "12", f"Parlay (2 legs): {a_home} [won] + {b_away} [won]", "+182", "won", "+182"),
        ("#1", "12", "Under 225.5 (HMH vs GG total points)", "-110", "won", "+90"),
    ]
    assert all(row[4] == "100" for row in history.rows)

    # Paging, two a page: parlays and the single share the pages in placing order.
    monkeypatch.setattr(bettor_stats, "HISTORY_PAGE_SIZE", 2)
    pages = [(await book.run("uma", "history", page=n)).tables[0] for n in (1, 2, 3)]
    assert [[row[0] for row in t.rows] for t in pages] == [["#6", "#5"], ["#4", "#3"], ["#1"]]
    assert pages[2].title == "Your bet history, page 3 of 3 (5 bets)"
    before = await book.snapshot()
    assert "There's no page 4: your history has 3 pages" in (await book.run("uma", "history", page=4)).text
    assert await book.snapshot() == before

    # stats, against the figures worked out by hand (module docstring).
    async with db.read() as session:
        uma = await session.scalar(select(Member).where(Member.user_id == "uma"))
        assert uma is not None
        s = await member_stats(session, uma.id, book.clock.now())
    assert (s.won, s.lost, s.pushed, s.parlays) == (4, 1, 0, 4)
    assert (s.staked, s.net) == (500, 190 + 282 + 186 + 0 + 291 - 500)
    singles = _clv(P_UNDER_A, FAV_110)
    parlays = [
        _clv(P_HOME_A * P_AWAY_B, FAV_140 * FAV_155),
        _clv(P_HOME_C * P_SPREAD_D, FAV_115 * FAV_115),
        _clv((1 - P_HOME_A) * P_HOME_E, DOG_110 * FAV_165),
        _clv(P_JOINT_E, Fraction(291, 100)),
    ]
    legs = [
        _clv(P_HOME_A, FAV_140),
        _clv(P_AWAY_B, FAV_155),
        _clv(P_HOME_C, FAV_115),
        _clv(P_SPREAD_D, FAV_115),
        _clv(1 - P_HOME_A, DOG_110),
        _clv(P_HOME_E, FAV_165),
        _clv(P_HOME_E, FAV_165),
        _clv(P_OVER_E, FAV_115),
    ]
    assert s.clv_by_kind["total"].value == pytest.approx(singles, abs=1e-9)
    assert s.clv_by_kind["parlay"].bets == 4
    assert s.clv_by_kind["parlay"].value == pytest.approx(sum(parlays) / 4, abs=1e-6)
    assert s.clv_overall is not None and s.clv_overall.bets == 5
    assert s.clv_overall.value == pytest.approx((singles + sum(parlays)) / 5, abs=1e-6)
    assert s.leg_clv is not None and s.leg_clv.bets == 8
    assert s.leg_clv.value == pytest.approx(sum(legs) / 8, abs=1e-9)
    # Mean of the decimal odds taken (a parlay's exact ones), shown as American.
    mean = (21 / 11 + 612 / 217 + (43 / 23) ** 2 + 371 / 110 + 2.91) / 5
    assert s.average_odds == round((mean - 1) * 100)

    card = (await book.run("uma", "stats")).cards[0]
    fields = {f.name: f.value for f in card.fields}
    assert fields["Record (W-L-P)"] == "4-1-0"
    assert fields["ROI"] == "+89.8% (+449 on 500 staked)"
    assert fields["Closing-line value"] == f"{(singles + sum(parlays)) / 5 * 100:+.1f}% over 5 bets"
    assert fields["Parlays"] == (
        f"4 of the 5 settled bets in the record and ROI; legs' CLV {sum(legs) / 8 * 100:+.1f}% over 8 legs"
    )


async def test_a_member_without_parlays_sees_what_they_always_saw(db: Database) -> None:
    book, *_ = await _week(db)
    await _settle(book)
    mybets = await book.run("vic", "mybets")
    assert [t.title for t in mybets.tables] == ["Your bets"]
    history = (await book.run("vic", "history")).tables[0]
    assert history.title == "Your bet history, page 1 of 1 (1 bet)"
    assert history.rows[0][:3] == ("#2", "12", "Fourth and Forever (FOUR vs KICK moneyline)")
    stats = await book.run("vic", "stats")
    assert [f.name for f in stats.cards[0].fields] == [
        "Record (W-L-P)",
        "ROI",
        "Average odds",
        "Closing-line value",
    ]
    assert [[row[0] for row in t.rows] for t in stats.tables] == [["Moneyline"]]
    assert "arlay" not in repr((mybets, history, stats))


def test_closing_fair_p_moves_each_leg_to_its_closing_price() -> None:
    """Independent legs multiply; a leg that closed certain drops out (1) or zeroes it (0)."""

    def leg(event: str, market: int, p: float) -> pricing.PricedLeg:
        request = pricing.LegRequest(event, market, engine.MarketKind.MONEYLINE, None, None, "home", p, -110)
        return pricing.PricedLeg(request, (1.0,), 0.0)

    legs = [leg("m1", 1, 0.5), leg("m2", 2, 0.5)]
    assert pricing.closing_fair_p(legs, [0.6, 0.3]) == pytest.approx(0.18, abs=1e-12)
    assert pricing.closing_fair_p(legs, [1.0, 0.3]) == pytest.approx(0.3, abs=1e-12)
    assert pricing.closing_fair_p(legs, [0.0, 0.3]) == 0.0
    assert math.isclose(pricing.closing_fair_p([], []), 1.0)
