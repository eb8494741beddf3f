"""The NFL games board: the week's real games, priced from ESPN's sportsbook consensus.

Where the prices come from: ESPN's NFL scoreboard lists each game's odds from one or more
sportsbooks (adapters/espn/odds.py). Every sync reads them (network before the write
transaction, like the rest of a sync), keeps every price each provider showed with when it
was seen (`game_odds`: line history, opening and closing lines), de-vigs the consensus by
the league's `devig` method and quotes it with the league's margin (engine/game_lines.py).
The markets are stored through market_store like the fantasy book's, so every repricing
lands in price_history and closing-line value is measured exactly as for fantasy bets.

The rules:
- A game is offered while ESPN shows it scheduled ("pre", not postponed) and before its
  kickoff, if its odds price anything; otherwise its open markets are pulled (bets on
  them stand). Its markets lock at its kickoff: bets check the lock time themselves, so a
  game locks at kickoff even if no sync ran.
- Lines move with ESPN's: each sync reprices what is still open.
- Settlement grades a game's bets from ESPN's final score with the week's other bets
  (whole-number lines push). A game that was not played to the end by then (cancelled,
  postponed out of the week, suspended and not resumed) is void: stakes are refunded, and
  nothing is ever graded from an unfinished game (engine.MatchupResult.completed).
- `config set nfl_games off` pulls the open game markets; `on` puts them back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

import engine
from commands.league_settings import LeagueSettings
from commands.provider import GameLines, GameLinesProvider, LeagueDataProvider, WeekData
from commands.services.board import selections_by_market
from commands.services.market_store import store_plans
from commands.services.pricing import MarketPlan, plan_priced, pulled
from commands.services.tenancy import current_week
from engine.devig import DevigMethod
from engine.game_lines import ProviderLines
from storage import row_sets
from storage.database import Database
from storage.models import GameOdds, Market, NflGame, Selection, Week
from storage.statuses import WeekStatus

_ODDS_FIELDS = tuple(ProviderLines.__dataclass_fields__)
_ODDS_COLUMNS: row_sets.Columns = (
    ("game_id", "bigint"),
    ("provider_id", "text"),
    ("provider_name", "text"),
    ("phase", "text"),
    ("details", "text"),
    ("home_moneyline", "bigint"),
    ("away_moneyline", "bigint"),
    ("spread", "double"),
    ("home_spread_odds", "bigint"),
    ("away_spread_odds", "bigint"),
    ("total", "double"),
    ("over_odds", "bigint"),
    ("under_odds", "bigint"),
)
_NEW_ODDS = f"""
INSERT INTO game_odds ({", ".join(name for name, _ in _ODDS_COLUMNS)}, observed_at)
SELECT {", ".join("r." + name for name, _ in _ODDS_COLUMNS)}, :now FROM {{rows}}
"""


async def fetch_lines(
    provider: LeagueDataProvider, weeks: Sequence[WeekData]
) -> dict[int, tuple[GameLines, ...]]:
    """Each week's NFL games with their odds, by matchup period; nothing from a provider
    without a scoreboard to read."""
    if not isinstance(provider, GameLinesProvider):
        return {}
    return {data.matchup_period: await provider.fetch_game_lines(data.scoring_periods) for data in weeks}


async def sync_games(
    session: AsyncSession,
    *,
    league_id: int,
    settings: LeagueSettings,
    week: Week,
    lines: Sequence[GameLines],
    now: datetime,
) -> int:
    """Store the week's games and their line history, and price what is on offer; returns
    how many markets changed."""
    rows = await _upsert_games(session, week.id, lines)
    await _record_odds(session, rows, lines, now)
    if not week.markets_open or week.status == WeekStatus.SETTLED:
        return 0
    plans: dict[int, list[MarketPlan]] = {}
    listed = {game.event_id: game for game in lines}
    for event_id, row in rows.items():
        if now >= row.kickoff:
            continue  # locked at kickoff: its closing price stays
        game = listed.get(event_id)  # None: ESPN moved it out of the week, so it is pulled
        offered = game is not None and settings.nfl_games and _bookable(game)
        plans[row.id] = plan_game(game, settings) if game is not None and offered else []
    return await store_plans(
        session, league_id=league_id, week_id=week.id, plans=plans, now=now, parent="game"
    )


def _bookable(game: GameLines) -> bool:
    return game.state == "pre" and not game.postponed


def plan_game(game: GameLines, settings: LeagueSettings) -> list[MarketPlan]:
    """The game's moneyline, spread and total as the league quotes them (none without odds)."""
    providers = tuple(lines for odds in game.odds if (lines := odds.latest) is not None)
    priced = _priced(providers, DevigMethod(settings.devig), settings.margin)
    return plan_priced(priced, game.home_name, game.away_name, game.home, game.away, game.kickoff)


