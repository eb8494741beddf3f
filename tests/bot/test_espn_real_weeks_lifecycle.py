"""Real NFL weeks through the book, from the fake ESPN: lineup changes, odd games, rulings.

Each test plays week 1 of a simulated league (real EspnClient and espn_api parsing against
the fake ESPN, the scheduler's `run_due` at chosen instants) with one thing a real week
brings: an owner benching or dropping players after bets on their props, a player ruled out
at game time, a game postponed to Tuesday night, a game called off part-way, and the
commissioner's point adjustments on ESPN.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

import engine
from adapters.espn.client import EspnClient
from bot.app import provider_factory, season_detector
from commands.clock import ManualClock
from commands.context import Services
from commands.dispatch import dispatch
from commands.replies import Tone
from commands.services.lifecycle import DueReport, run_due
from storage.database import Database
from storage.models import (
    Bet,
    League,
    LedgerEntry,
    Market,
    Matchup,
    Selection,
    Starter,
    Team,
    TeamProjection,
    Week,
)
from tests.bot.test_espn_season_lifecycle import invocation, place
from tests.fakes.espn_fake import FakeEspn
from tests.fakes.espn_season import NflSeason, SeasonSim

EASTERN = ZoneInfo("America/New_York")


@dataclass
class Week1:
    """A league in week 1 with its clock, services and the simulator behind the fake ESPN."""

    db: Database
    sim: SeasonSim
    clock: ManualClock
    services: Services

    async def at(self, instant: datetime) -> DueReport:
        """Move the clock and run what is due, as a scheduler tick would."""
        self.clock.set(instant)
        async with self.db.read() as session:
            league = await session.scalar(select(League))
        report = await run_due(self.services, league)
        assert report.sync_error is None, report.sync_error
        return report

    async def week(self) -> Week:
        async with self.db.read() as session:
            return await session.scalar(select(Week).where(Week.matchup_period == 1))

    async def props(self) -> dict[int, Market]:
        """Week 1's props by player id."""
        async with self.db.read() as session:
            markets = (await session.scalars(select(Market).where(Market.kind == "prop"))).all()
        return {int(m.subject): m for m in markets}

    async def starter(self, player_id: int) -> tuple[Starter, int]:
        """The player's starter row and his ESPN team id."""
        async with self.db.read() as session:
            row = await session.scalar(select(Starter).where(Starter.player_id == str(player_id)))
            team = await session.get(Team, row.team_id)
        return row, team.espn_team_id

    async def bets(self) -> dict[int, Bet]:
        async with self.db.read() as session:
            return {b.market_id: b for b in (await session.scalars(select(Bet))).all()}

    def monday_night(self) -> datetime:
        """A minute after Monday night's game (and so every game not disrupted) is final."""
        return NflSeason.for_season(self.sim.season).end_of(1) + timedelta(minutes=1)

    async def play_out(self) -> None:
        """Monday night is over, then Tuesday morning comes: the week settles if it is final."""
        await self.at(self.monday_night())
        await self.at(self.tuesday_morning())

    def tuesday_morning(self) -> datetime:
        """Tuesday 09:01 Eastern after Monday night: when the week settles."""
        end = self.monday_night().astimezone(EASTERN)
        tuesday = end + timedelta(days=(1 - end.weekday()) % 7)
        return tuesday.replace(hour=9, minute=1, second=0, microsecond=0)

    def sunday(self, hour: int) -> datetime:
        sunday = self.sim.first_kickoff.astimezone(EASTERN) + timedelta(days=3)
        return sunday.replace(hour=hour, minute=0, second=0, microsecond=0)


