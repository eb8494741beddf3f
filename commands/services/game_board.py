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
from storage.database import Database
from storage.models import GameOdds, Market, NflGame, Selection, Week
from storage.statuses import WeekStatus

_ODDS_FIELDS = tuple(ProviderLines.__dataclass_fields__)


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


async def _upsert_games(
    session: AsyncSession, week_id: int, lines: Sequence[GameLines]
) -> dict[str, NflGame]:
    """The week's game rows by ESPN event id (every one it has had), the listed ones updated."""
    week_games = select(NflGame).where(NflGame.week_id == week_id)
    existing = {g.event_id: g for g in (await session.scalars(week_games)).all()}
    for game in lines:
        row = existing.get(game.event_id)
        if row is None:
            row = existing[game.event_id] = NflGame(week_id=week_id, event_id=game.event_id)
            session.add(row)
        row.home, row.away = game.home, game.away
        row.home_name, row.away_name = game.home_name, game.away_name
        row.kickoff, row.state, row.completed = game.kickoff, game.state, game.completed
        row.status_name, row.home_score, row.away_score = game.status_name, game.home_score, game.away_score
    await session.flush()
    return existing


async def _record_odds(
    session: AsyncSession, rows: dict[str, NflGame], lines: Sequence[GameLines], now: datetime
) -> None:
    """A row per provider and phase whose prices differ from the last one recorded."""
    last: dict[tuple[int, str, str], tuple[object, ...]] = {}
    history = (
        select(GameOdds).where(GameOdds.game_id.in_([r.id for r in rows.values()])).order_by(GameOdds.id)
    )
    for seen in (await session.scalars(history)).all():
        last[(seen.game_id, seen.provider_id, seen.phase)] = _values(
            seen.details, *(getattr(seen, f) for f in _ODDS_FIELDS)
        )
    for game in lines:
        game_id = rows[game.event_id].id
        for odds in game.odds:
            for prices in odds.prices:
                values = _values(odds.details, *(getattr(prices.lines, f) for f in _ODDS_FIELDS))
                key = (game_id, odds.provider_id, prices.phase)
                if last.get(key) == values:
                    continue
                last[key] = values
                session.add(
                    GameOdds(
                        game_id=game_id,
                        provider_id=odds.provider_id,
                        provider_name=odds.provider_name,
                        phase=prices.phase,
                        details=odds.details[:40] if odds.details else None,
                        observed_at=now,
                        **{f: getattr(prices.lines, f) for f in _ODDS_FIELDS},
                    )
                )


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
