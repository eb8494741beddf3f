"""A whole Sleeper season through the book: the real SleeperClient against the fake Sleeper.

The same simulated season the ESPN lifecycle test plays, served in Sleeper's own JSON, with the
NFL's kickoffs and finals from the fake ESPN's public schedule and scoreboards as in production:
`setup sleeper <id>`, lines open every week, markets lock at each kickoff (per player for props,
per matchup), every week is settled exactly once, both two-week playoff rounds run, a stat
correction after settlement is re-graded with its notice, a commissioner's `custom_points`
decides a graded result, and the season ends with one final-standings post. On SQLite and
PostgreSQL.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

import engine
from adapters.espn.client import EspnClient
from adapters.sleeper.client import SleeperClient
from bot.app import provider_factory, season_detector
from commands.clock import ManualClock
from commands.context import Services
from commands.dispatch import dispatch
from commands.replies import Tone
from commands.serialize import reply_from_dict
from commands.services.lifecycle import run_due
from storage.models import (
    Bet,
    League,
    LedgerEntry,
    Market,
    Matchup,
    OutboxMessage,
    Selection,
    Starter,
    Team,
    Week,
)
from tests.bot.test_espn_season_lifecycle import (
    CORRECTED_PERIOD,
    bet_on_open_week,
    check_locks,
    check_recaps,
    invocation,
    place,
    timeline,
)
from tests.fakes.espn_fake import FakeEspn
from tests.fakes.espn_season import SeasonSim
from tests.fakes.sleeper_fake import FakeSleeper, player_id
from tests.virtual_time import Ticker

OVERRIDDEN_PERIOD = 2


def override_a_result(sim: SeasonSim) -> tuple[int, int]:
    """The commissioner overrides a week-2 score (custom_points) so that the loser wins."""
    game = next(m for m in sim.regular if m.matchup_period == OVERRIDDEN_PERIOD)
    home, away = (
        sim.matchup_points(game.home, OVERRIDDEN_PERIOD),
        sim.matchup_points(game.away, OVERRIDDEN_PERIOD),
    )
    loser = game.away if home >= away else game.home
    sim.adjust(OVERRIDDEN_PERIOD, loser, abs(home - away) + 7.5, "scoring error")
    return game.home, game.away


async def bet_on_the_overridden_game(services: Services, db, teams: tuple[int, int], done: set[str]) -> None:
    if "override" in done:
        return
    async with db.read() as session:
        market = await session.scalar(
            select(Market)
            .join(Matchup, Matchup.id == Market.matchup_id)
            .join(Week, Week.id == Market.week_id)
            .join(Team, Team.id == Matchup.home_team_id)
            .where(
                Week.matchup_period == OVERRIDDEN_PERIOD,
                Market.kind == "moneyline",
                Market.status == "open",
                Team.espn_team_id == teams[0],
            )
        )
    if market is not None:
        done.add("override")
        await place(services, "cal", market.number, "home", "override-home")
        await place(services, "dee", market.number, "away", "override-away")


async def correct_a_result(db, sim: SeasonSim) -> dict[int, int]:
    """Sleeper corrects a starter of the week-3 game we bet on so that its moneyline flips."""
    async with db.read() as session:
        week = await session.scalar(select(Week).where(Week.matchup_period == CORRECTED_PERIOD))
        bets = (
            await session.scalars(
                select(Bet)
                .join(Market, Market.id == Bet.market_id)
                .where(Market.week_id == week.id, Market.kind == "moneyline")
            )
        ).all()
        market = await session.get(Market, bets[0].market_id)
        matchup = await session.get(Matchup, market.matchup_id)
        starters = (await session.scalars(select(Starter).where(Starter.matchup_id == matchup.id))).all()
    loser_id = matchup.away_team_id if matchup.home_score > matchup.away_score else matchup.home_team_id
    gap = abs(matchup.home_score - matchup.away_score)
    star = max((s for s in starters if s.team_id == loser_id), key=lambda s: s.points or 0)
    sim_ids = {player_id(p): p.player_id for roster in sim.rosters.values() for p in roster}
    sim.correct_stat(CORRECTED_PERIOD, sim_ids[star.player_id], round((star.points or 0) + gap + 10, 2))
    return {b.id: b.payout for b in bets}


async def test_a_whole_sleeper_season_runs_itself(any_db):
    db = any_db
    sim = SeasonSim(881010, 2026, teams=10, seed=10)
    overridden = override_a_result(sim)
    clock = ManualClock(sim.preseason)
    async with FakeEspn(now=clock.now) as espn_fake, FakeSleeper(now=clock.now) as fake:
        espn_fake.add_league(sim)
        league_id = fake.add_league(sim)
        espn = EspnClient(espn_fake.fantasy_base, espn_fake.site_base, cache_ttl=0, retries=0)
        # Sleeper's 900 calls a minute on a clock of its own: a season's calls must not wait in real time.
        ticker = Ticker()
        sleeper = SleeperClient(fake.base, cache_ttl=0, retries=0, monotonic=ticker, sleep=ticker.sleep)
        services = Services(
            db,
            clock,
            provider_factory(clock, espn, None, sleeper),
            detect_season=season_detector(clock, espn),
        )
        setup = await dispatch(
            services,
            invocation("boss", "setup", admin=True),
            "setup",
            {"platform": "sleeper", "league": league_id},
        )
        assert setup.tone is Tone.SUCCESS and "10 teams" in setup.text, setup.text
        assert setup.tables[0].columns[2] == "Sleeper owner" and setup.tables[0].rows[0][2] == "alex"
        for user in ("ann", "bob", "cal", "dee"):
            await dispatch(services, invocation(user, "hello"), "balance", {})
        betted: set[int] = set()
        extra: set[str] = set()
        corrected: dict[int, int] = {}
        for instant in timeline(sim):
            clock.set(instant)
            async with db.read() as session:
                league = await session.scalar(select(League))
            report = await run_due(services, league)
            assert report.sync_error is None, report.sync_error
            await check_locks(db, instant)
            await bet_on_open_week(services, db, instant, betted)
            await bet_on_the_overridden_game(services, db, overridden, extra)
            if not corrected:
                async with db.read() as session:
                    week3 = await session.scalar(select(Week).where(Week.matchup_period == CORRECTED_PERIOD))
                if week3 is not None and week3.status == "settled":
                    corrected = await correct_a_result(db, sim)
        await espn.aclose()
        await sleeper.aclose()

    async with db.read() as session:
        weeks = (await session.scalars(select(Week).order_by(Week.matchup_period))).all()
        bets = (await session.scalars(select(Bet))).all()
        posts = Counter((await session.scalars(select(OutboxMessage.kind))).all())
        corrections = (
            await session.scalars(select(LedgerEntry).where(LedgerEntry.kind == "correction"))
        ).all()
        league = await session.scalar(select(League))
        playoff_matchups = {
            w.matchup_period: await session.scalar(
                select(func.count()).select_from(Matchup).where(Matchup.week_id == w.id)
            )
            for w in weeks
            if w.is_playoff
        }
        by_bet = {b.id: b for b in bets}
        markets = {m.id: m for m in (await session.scalars(select(Market))).all()}
        sides = {s.id: s.side for s in (await session.scalars(select(Selection))).all()}
        matchups = {m.id: m for m in (await session.scalars(select(Matchup))).all()}
        team_of = {t.id: t.espn_team_id for t in (await session.scalars(select(Team))).all()}
        final_post = (
            await session.scalars(select(OutboxMessage.payload).where(OutboxMessage.kind == "season_over"))
        ).one_or_none()

    assert [(w.matchup_period, w.status) for w in weeks] == [(p, "settled") for p in range(1, 17)], posts
    assert league.source == "sleeper" and league.sleeper_league_id == league_id and league.season_over
    assert all(w.status == "settled" for w in weeks)
    assert posts["lines_up"] == 16 and posts["settled"] == 16 and posts["season_over"] == 1
    assert await check_recaps(db, sim, skip=(OVERRIDDEN_PERIOD, CORRECTED_PERIOD)) == 12
    assert final_post is not None and "final standings" in reply_from_dict(final_post).tables[0].title
    assert set(playoff_matchups) == {15, 16} and playoff_matchups[16] < playoff_matchups[15] <= 2
    assert len(betted) == 16 and all(b.status in ("won", "lost", "push", "void") for b in bets)
    for bet in bets:  # every moneyline graded from Sleeper's final (overridden, corrected) scores
        market = markets[bet.market_id]
        if market.kind == "moneyline":
            m = matchups[market.matchup_id]
            result = engine.MatchupResult(m.home_score, m.away_score)
            expected = engine.grade(engine.MarketKind.MONEYLINE, sides[bet.selection_id], None, None, result)
            assert bet.status == expected.value
    # The override: the stored score is the commissioner's, and it decided the two bets on it.
    game = next(
        m for m in matchups.values() if (team_of[m.home_team_id], team_of[m.away_team_id]) == overridden
    )
    home, away = overridden
    assert (game.home_score, game.away_score) == (
        sim.official_points(home, OVERRIDDEN_PERIOD),
        sim.official_points(away, OVERRIDDEN_PERIOD),
    )
    raw_home_wins = sim.matchup_points(home, OVERRIDDEN_PERIOD) > sim.matchup_points(away, OVERRIDDEN_PERIOD)
    on_override = [
        b
        for b in bets
        if (markets[b.market_id].matchup_id, markets[b.market_id].kind) == (game.id, "moneyline")
    ]
    assert {sides[b.selection_id]: b.status for b in on_override} == (
        {"home": "lost", "away": "won"} if raw_home_wins else {"home": "won", "away": "lost"}
    )
    # The correction: exactly one entry per re-graded moneyline bet, of exactly the difference.
    assert corrected and posts["correction"] == 1
    assert sorted(e.bet_id for e in corrections) == sorted(corrected)
    for entry in corrections:
        assert entry.amount == by_bet[entry.bet_id].payout - corrected[entry.bet_id]
