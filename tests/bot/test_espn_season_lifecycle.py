"""Whole ESPN seasons through the book: real EspnClient + espn_api against the fake ESPN.

10- and 12-team leagues from preseason to the final, driven by an injected clock: every
week is priced when its lines open, locked at the right instants (per player for props,
per matchup), settled exactly once from ESPN's finals, corrected when ESPN corrects a
stat after settlement, and the season ends with one final-standings post.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

import engine
from adapters.espn.client import EspnClient
from bot.app import provider_factory, season_detector
from commands.clock import ManualClock
from commands.context import Invocation, Services
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
from tests.fakes.espn_fake import FakeEspn
from tests.fakes.espn_season import SeasonSim

EASTERN = ZoneInfo("America/New_York")
CORRECTED_PERIOD = 3


def timeline(sim: SeasonSim) -> list[datetime]:
    """Every instant at which something is due: lines, kickoffs, finals, settlements."""
    instants = {sim.preseason}
    for sp in range(1, 19):
        first = sim.nfl.first_kickoff(sp)
        wednesday = first.astimezone(EASTERN) - timedelta(days=(first.astimezone(EASTERN).weekday() - 2) % 7)
        instants.add(wednesday.replace(hour=10, minute=1, second=0, microsecond=0).astimezone(first.tzinfo))
        for kickoff in set(sim.nfl.kickoffs(sp)):
            instants.update({kickoff - timedelta(minutes=1), kickoff + timedelta(minutes=1)})
        end = sim.nfl.end_of(sp)
        instants.add(end + timedelta(minutes=1))
        tuesday = end.astimezone(EASTERN) + timedelta(days=(1 - end.astimezone(EASTERN).weekday()) % 7)
        instants.add(tuesday.replace(hour=9, minute=1, second=0, microsecond=0).astimezone(end.tzinfo))
    instants.add(sim.season_end + timedelta(days=3))
    return sorted(instants)


def invocation(user: str, key: str, admin: bool = False) -> Invocation:
    return Invocation("discord", "guild-7", user, user, f"{user}-{key}", admin, "channel-1")


async def place(services: Services, user: str, market: int, pick: str, key: str) -> None:
    slip = await dispatch(
        services, invocation(user, f"bet-{key}"), "bet", {"market": market, "pick": pick, "stake": 10}
    )
    assert slip.cards, slip.text
    quote = int(slip.cards[0].title.split("#")[1])
    placed = await dispatch(services, invocation(user, f"ok-{key}"), "confirm", {"quote": quote})
    assert placed.tone is Tone.SUCCESS, placed.text


async def bet_on_open_week(services: Services, db, now: datetime, done: set[int]) -> None:
    async with db.read() as session:
        week = await session.scalar(
            select(Week).where(Week.markets_open, Week.status == "open").order_by(Week.matchup_period.desc())
        )
        if week is None or week.id in done:
            return
        markets = (
            await session.scalars(
                select(Market)
                .where(Market.week_id == week.id, Market.lock_at > now)
                .order_by(Market.lock_at.desc(), Market.id)
            )
        ).all()
    moneyline = next((m for m in markets if m.kind == "moneyline"), None)
    prop = next((m for m in markets if m.kind == "prop"), None)
    if moneyline is None:
        return
    done.add(week.id)
    await place(services, "ann", moneyline.id, "home", f"{week.id}-ml")
    await place(services, "bob", moneyline.id, "away", f"{week.id}-ml")
    if prop is not None:
        await place(services, "ann", prop.id, "over", f"{week.id}-prop")


async def check_locks(db, now: datetime) -> None:
    async with db.read() as session:
        markets = (await session.scalars(select(Market).where(Market.status.in_(("open", "locked"))))).all()
        for market in markets:
            assert (market.status == "locked") == (market.lock_at <= now), (market.id, market.kind, now)
            starters = (
                await session.scalars(select(Starter).where(Starter.matchup_id == market.matchup_id))
            ).all()
            if market.kind == "prop":
                player = next(s for s in starters if str(s.player_id) == market.subject)
                assert market.lock_at == player.kickoff
            else:
                assert market.lock_at == min(s.kickoff for s in starters if s.kickoff is not None)


async def correct_a_result(db, sim: SeasonSim) -> dict[int, int]:
    """ESPN corrects a starter of the week-3 matchup we bet on so that its moneyline flips."""
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
        teams = {t.id: t for t in (await session.scalars(select(Team))).all()}
        starters = (await session.scalars(select(Starter).where(Starter.matchup_id == matchup.id))).all()
    loser_id = matchup.away_team_id if matchup.home_score > matchup.away_score else matchup.home_team_id
    gap = abs(matchup.home_score - matchup.away_score)
    star = max((s for s in starters if s.team_id == loser_id), key=lambda s: s.points or 0)
    sim.correct_stat(CORRECTED_PERIOD, int(star.player_id), round((star.points or 0) + gap + 10, 2))
    assert teams[loser_id].espn_team_id in sim.team_ids
    return {b.id: b.payout for b in bets}


FIXED_SLOTS = ("QB", "RB", "WR", "TE", "D/ST", "K")


def known_best_lineup(sim: SeasonSim, team_id: int, period: int, slots: dict[str, int]) -> float:
    """The best lineup the simulator's roster allowed, worked out without the engine.

    With one FLEX (RB/WR/TE) a greedy fill is optimal: each position's best players take its
    own slots, then the best of the rest takes the FLEX. An empty slot scores 0.
    """
    points = {
        p.player_id: max(sim.final_points(period, p) or 0.0, 0.0) for p, _ in sim.lineup(team_id, period)
    }
    by_position: dict[str, list[float]] = {}
    for player, _ in sim.lineup(team_id, period):
        by_position.setdefault(player.position, []).append(points[player.player_id])
    total, rest = 0.0, []
    for position in FIXED_SLOTS:
        ranked = sorted(by_position.get(position, []), reverse=True)
        total += sum(ranked[: slots.get(position, 0)])
        if position in ("RB", "WR", "TE"):
            rest += ranked[slots.get(position, 0) :]
    return round(total + sum(sorted(rest, reverse=True)[: slots.get("FLEX", 0)]), 2)


async def check_recaps(db, sim: SeasonSim, skip: tuple[int, ...] = (CORRECTED_PERIOD,)) -> int:
    """Each regular-season recap names the high score and best manager the simulator predicts
    (but the weeks in `skip`, whose scores changed after their recap)."""
    async with db.read() as session:
        league = await session.scalar(select(League))
        names = {t.espn_team_id: t.name for t in (await session.scalars(select(Team))).all()}
        weeks = {w.id: w.matchup_period for w in (await session.scalars(select(Week))).all()}
        posts = (await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "settled"))).all()
    assert league.lineup_slots == {"QB": 1, "RB": 2, "WR": 2, "TE": 1, "FLEX": 1, "D/ST": 1, "K": 1}
    checked = 0
    for post in posts:
        period = weeks[int(post.dedupe_key.rsplit(":", 1)[1])]
        if period in skip or period > 14:  # corrected later; two-week playoff rounds
            continue
        recap = reply_from_dict(post.payload)
        awards = {f.name: f.value for c in recap.cards if c.title == "Fantasy awards" for f in c.fields}
        teams = [t for m in sim.regular if m.matchup_period == period for t in (m.home, m.away)]
        score = {t: sim.matchup_points(t, period) for t in teams}
        top = min(teams, key=lambda t: (-score[t], names[t]))
        assert awards["High score"] == f"{names[top]} ({score[top]:.2f})"
        shares = {}
        for t in teams:
            best = known_best_lineup(sim, t, period, league.lineup_slots)
            shares[t] = (score[t] / best if best else 0.0, score[t], best)
        winner = min(teams, key=lambda t: (-shares[t][0], -shares[t][1], names[t]))
        share, actual, best = shares[winner]
        assert (
            awards["Best manager"] == f"{names[winner]}: {actual:.2f} of a possible {best:.2f} ({share:.1%})"
        )
        [chart] = recap.images
        assert chart.data.startswith(b"\x89PNG")
        checked += 1
    return checked


@pytest.mark.parametrize("teams", [10, 12])
async def test_a_whole_espn_season_runs_itself(db, teams):
    sim = SeasonSim(880000 + teams, 2026, teams=teams, seed=teams)
    clock = ManualClock(sim.preseason)
    async with FakeEspn(now=clock.now) as fake:
        fake.add_league(sim)
        client = EspnClient(fake.fantasy_base, fake.site_base, cache_ttl=0, retries=0)
        services = Services(
            db, clock, provider_factory(clock, client), detect_season=season_detector(clock, client)
        )
        setup = await dispatch(
            services, invocation("boss", "setup", admin=True), "setup", {"league": str(sim.league_id)}
        )
        assert setup.tone is Tone.SUCCESS and f"{teams} teams" in setup.text, setup.text
        for user in ("ann", "bob"):
            await dispatch(services, invocation(user, "hello"), "balance", {})
        betted: set[int] = set()
        corrected: dict[int, int] = {}
        for instant in timeline(sim):
            clock.set(instant)
            async with db.read() as session:
                league = await session.scalar(select(League))
            report = await run_due(services, league)
            assert report.sync_error is None, report.sync_error
            await check_locks(db, instant)
            await bet_on_open_week(services, db, instant, betted)
            if not corrected:
                async with db.read() as session:
                    week3 = await session.scalar(select(Week).where(Week.matchup_period == CORRECTED_PERIOD))
                if week3 is not None and week3.status == "settled":
                    corrected = await correct_a_result(db, sim)
        await client.aclose()

    async with db.read() as session:
        weeks = (await session.scalars(select(Week).order_by(Week.matchup_period))).all()
        bets = (await session.scalars(select(Bet))).all()
        posts = Counter((await session.scalars(select(OutboxMessage.kind))).all())
        corrections = (
            await session.scalars(select(LedgerEntry).where(LedgerEntry.kind == "correction"))
        ).all()
        settle_entries = await session.scalar(
            select(func.count()).select_from(LedgerEntry).where(LedgerEntry.dedupe_key.like("settle:bet:%"))
        )
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

    assert [w.matchup_period for w in weeks] == list(range(1, 17))
    assert all(w.status == "settled" for w in weeks)
    assert posts["lines_up"] == 16 and posts["settled"] == 16 and posts["season_over"] == 1
    assert await check_recaps(db, sim) == 13
    async with db.read() as session:
        final = reply_from_dict(
            (
                await session.scalars(
                    select(OutboxMessage.payload).where(OutboxMessage.kind == "season_over")
                )
            ).one()
        )
        lock_groups = (await session.execute(select(Market.week_id, Market.lock_at).distinct())).all()
    assert "final standings" in final.tables[0].title and len(final.images) == 1
    # One "locking soon" per lock time: the timeline stops a minute before every kickoff.
    assert posts["reminder"] == len(lock_groups)
    assert league.season_over
    assert set(playoff_matchups) == {15, 16} and playoff_matchups[16] < playoff_matchups[15] <= 2
    assert len(betted) == 16 and all(b.status in ("won", "lost", "push", "void") for b in bets)
    assert settle_entries == sum(1 for b in bets if (b.payout or 0) > 0)
    for bet in bets:  # every moneyline graded from ESPN's final (corrected) scores
        market = markets[bet.market_id]
        if market.kind == "moneyline":
            m = matchups[market.matchup_id]
            expected = engine.grade(
                engine.MarketKind.MONEYLINE,
                sides[bet.selection_id],
                None,
                None,
                engine.MatchupResult(m.home_score, m.away_score),
            )
            assert bet.status == expected.value
    # The correction: exactly one entry per re-graded moneyline bet, of exactly the difference.
    assert corrected and posts["correction"] == 1
    assert sorted(e.bet_id for e in corrections) == sorted(corrected)
    for entry in corrections:
        assert entry.amount == by_bet[entry.bet_id].payout - corrected[entry.bet_id]