@asynccontextmanager
async def week1(db: Database, sim: SeasonSim) -> AsyncIterator[Week1]:
    """The league set up on week 1's Wednesday, its lines open."""
    clock = ManualClock(sim.first_kickoff - timedelta(hours=30))
    async with FakeEspn(now=clock.now) as fake:
        fake.add_league(sim)
        # The client's cache (the NFL schedule is kept an hour) runs on the test's clock.
        client = EspnClient(
            fake.fantasy_base,
            fake.site_base,
            cache_ttl=0,
            retries=0,
            monotonic=lambda: clock.now().timestamp(),
        )
        services = Services(
            db, clock, provider_factory(clock, client), detect_season=season_detector(clock, client)
        )
        setup = await dispatch(
            services, invocation("boss", "setup", admin=True), "setup", {"league": str(sim.league_id)}
        )
        assert setup.tone is Tone.SUCCESS, setup.text
        for user in ("ann", "bob"):
            await dispatch(services, invocation(user, "hello"), "balance", {})
        league = Week1(db, sim, clock, services)
        report = await league.at(clock.now())
        assert report.sync is not None and report.sync.opened
        try:
            yield league
        finally:
            await client.aclose()


def expected(side: str, line: float | None, points: float | None) -> str:
    return engine.grade(
        engine.MarketKind.PROP, side, line, None, engine.PlayerResult(points, points is not None)
    )


async def sunday_props(
    league: Week1, count: int, *, playing: bool = True
) -> list[tuple[Market, Starter, int]]:
    """`count` props of players in Sunday games (so still open on Saturday), D/STs first, of
    players who play (or, with playing=False, anyone)."""
    saturday = league.sunday(12) - timedelta(days=1)
    found = []
    for market in sorted((await league.props()).values(), key=lambda m: ("D/ST" not in m.label, m.id)):
        if market.lock_at <= saturday:
            continue
        row, team = await league.starter(int(market.subject))
        player = next(p for p in league.sim.starters(team, 1) if str(p.player_id) == row.player_id)
        if playing and (
            league.sim.final_points(1, player) is None
            or league.sim.player_week(player, 1).injury_status != "ACTIVE"
        ):
            continue
        if all(team != other for _, _, other in found):  # one per fantasy team: moves don't interact
            found.append((market, row, team))
        if len(found) == count:
            return found
    raise AssertionError("not enough Sunday props")


async def results(db: Database, market_id: int) -> dict[str, str]:
    """The status of the bets on each side of a market (one bet a side in these tests)."""
    async with db.read() as session:
        rows = await session.execute(
            select(Selection.side, Bet.status)
            .join(Bet, Bet.selection_id == Selection.id)
            .where(Bet.market_id == market_id)
        )
        return dict(rows.all())


# ------------------------------------------------------------------------------- item 7


async def test_a_prop_is_about_the_players_real_game_whatever_the_lineup_does(db):
    """Benched after the bet: the prop leaves the board and the bet is graded on his actual
    points (it used to be voided, a free option for the owner, and stayed open). Ruled out at
    game time: void. Dropped: void (no roster of the league carries his line). Benched and
    put back before kickoff: the prop comes back."""
    sim = SeasonSim(6101, 2026, seed=4, nfl=NflSeason(2026))
    async with week1(db, sim) as league:
        (
            (benched, benched_row, benched_team),
            (out, _, _),
            (dropped, dropped_row, dropped_team),
            (
                back,
                back_row,
                back_team,
            ),
        ) = await sunday_props(league, 4)
        await place(league.services, "ann", benched.id, "over", "benched")
        await place(league.services, "bob", out.id, "under", "out")
        await place(league.services, "ann", dropped.id, "over", "dropped")
        await place(league.services, "bob", back.id, "over", "back")

        saturday = league.sunday(12) - timedelta(days=1)
        sim.move(benched_team, 1, benched_row.player_id, "BE")
        sim.move(back_team, 1, back_row.player_id, "BE")
        sim.drop(dropped_team, 1, dropped_row.player_id)
        sim.rule_out(1, int(out.subject))
        await league.at(saturday)
        props = await league.props()
        for pulled in (benched, back, dropped):
            market = props[int(pulled.subject)]
            assert market.status == "locked" and saturday < market.lock_at, market.label
        assert props[int(out.subject)].status == "open"  # still a starter until game time
        async with db.read() as session:
            matchup = await session.get(Matchup, benched.matchup_id)
        board = await dispatch(league.services, invocation("ann", "odds"), "odds", {"matchup": matchup.id})
        listed = {row[0] for table in board.tables for row in table.rows}
        assert str(benched.id) not in listed and str(out.id) in listed
        refused = await dispatch(
            league.services,
            invocation("bob", "late"),
            "bet",
            {"market": benched.id, "pick": "over", "stake": 10},
        )
        assert refused.tone is Tone.ERROR and "no longer offered" in refused.text, refused.text

        sim.move(back_team, 1, back_row.player_id, back_row.slot)
        await league.at(saturday + timedelta(hours=2))
        assert (await league.props())[int(back.subject)].status == "open"
        await place(league.services, "ann", back.id, "under", "back-again")

        await league.play_out()
        assert (await league.week()).status == "settled"
        for market in (benched, back):
            player = next(
                p for t in sim.team_ids for p, _ in sim.lineup(t, 1) if p.player_id == int(market.subject)
            )
            points = sim.final_points(1, player)
            assert points is not None
            graded = await results(db, market.id)
            for side in graded:
                assert graded[side] == expected(side, market.line, points) != "void", market.label
        assert await results(db, out.id) == {"under": "void"}
        assert await results(db, dropped.id) == {"over": "void"}


