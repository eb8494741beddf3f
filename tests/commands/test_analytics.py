"""`stats`, `history` and `calibration`, and the calibration factor's life in the book."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

import engine
from commands.autocomplete import suggest
from commands.replies import Tone
from commands.services.bettor_stats import HISTORY_PAGE_SIZE
from commands.services.calibration import refit_calibration
from commands.services.pricing import ProjectedTeam, record_projections
from storage.models import (
    AuditLog,
    Bet,
    League,
    Market,
    Matchup,
    PriceHistory,
    Selection,
    TeamProjection,
    Week,
)
from tests.book import Book
from tests.commands.analytics_history import league_teams, settled_matchup, simulated_history


async def _settle(book: Book) -> None:
    book.clock.advance(timedelta(days=8))
    assert (await book.due()).settled


def _fields(reply) -> dict[str, str]:
    return {f.name: f.value for f in reply.cards[0].fields}


# --- stats --------------------------------------------------------------------------------


async def test_a_settled_week_gives_stats_with_clv_at_the_close_and_refits_k(db):
    """One settled week serves several checks: settling a demo week takes seconds."""
    book = await Book(db).open()
    other = await Book(db, book.clock, workspace="other-guild").open()
    league = await book.league()
    ml = await book.market_number("moneyline", 0)
    placed = await book.place("alex", ml, "home", 100)
    assert placed.tone is Tone.SUCCESS, placed.text
    await book.place("alex", await book.market_number("total", 0), "over", 50)
    await book.place("blake", ml, "away", 40)
    await other.place("zed", await other.market_number("moneyline", 0), "home", 10)
    async with db.write() as session:
        bet = await session.scalar(select(Bet).where(Bet.market_id == ml).order_by(Bet.id).limit(1))
        market = await session.get(Market, ml)
        # the closing price (last at or before the lock), and a later one that must not count
        for offset, p in ((timedelta(minutes=-1), 0.6), (timedelta(minutes=1), 0.95)):
            at = market.lock_at + offset
            session.add(PriceHistory(selection_id=bet.selection_id, fair_p=p, odds=-150, recorded_at=at))
    assert "no settled bets" in (await book.run("alex", "stats")).text  # nothing locked yet
    history_weeks = await simulated_history(
        db,
        league.id,
        season=league.season - 1,
        weeks=30,
        true_scale=1.3,
        priced_k=1.2,
        seed=7,
        at=book.clock.now(),
    )
    await _settle(book)

    # settling refitted k from the league's history, and audited it
    async with db.read() as session:
        stored = await session.get(League, league.id)
        audit = await session.scalar(select(AuditLog).where(AuditLog.action == "calibration.fit"))
        bets = (await session.scalars(select(Bet).where(Bet.league_id == league.id))).all()
    assert stored.calibration_k == pytest.approx(1.3, abs=0.15)
    assert stored.calibration_fitted_at == book.clock.now()
    assert audit.detail["team_weeks"] >= history_weeks and audit.actor_user_id == "sidebet"

    alex = [b for b in bets if b.stake in (100, 50)]
    ml_bet = next(b for b in alex if b.market_id == ml)
    reply = await book.run("alex", "stats")
    fields = _fields(reply)
    won, lost = sum(b.status == "won" for b in alex), sum(b.status == "lost" for b in alex)
    assert fields["Record (W-L-P)"] == f"{won}-{lost}-0"
    net = sum(b.payout - b.stake for b in alex)
    assert fields["ROI"] == f"{net / 150 * 100:+.1f}% ({net:+,} on 150 staked)"
    clv_rows = {row[0]: row for row in reply.tables[0].rows}
    expected_ml = 0.6 * float(engine.american_to_decimal(ml_bet.odds)) - 1
    assert clv_rows["Moneyline"] == ("Moneyline", "1", "100", f"{expected_ml * 100:+.1f}%")
    assert set(clv_rows) == {"Moneyline", "Total"}
    assert "p_close x decimal odds - 1" in reply.cards[0].footer

    # the member option autocompletes from this league's members only (zed is elsewhere)
    suggested = await suggest(book.services, book.invocation("alex"), "stats", "member", "")
    assert {c.value for c in suggested} == {"alex", "blake"}
    for who in ("blake", "BLAKE", "<@blake>"):
        reply = await book.run("alex", "stats", member=who)
        assert reply.cards[0].title == "blake: betting stats", who
        assert "40 staked" in _fields(reply)["ROI"]

    before = await book.snapshot()
    for who in ("nobody", "zed", "<@zed>"):  # zed bets in another workspace's league
        reply = await book.run("alex", "stats", member=who)
        assert reply.tone is Tone.ERROR and f"no member '{who.strip('<@>')}'" in reply.text, reply.text
    assert (await other.run("zed", "stats", member="alex")).tone is Tone.ERROR
    assert await book.snapshot() == before


async def test_history_pages_newest_first_with_buttons_bound_to_the_owner(db):
    book = await Book(db).open()
    assert "no finished bets" in (await book.run("alex", "history")).text
    ml = await book.market_number("moneyline", 0)
    for _ in range(HISTORY_PAGE_SIZE + 2):
        assert (await book.place("alex", ml, "home", 5)).tone is Tone.SUCCESS
    await book.place("blake", ml, "away", 7)
    await _settle(book)

    first = await book.run("alex", "history")
    table = first.tables[0]
    assert "page 1 of 2 (12 bets)" in table.title
    shown = [int(row[0].lstrip("#")) for row in table.rows]
    assert len(shown) == HISTORY_PAGE_SIZE and shown == sorted(shown, reverse=True)
    assert {row[4] for row in table.rows} == {"5"}  # blake's bet is on no page of alex's
    assert [(b.label, b.action, b.args, b.owner_id) for b in first.buttons] == [
        ("Older", "history", {"page": 2}, "alex")
    ]
    second = await book.run("alex", "history", page=first.buttons[0].args["page"])
    rest = [int(row[0].lstrip("#")) for row in second.tables[0].rows]
    assert len(rest) == 2 and max(rest) < min(shown)
    assert [(b.label, b.args, b.owner_id) for b in second.buttons] == [("Newer", {"page": 1}, "alex")]

    before = await book.snapshot()
    for page in (3, 0, "x", -1, "1.5"):
        reply = await book.run("alex", "history", page=page)
        assert reply.tone is Tone.ERROR and "page" in reply.text, (page, reply.text)
    assert "has 2 pages" in (await book.run("alex", "history", page=3)).text
    assert await book.snapshot() == before


# --- closing projections and the calibration factor ---------------------------------------


async def test_pricing_records_closing_projections_and_a_fitted_k_widens_open_lines(any_db):
    db = any_db
    book = await Book(db).open()
    league = await book.league()
    ml = await book.market_number("moneyline", 0)
    async with db.read() as session:
        home_p = await session.scalar(
            select(Selection.fair_p).where(Selection.market_id == ml, Selection.side == "home")
        )
        week = await session.scalar(select(Week).where(Week.league_id == league.id))
        before = {p.team_id: p for p in (await session.scalars(select(TeamProjection))).all()}
        matchups = (await session.scalars(select(Matchup).where(Matchup.week_id == week.id))).all()
    playing = {t for m in matchups for t in (m.home_team_id, m.away_team_id)}
    assert set(before) == playing and len(playing) >= 4  # one closing projection per team playing
    assert all(p.k == 1.0 and p.sd > 0 and p.week_id == week.id for p in before.values())

    written = await simulated_history(
        db,
        league.id,
        season=week.season - 1,
        weeks=30,
        true_scale=1.3,
        priced_k=1.0,
        seed=6,
        at=book.clock.now(),
    )
    async with db.write() as session:
        fit = await refit_calibration(session, league.id, book.clock.now())
    assert fit.sample == written
    assert fit.k == pytest.approx(1.3, abs=0.15)
    book.clock.advance(timedelta(minutes=5))
    await book.due()  # the next sync, still before the lock

    async with db.read() as session:
        stored = await session.get(League, league.id)
        widened = await session.scalar(
            select(Selection.fair_p).where(Selection.market_id == ml, Selection.side == "home")
        )
        after = {
            p.team_id: p
            for p in (await session.scalars(select(TeamProjection))).all()
            if p.week_id == week.id
        }
        audits = (await session.scalars(select(AuditLog).where(AuditLog.action == "calibration.fit"))).all()
    k = stored.calibration_k
    assert k == round(fit.k, 3) and stored.calibration_fitted_at is not None
    assert abs(widened - 0.5) < abs(home_p - 0.5)  # a moneyline moves toward even
    for team_id, row in after.items():
        assert row.k == k
        assert row.sd == pytest.approx(before[team_id].sd * k)
        assert row.mean == pytest.approx(before[team_id].mean)
        assert row.recorded_at == book.clock.now()
    repriced_at = book.clock.now()
    book.clock.advance(timedelta(minutes=5))
    await book.due()  # nothing moved: the closing projections are not rewritten
    async with db.read() as session:
        stamps = set(
            (
                await session.scalars(
                    select(TeamProjection.recorded_at).where(TeamProjection.week_id == week.id)
                )
            ).all()
        )
    assert stamps == {repriced_at}
    assert [(a.actor_user_id, a.detail["from"], a.detail["to"]) for a in audits] == [("sidebet", None, k)]
    async with db.write() as session:
        await refit_calibration(session, league.id, book.clock.now())  # same data: no change, no audit
    async with db.read() as session:
        assert (
            len((await session.scalars(select(AuditLog).where(AuditLog.action == "calibration.fit"))).all())
            == 1
        )

    # after its lock a team's closing projection is never rewritten; before it, it is
    home_id, away_id = list(after)[:2]
    other = engine.build_matchup_model([], [engine.Starter(1, "QB", "QB", "KC", "g", 30.0)], k=1.7)
    for before_lock in (False, True):
        async with db.write() as session:
            await record_projections(
                session,
                week_id=week.id,
                teams=[
                    ProjectedTeam(home_id, other.home, before_lock),
                    ProjectedTeam(away_id, other.away, before_lock),
                ],
                calibration=1.7,
                now=book.clock.now(),
            )
            row = await session.scalar(
                select(TeamProjection).where(
                    TeamProjection.week_id == week.id, TeamProjection.team_id == away_id
                )
            )
            expected = (
                (after[away_id].mean, after[away_id].sd, k) if not before_lock else (30.0, other.away.sd, 1.7)
            )
            assert (row.mean, row.sd, row.k) == pytest.approx(expected)


# --- the commissioners' calibration report ------------------------------------------------


async def test_calibration_report_by_hand_on_a_tiny_season(db):
    book = await Book(db).open()
    league = await book.league()
    assert "for commissioners only" in (await book.run("alex", "calibration")).text
    empty = _fields(await book.run("alex", "calibration", admin=True))
    assert empty["Moneyline Brier score"] == "no settled moneylines yet"
    assert empty["Calibration factor k (in use)"] == "1.000 (not fitted yet)"

    teams = await league_teams(db, league.id)
    lock = book.clock.now() - timedelta(days=30)
    async with db.write() as session:
        week = Week(
            league_id=league.id,
            season=league.season,
            matchup_period=99,
            scoring_periods=[99],
            status="settled",
            opened_at=lock,
            markets_open=True,
        )
        session.add(week)
        await session.flush()
        # z = (actual - mean) / sd of 0.5, -1.0, 1.5 and -2.5
        for team, actual in zip(teams[:4], (110.0, 100.0, 90.0, 120.0), strict=True):
            z = {110.0: 0.5, 100.0: -1.0, 90.0: 1.5, 120.0: -2.5}[actual]
            session.add(
                TeamProjection(
                    week_id=week.id, team_id=team.id, mean=actual - z * 10, sd=10.0, k=1.0, recorded_at=lock
                )
            )
    early, close, late = timedelta(hours=-5), timedelta(hours=-1), timedelta(hours=1)
    await settled_matchup(
        db, league.id, week, teams[0], teams[1], scores=(110.0, 100.0),
        home_prices=[(early, 0.5), (close, 0.7), (late, 0.2)], total_line=220.5, lock_at=lock,
    )  # fmt: skip
    await settled_matchup(
        db, league.id, week, teams[2], teams[3], scores=(90.0, 120.0),
        home_prices=[(close, 0.6), (late, 0.99)], total_line=205.5, lock_at=lock,
    )  # fmt: skip

    fields = _fields(await book.run("alex", "calibration", admin=True))
    # ((0.7 - 1)^2 + (0.6 - 0)^2) / 2 = 0.225; skill 1 - 0.225 / 0.25 = +10%
    assert fields["Moneyline Brier score"] == "0.225 over 2 games (a coin flip scores 0.250; skill +10.0%)"
    assert fields["Team scores inside the closing intervals"] == (
        "50%: 1/4 (25.0%), 80%: 2/4 (50.0%), 95%: 3/4 (75.0%)"
    )
    # 210 under 220.5, 210 over 205.5 (the lines after the lock, 30 points higher, don't count)
    assert fields["Game totals under the closing line"] == "1 of 2 (50.0%; 50% is unbiased)"
    assert fields["k the league's history gives"].startswith("needs 20 team-weeks, has 4")
