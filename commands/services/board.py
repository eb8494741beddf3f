"""The week's board as the book offers it: matchups, teams, markets still on offer, their sides.

Read here once for every place that shows lines: `markets`, `odds` and the "lines are up"
post (commands.views and commands.posts word them from what this returns).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from commands.services.numbered import find_matchup
from commands.services.popular_picks import pick_shares
from commands.services.pricing import pulled
from commands.services.tenancy import current_week
from storage.database import Database
from storage.models import BenchPlayer, Market, Matchup, Selection, Starter, Team, Week

# A matchup's main lines, in the markets board's columns: all that board shows of a matchup.
MATCHUP_KINDS = ("moneyline", "spread", "total")

# Every board read is built once, with its values bound per call: a board is read by every
# `markets` and `odds` and by the tick's lines-up post and board edits, and building the
# statement again each time cost about as much as running it on SQLite.
# Re-read, not taken from the session's identity map: the tick writes markets and
# selections set-based (market_store), behind any ORM object loaded before.
_FRESH = {"populate_existing": True}
_WEEK_MATCHUPS = select(Matchup).where(Matchup.week_id == bindparam("week_id")).order_by(Matchup.id)
_LEAGUE_TEAMS = select(Team).where(Team.league_id == bindparam("league_id"))
_SIDES = (
    select(Selection)
    .where(Selection.market_id.in_(bindparam("ids", expanding=True)))
    .execution_options(**_FRESH)
)
# The fantasy board: the NFL games board (commands/services/game_board.py) is its own. The
# week's own markets (matchup and game both NULL: the high score) come in the same read.
_FANTASY = or_(Market.matchup_id.is_not(None), Market.game_id.is_(None))
_ONE_MATCHUP = Market.matchup_id == bindparam("matchup_id")
_MAIN_LINES = or_(Market.matchup_id.is_(None), Market.kind.in_(MATCHUP_KINDS))


def _board_markets(offered: ColumnElement[bool]) -> Select[Market]:
    return select(Market).where(Market.week_id == bindparam("week_id"), offered).execution_options(**_FRESH)


# (one matchup, main lines only) -> the markets read
_BOARD_MARKETS = {
    (False, False): _board_markets(_FANTASY),
    (False, True): _board_markets(and_(_FANTASY, _MAIN_LINES)),
    (True, False): _board_markets(_ONE_MATCHUP),
    (True, True): _board_markets(and_(_ONE_MATCHUP, _MAIN_LINES)),
}


@dataclass(frozen=True, slots=True)
class WeekMarkets:
    matchups: list[Matchup] = field(default_factory=list)
    teams: dict[int, Team] = field(default_factory=dict)
    # matchup id -> (kind, subject) -> market, for the markets still offered
    markets: dict[int, dict[tuple[str, str], Market]] = field(default_factory=dict)
    # market id -> side -> selection
    selections: dict[int, dict[str, Selection]] = field(default_factory=dict)
    # prop market id -> the fantasy team whose roster holds the player
    owners: dict[int, int] = field(default_factory=dict)
    # the week's own markets (the high score), still offered
    week_level: list[Market] = field(default_factory=list)
    # selection id -> its bets' (count, credits staked), when the league shows popular picks
    picks: dict[int, tuple[int, int]] = field(default_factory=dict)


async def prop_owners(session: AsyncSession, markets: Iterable[Market]) -> dict[int, int]:
    """For each player prop among `markets`, the id of the fantasy team the player is on.

    Read from the matchup's rosters (starters, then the bench for one benched since): a
    prop is about a player, and a bettor wants to know whose team he plays for.
    """
    props = {(m.matchup_id, m.subject): m.id for m in markets if m.kind == "prop"}
    if not props:
        return {}
    matchup_ids = {matchup_id for matchup_id, _ in props}
    owners: dict[int, int] = {}
    for model in (BenchPlayer, Starter):  # a starter's row wins over a stale bench row
        rows = await session.execute(
            select(model.matchup_id, model.player_id, model.team_id).where(model.matchup_id.in_(matchup_ids))
        )
        for matchup_id, player_id, team_id in rows.all():
            market_id = props.get((matchup_id, player_id))
            if market_id is not None:
                owners[market_id] = team_id
    return owners


async def selections_by_market(
    session: AsyncSession, market_ids: Iterable[int]
) -> dict[int, dict[str, Selection]]:
    """The markets' sides, market id -> side -> selection, re-read (see week_markets)."""
    ids = list(market_ids)
    selections: dict[int, dict[str, Selection]] = defaultdict(dict)
    if ids:
        for s in (await session.scalars(_SIDES, {"ids": ids})).all():
            selections[s.market_id][s.side] = s
    return selections