# ------------------------------------------------------------------------------- item 8


async def test_a_week_waits_for_a_game_postponed_to_tuesday_and_voids_props_of_a_game_called_off(db):
    """A game postponed from Sunday to Tuesday night keeps the week open (ESPN reports it as
    "post" though not completed; the week used to settle with its starters at no points and
    re-grade them later); a game called off part-way through settles at once, its players'
    props void though ESPN kept what they did."""
    nfl = NflSeason(2026)
    sim = SeasonSim(6102, 2026, seed=5, nfl=nfl)
    async with week1(db, sim) as league:
        (late, late_row, _), (called, called_row, _) = await sunday_props(league, 2)
        await place(league.services, "ann", late.id, "over", "late")
        await place(league.services, "bob", called.id, "under", "called")
        async with db.read() as session:
            moneyline = await session.scalar(
                select(Market).where(Market.kind == "moneyline", Market.matchup_id == late.matchup_id)
            )
        await place(league.services, "ann", moneyline.id, "home", "ml-home")
        await place(league.services, "bob", moneyline.id, "away", "ml-away")

        postponed = next(g for g in nfl.games[1] if g.event_id == int(late_row.game_id))
        halted = next(g for g in nfl.games[1] if g.event_id == int(called_row.game_id))
        assert postponed is not halted
        replay = league.tuesday_morning().replace(hour=19, minute=0)
        await league.at(league.sunday(12) - timedelta(days=1))
        nfl.postpone(postponed.event_id, replay)
        await league.at(league.sunday(12) - timedelta(hours=20))
        assert (await league.props())[int(late.subject)].lock_at == replay

        nfl.cancel(halted.event_id, halted.kickoff + timedelta(hours=1))
        await league.play_out()
        week = await league.week()
        assert week.status != "settled" and week.final_at is None
        assert all(b.status == "open" for b in (await league.bets()).values())

        await league.at(replay + timedelta(hours=3, minutes=31))
        assert (await league.week()).final_at is not None
        await league.at(replay + timedelta(hours=4, minutes=45))
        assert (await league.week()).status == "settled"
        bets = await league.bets()
        player = next(
            p for t in sim.team_ids for p in sim.starters(t, 1) if str(p.player_id) == late_row.player_id
        )
        assert bets[late.id].status == expected("over", late.line, sim.final_points(1, player)) != "void"
        assert bets[called.id].status == "void"
        async with db.read() as session:
            matchup = await session.get(Matchup, moneyline.matchup_id)
            home = await session.get(Team, matchup.home_team_id)
            away = await session.get(Team, matchup.away_team_id)
        assert matchup.home_score == sim.official_points(home.espn_team_id, 1)
        assert matchup.away_score == sim.official_points(away.espn_team_id, 1)
        winner = "home" if matchup.home_score > matchup.away_score else "away"
        loser = "away" if winner == "home" else "home"
        assert await results(db, moneyline.id) == {winner: "won", loser: "lost"}
        await league.at(league.tuesday_morning() + timedelta(days=2))  # stat corrections: nothing to do
        async with db.read() as session:
            corrections = (
                await session.scalars(select(LedgerEntry).where(LedgerEntry.kind == "correction"))
            ).all()
        assert corrections == []