@lru_cache(maxsize=4096)
def _priced(
    providers: tuple[ProviderLines, ...], method: DevigMethod, margin: float
) -> tuple[engine.PricedMarket, ...]:
    """engine.price_game, once per distinct set of lines: every league offering NFL games
    reads the same scoreboard, and a de-vig by Shin or power solves a root (about 0.1 ms).
    The markets are frozen, so leagues can share them."""
    return tuple(engine.price_game(providers, method, margin))


_GAME_COLUMNS = (
    NflGame.home,
    NflGame.away,
    NflGame.home_name,
    NflGame.away_name,
    NflGame.kickoff,
    NflGame.state,
    NflGame.completed,
    NflGame.status_name,
    NflGame.home_score,
    NflGame.away_score,
)
_GAME_FIELDS: row_sets.Columns = (
    ("home", "text"),
    ("away", "text"),
    ("home_name", "text"),
    ("away_name", "text"),
    ("kickoff", "timestamp"),
    ("state", "text"),
    ("completed", "bigint"),
    ("status_name", "text"),
    ("home_score", "bigint"),
    ("away_score", "bigint"),
)
_NEW_GAMES = """
INSERT INTO nfl_games (week_id, event_id, home, away, home_name, away_name, kickoff, state, completed,
                       status_name, home_score, away_score)
SELECT :week_id, r.event_id, r.home, r.away, r.home_name, r.away_name, r.kickoff, r.state, r.completed = 1,
       r.status_name, r.home_score, r.away_score
FROM {rows}
RETURNING id, event_id
"""
_MOVE_GAMES = """
UPDATE nfl_games SET home = r.home, away = r.away, home_name = r.home_name, away_name = r.away_name,
       kickoff = r.kickoff, state = r.state, completed = (r.completed = 1), status_name = r.status_name,
       home_score = r.home_score, away_score = r.away_score
FROM {rows} WHERE nfl_games.id = r.id
"""


class StoredGame(NamedTuple):
    id: int
    kickoff: datetime


async def _upsert_games(
    session: AsyncSession, week_id: int, lines: Sequence[GameLines]
) -> dict[str, StoredGame]:
    """The week's games by ESPN event id (every one it has had), the listed ones brought up
    to date set-based: one read, and at most one insert and one update whatever the number
    of games (as market_store writes markets)."""
    held = {
        event_id: (game_id, tuple(values))
        for game_id, event_id, *values in await session.execute(
            select(NflGame.id, NflGame.event_id, *_GAME_COLUMNS).where(NflGame.week_id == week_id)
        )
    }
    stored = {event_id: StoredGame(game_id, values[4]) for event_id, (game_id, values) in held.items()}
    new: list[tuple[object, ...]] = []
    moved: list[tuple[object, ...]] = []
    for game in lines:
        values = (
            game.home,
            game.away,
            game.home_name,
            game.away_name,
            game.kickoff,
            game.state,
            game.completed,
            game.status_name,
            game.home_score,
            game.away_score,
        )
        as_row = (*values[:4], row_sets.time_text(game.kickoff), game.state, int(game.completed), *values[7:])
        known = held.get(game.event_id)
        if known is None:
            new.append((game.event_id, *as_row))
        elif known[1] != values:
            moved.append((known[0], *as_row))
            stored[game.event_id] = StoredGame(known[0], game.kickoff)
    execute = await row_sets.driver_executor(session)
    dialect = session.get_bind().dialect.name
    if new:
        created = await execute(
            row_sets.with_rows(_NEW_GAMES, dialect, (("event_id", "text"), *_GAME_FIELDS)),
            {"rows": row_sets.rows_param(new), "week_id": week_id},
        )
        kickoffs = {game.event_id: game.kickoff for game in lines}
        stored.update({event_id: StoredGame(game_id, kickoffs[event_id]) for game_id, event_id in created})
    if moved:
        await execute(
            row_sets.with_rows(_MOVE_GAMES, dialect, (("id", "bigint"), *_GAME_FIELDS)),
            {"rows": row_sets.rows_param(moved)},
        )
    return stored