async def week_markets(
    session: AsyncSession,
    week: Week,
    now: datetime,
    *,
    popular: bool = False,
    matchup_id: int | None = None,
    main_lines: bool = False,
) -> WeekMarkets:
    """The week's board; `popular` also reads each side's share of the bets (one query more).

    With `matchup_id`, only that matchup's markets (what `odds` shows): the whole board's
    markets, sides and prop owners are hundreds of ORM rows, a matchup's a tenth of them.
    The week's matchups and teams are read either way (a matchup's number is its place).
    With `main_lines`, each matchup's MATCHUP_KINDS and the week's own markets only (what the
    `markets` board shows): props, team totals and alternates are most of a week's markets.
    """
    matchups = list((await session.scalars(_WEEK_MATCHUPS, {"week_id": week.id})).all())
    teams = {t.id: t for t in (await session.scalars(_LEAGUE_TEAMS, {"league_id": week.league_id})).all()}
    markets: dict[int, dict[tuple[str, str], Market]] = defaultdict(dict)
    query = _BOARD_MARKETS[matchup_id is not None, main_lines]
    params = {"week_id": week.id, "matchup_id": matchup_id}
    week_level: list[Market] = []
    for market in (await session.scalars(query, params)).all():
        if pulled(market, now):  # pulled: off the board until its lock
            continue
        if market.matchup_id is not None:
            markets[market.matchup_id][(market.kind, market.subject)] = market
        else:
            week_level.append(market)
    shown = [m for by_kind in markets.values() for m in by_kind.values()]
    selections = await selections_by_market(session, [m.id for m in (*shown, *week_level)])
    picks = await pick_shares(session, [m.id for m in (*shown, *week_level)]) if popular else {}
    return WeekMarkets(
        matchups, teams, markets, selections, await prop_owners(session, shown), week_level, picks
    )


@dataclass(frozen=True, slots=True)
class Board:
    week: Week
    lines: WeekMarkets  # empty while the week's lines are not open yet


async def board_lines(session: AsyncSession, week: Week, now: datetime, *, popular: bool) -> WeekMarkets:
    """What the markets board shows (the `markets` command, the lines-up post and its edits):
    each matchup's main lines and the week's own markets, or every market when the league
    shows popular picks, which cover them all."""
    return await week_markets(session, week, now, popular=popular, main_lines=not popular)


async def current_board(
    db: Database, league_id: int, now: datetime, *, popular: bool = False
) -> Board | None:
    """The newest week and, once its lines are open, its markets board; None before the first sync."""
    async with db.read() as session:
        week = await current_week(session, league_id)
        if week is None:
            return None
        lines = await board_lines(session, week, now, popular=popular) if week.markets_open else WeekMarkets()
        return Board(week, lines)


@dataclass(frozen=True, slots=True)
class MatchupBoard:
    matchup: Matchup
    lines: WeekMarkets


async def matchup_board(
    db: Database, league_id: int, matchup: int | str, now: datetime, *, popular: bool = False
) -> MatchupBoard | None:
    """One matchup of the league's current week with the week's markets; None if there is no
    such matchup.

    `matchup` is its number on the week's board (commands/services/numbered.py), or a team's
    abbreviation (or name): that team's matchup.
    """
    async with db.read() as session:
        week = await current_week(session, league_id)
        if week is None:
            return None
        if isinstance(matchup, int):
            found = await find_matchup(session, week.id, matchup)
        else:
            team = await session.scalar(
                select(Team.id).where(
                    Team.league_id == league_id,
                    or_(func.lower(Team.abbrev) == matchup.lower(), func.lower(Team.name) == matchup.lower()),
                )
            )
            found = None
            if team is not None:
                found = await session.scalar(
                    select(Matchup).where(
                        Matchup.week_id == week.id,
                        or_(Matchup.home_team_id == team, Matchup.away_team_id == team),
                    )
                )
        if found is None:
            return None
        return MatchupBoard(
            found, await week_markets(session, week, now, popular=popular, matchup_id=found.id)
        )