# ------------------------------------------------------------------------------- item 9


async def test_matchups_settle_on_espns_official_score_with_the_commissioners_adjustment(db):
    """A ruling after Monday night gives the matchup to the other team on ESPN: the moneyline
    is paid as ESPN scores it (it used to be paid on totalPoints alone)."""
    sim = SeasonSim(6103, 2026, seed=6, nfl=NflSeason(2026))
    contested = next(m for m in sim.regular if m.matchup_period == 1)
    async with week1(db, sim) as league:
        async with db.read() as session:
            home = await session.scalar(select(Team).where(Team.espn_team_id == contested.home))
            played = await session.scalar(select(Matchup).where(Matchup.home_team_id == home.id))
            moneyline = await session.scalar(
                select(Market).where(Market.kind == "moneyline", Market.matchup_id == played.id)
            )
        await place(league.services, "ann", moneyline.id, "home", "home")
        await place(league.services, "bob", moneyline.id, "away", "away")

        await league.at(league.monday_night())
        points = {t: sim.matchup_points(t, 1) for t in (contested.home, contested.away)}
        loser = min(points, key=points.__getitem__)
        sim.adjust(1, loser, abs(points[contested.home] - points[contested.away]) + 10.0, "stat ruling")
        await league.at(league.tuesday_morning())
        assert (await league.week()).status == "settled"
        loser_side, winner_side = ("home", "away") if loser == contested.home else ("away", "home")
        assert await results(db, moneyline.id) == {loser_side: "won", winner_side: "lost"}
        async with db.read() as session:
            scored = await session.get(Matchup, played.id)
        assert (scored.home_score, scored.away_score) == (
            sim.official_points(contested.home, 1),
            sim.official_points(contested.away, 1),
        )


async def test_an_adjustment_made_before_the_lines_is_priced_into_them(db):
    """The commissioner gave a team 30 points on ESPN before the week: its final score will
    include them, so its matchup's lines do (the players' projections do not move)."""
    sim = SeasonSim(6104, 2026, seed=7, nfl=NflSeason(2026))
    bonus = next(m for m in sim.regular if m.matchup_period == 1)
    sim.adjust(1, bonus.home, 30.0, "commissioner's bonus")
    async with week1(db, sim):
        async with db.read() as session:
            home = await session.scalar(select(Team).where(Team.espn_team_id == bonus.home))
            priced = await session.scalar(select(Matchup).where(Matchup.home_team_id == home.id))
            kinds = {
                m.kind + m.subject: m
                for m in await session.scalars(select(Market).where(Market.matchup_id == priced.id))
            }
            means = {
                p.team_id: p.mean
                for p in await session.scalars(
                    select(TeamProjection).where(TeamProjection.week_id == priced.week_id)
                )
            }
        home_mean, away_mean = means[priced.home_team_id], means[priced.away_team_id]
        assert kinds["spread"].line == engine.round_half(home_mean + 30.0 - away_mean)
        assert kinds["team_totalhome"].line == engine.round_half(home_mean + 30.0)
        assert kinds["team_totalaway"].line == engine.round_half(away_mean)
        assert priced.home_adjustment == 30.0 and priced.away_adjustment == 0.0