async def _record_odds(
    session: AsyncSession, rows: dict[str, StoredGame], lines: Sequence[GameLines], now: datetime
) -> None:
    """A row per provider and phase whose prices differ from the last one recorded."""
    last: dict[tuple[int, str, str], tuple[object, ...]] = {}
    history = (
        select(GameOdds).where(GameOdds.game_id.in_([r.id for r in rows.values()])).order_by(GameOdds.id)
    )
    for before in (await session.scalars(history)).all():
        last[(before.game_id, before.provider_id, before.phase)] = _values(
            before.details, *(getattr(before, f) for f in _ODDS_FIELDS)
        )
    moved: list[tuple[object, ...]] = []
    for game in lines:
        game_id = rows[game.event_id].id
        for odds in game.odds:
            for prices in odds.prices:
                values = _values(odds.details, *(getattr(prices.lines, f) for f in _ODDS_FIELDS))
                key = (game_id, odds.provider_id, prices.phase)
                if last.get(key) == values:
                    continue
                last[key] = values
                moved.append((game_id, odds.provider_id, odds.provider_name, prices.phase, *values))
    if moved:  # one statement, however many prices moved
        execute = await row_sets.driver_executor(session)
        sql = row_sets.with_rows(_NEW_ODDS, session.get_bind().dialect.name, _ODDS_COLUMNS)
        await execute(sql, {"rows": row_sets.rows_param(moved), "now": now})


def _values(details: str | None, *prices: object) -> tuple[object, ...]:
    return ((details or "")[:40] or None, *prices)


@dataclass(frozen=True, slots=True)
class GamesBoard:
    """The week's NFL games with their markets still offered (or locked, settled, void)."""

    week: Week
    games: list[NflGame] = field(default_factory=list)
    # game id -> kind -> market
    markets: dict[int, dict[str, Market]] = field(default_factory=dict)
    # market id -> side -> selection
    selections: dict[int, dict[str, Selection]] = field(default_factory=dict)


async def games_board(
    db: Database, league_id: int, now: datetime, team: str | None = None
) -> GamesBoard | None:
    """The current week's games board; None before the league's first sync.

    `team` keeps only the game of that NFL team (its abbreviation or name), for `odds`.
    """
    async with db.read() as session:
        week = await current_week(session, league_id)
        if week is None:
            return None
        query = select(NflGame).where(NflGame.week_id == week.id).order_by(NflGame.kickoff, NflGame.id)
        if team is not None:
            wanted = team.lower()
            query = query.where(
                or_(
                    func.lower(NflGame.home) == wanted,
                    func.lower(NflGame.away) == wanted,
                    func.lower(NflGame.home_name) == wanted,
                    func.lower(NflGame.away_name) == wanted,
                )
            )
        games = list((await session.scalars(query)).all())
        markets: dict[int, dict[str, Market]] = defaultdict(dict)
        fresh = {"populate_existing": True}
        found = select(Market).where(Market.game_id.in_([g.id for g in games])).execution_options(**fresh)
        for market in (await session.scalars(found)).all():
            if market.game_id is not None and not pulled(market, now):
                markets[market.game_id][market.kind] = market
        selections = await selections_by_market(
            session, (m.id for by_kind in markets.values() for m in by_kind.values())
        )
        return GamesBoard(week, games, markets, selections)
