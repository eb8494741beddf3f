"""A tiny scripted season whose every result is chosen in advance, for the economy tests.

Four teams, two matchups a week, two starters a team (QB 20 and WR 15 projected, so both
sides of every matchup are priced alike: -110/-110 at the default margin, and a stake of
110 wins exactly 100). Matchup periods 1-3 are the regular season, 4 a playoff week. Each
week's games kick off on Sunday 17:00 UTC; scores come from `scores` once games are over,
and `lineups` lets a test change a team's starters mid-week (an owner benching a player).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from commands.clock import ManualClock
from commands.league_settings import LeagueSettings
from commands.provider import LeagueData, MatchupData, PlayerLine, ProGame, TeamInfo, WeekData
from storage.database import Database
from storage.models import League, Market, Week
from tests.book import Book

FIRST_KICKOFF = datetime(2026, 9, 13, 17, 0, tzinfo=UTC)  # a Sunday, 13:00 New York (EDT)
GAME_LENGTH = timedelta(hours=3, minutes=30)
REGULAR_SEASON = 3
FINAL_PERIOD = 4
OWNERS = {1: "alex", 2: "blake", 3: "casey", 4: "drew"}  # team id -> owner (linked by name)
PRO_TEAMS = {1: "KC", 2: "BUF", 3: "DAL", 4: "PHI"}
PAIRS = ((1, 2), (3, 4))  # (home, away): matchup 0 and matchup 1 of every week


def kickoff(period: int) -> datetime:
    return FIRST_KICKOFF + timedelta(days=7 * (period - 1))


def lines_up(period: int) -> datetime:
    """Thursday before the games: the week's lines are open (they open Wednesday 10:00)."""
    return kickoff(period) - timedelta(days=3)


def settle_time(period: int) -> datetime:
    """Tuesday 14:00 UTC after the games: final, and past the league's settle_at (Tue 09:00)."""
    return kickoff(period) + timedelta(days=2, hours=-3)


def starter(team: int, slot: str, projection: float, player: int | None = None) -> PlayerLine:
    pid = str(player if player is not None else team * 100 + (1 if slot == "QB" else 2))
    return PlayerLine(
        pid, f"{OWNERS[team].title()} {slot} {pid}", slot, slot, PRO_TEAMS[team], None, projection, None
    )


def default_lineup(team: int) -> tuple[PlayerLine, ...]:
    return (starter(team, "QB", 20.0), starter(team, "WR", 15.0))


@dataclass
class ScriptedSeason:
    """The provider: what ESPN would say at the clock's time, from the script."""

    clock: ManualClock
    # period -> ((home score, away score) of matchup 0, same of matchup 1)
    scores: dict[int, tuple[tuple[float, float], tuple[float, float]]] = field(default_factory=dict)
    # (period, team) -> starters, when a team's lineup differs from the default
    lineups: dict[tuple[int, int], tuple[PlayerLine, ...]] = field(default_factory=dict)

    def current_period(self) -> int:
        done = sum(
            1 for p in range(1, FINAL_PERIOD + 1) if kickoff(p) + timedelta(days=2) <= self.clock.now()
        )
        return min(FINAL_PERIOD, done + 1)

    async def fetch_league(self) -> LeagueData:
        teams = tuple(TeamInfo(t, f"Team {OWNERS[t].title()}", f"T{t}", OWNERS[t], None) for t in OWNERS)
        return LeagueData(
            1234567, 2026, "Economy League", teams, self.current_period(), REGULAR_SEASON, FINAL_PERIOD
        )

    async def fetch_week(self, period: int) -> WeekData:
        now, start = self.clock.now(), kickoff(period)
        state = "pre" if now < start else "in" if now < start + GAME_LENGTH else "post"
        games = tuple(
            ProGame(f"g{period}{i}", PRO_TEAMS[h], PRO_TEAMS[a], start, state)
            for i, (h, a) in enumerate(PAIRS)
        )
        matchups = []
        for index, (home, away) in enumerate(PAIRS):
            final = (
                self.scores.get(period, ((0.0, 0.0), (0.0, 0.0)))[index] if state == "post" else (None, None)
            )
            matchups.append(
                MatchupData(
                    home,
                    away,
                    self._lineup(period, home, final[0]),
                    self._lineup(period, away, final[1]),
                    final[0],
                    final[1],
                    is_playoff=period > REGULAR_SEASON,
                )
            )
        return WeekData(2026, period, (period,), tuple(matchups), games)

    def _lineup(self, period: int, team: int, score: float | None) -> tuple[PlayerLine, ...]:
        lineup = self.lineups.get((period, team), default_lineup(team))
        if score is None:
            return lineup
        # The QB scores everything, the rest nothing: only team totals matter here.
        return tuple(
            PlayerLine(
                p.player_id,
                p.name,
                p.position,
                p.slot,
                p.pro_team,
                p.injury_status,
                p.projection,
                score if i == 0 else 0.0,
            )
            for i, p in enumerate(lineup)
        )


ECONOMY = dict(settle_delay_minutes=0, props=False, min_stake=50, max_stake_pct=100, liability_multiple=100)


async def open_season(db: Database, **settings: object) -> tuple[Book, ScriptedSeason]:
    """The league in preseason (Monday before week 1), settings applied, members registered."""
    clock = ManualClock(kickoff(1) - timedelta(days=6))
    book = Book(db, clock)
    season = ScriptedSeason(clock)
    book.services.providers = lambda league: season
    await book.open()
    chosen = LeagueSettings.model_validate(ECONOMY | settings)
    async with db.write() as session:
        await session.execute(
            update(League).where(League.id == book.league_id).values(settings=chosen.model_dump())
        )
    return book, season


async def market(book: Book, matchup: int, kind: str = "moneyline", subject: str = "") -> int:
    """A market of the newest week (Book.market_number looks across every week)."""
    async with book.db.read() as session:
        week_id = await session.scalar(select(func.max(Week.id)).where(Week.league_id == book.league_id))
        ids = (
            await session.scalars(
                select(Market.number)
                .where(Market.week_id == week_id, Market.kind == kind, Market.subject == subject)
                .order_by(Market.matchup_id, Market.number)
            )
        ).all()
    return ids[matchup]
