"""When a season is over the league goes quiet, then picks up the next one by itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from commands.clock import ManualClock
from commands.context import Services
from commands.provider import LeagueData, MatchupData, PlayerLine, ProGame, ProviderError, TeamInfo, WeekData
from commands.services.lifecycle import run_due
from storage.models import League, Week
from tests.book import Book

NEXT_SEASON_KICKOFF = datetime(2027, 9, 10, 0, 15, tzinfo=UTC)


class NextSeason:
    """ESPN in the off-season: the league exists for 2027 and its week 1 is scheduled."""

    def __init__(self, season: int) -> None:
        self.season = season

    async def fetch_league(self) -> LeagueData:
        teams = tuple(TeamInfo(i, f"Team {i}", f"T{i}", f"owner{i}", None) for i in (1, 2))
        return LeagueData(1234567, self.season, "Sidebet Demo League", teams, 1, 14, 16)

    async def fetch_week(self, period: int) -> WeekData:
        def lineup(team: int) -> tuple[PlayerLine, ...]:
            return (
                PlayerLine(
                    str(team * 100), f"QB {team}", "QB", "QB", "KC" if team == 1 else "BUF", None, 18.0, None
                ),
            )

        game = ProGame("g1", "KC", "BUF", NEXT_SEASON_KICKOFF, "pre")
        return WeekData(
            self.season, period, (period,), (MatchupData(1, 2, lineup(1), lineup(2), None, None),), (game,)
        )


async def test_after_the_final_the_league_waits_for_and_then_joins_the_next_season(db):
    book = await Book(db).open()
    async with db.write() as session:
        await session.execute(update(League).values(source="espn", season_over=True, espn_league_id=1234567))
    probes: list[int] = []
    available = {"season": 2026}

    async def detect(league_id, s2, swid):
        probes.append(league_id)
        if available["season"] == 2026:
            raise ProviderError("not_found", "no 2027 season yet", retryable=False)
        return available["season"]

    clock = ManualClock(datetime(2027, 3, 1, tzinfo=UTC))
    services = Services(db, clock, lambda league: NextSeason(league.season), detect_season=detect)
    league = await book.league()
    report = await run_due(services, league)
    assert report.sync is None and probes == [1234567]  # quiet: no sync, one probe
    available["season"] = 2027
    clock.advance(timedelta(days=120))  # late August: ESPN has rolled the league over
    league = await book.league()
    report = await run_due(services, league)
    league = await book.league()
    assert league.season == 2027 and not league.season_over
    assert report.sync is not None and report.sync.season == 2027
    async with db.read() as session:
        weeks = (await session.scalars(select(Week.season).order_by(Week.id))).all()
    assert weeks == [2026, 2027]
