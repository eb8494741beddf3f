"""Replies of the NFL games board: `games`, and `odds` for one NFL team's game.

Worded like the fantasy board (commands/views.py): market numbers to bet with, each side's
price and its fair probability (the consensus with the sportsbooks' margin removed, before
the league's own), and when each game locks.
"""

from __future__ import annotations

from datetime import datetime

from commands.format import lock_phrase, odds, plural, probability
from commands.league_settings import LeagueSettings
from commands.replies import Button, ButtonStyle, Reply, Table
from commands.services.game_board import GamesBoard
from commands.views import market_status_word
from storage.models import Market, NflGame, Selection
from storage.statuses import MarketStatus

GAME_KINDS = ("moneyline", "spread", "total")
_SIDES = {"moneyline": ("home", "away"), "spread": ("home", "away"), "total": ("over", "under")}
_HOW = (
    "Bet with `bet <market> <pick> <stake>` (a pick is home/away, over/under or a team's abbreviation). "
    "Percentages are fair chances: the sportsbooks' consensus with their margin taken out."
)


def games_reply(settings: LeagueSettings, board: GamesBoard, now: datetime) -> Reply:
    """The week's NFL games, one row each: moneyline, spread and total with fair chances."""
    if not board.week.markets_open:
        return Reply(f"Week {board.week.matchup_period}'s NFL lines open with the league's lines.")
    if not settings.nfl_games:
        return Reply(
            "This league doesn't offer real NFL games. A commissioner can turn them on with "
            "`config set nfl_games on`."
        )
    if not board.games:
        return Reply("No NFL games with lines yet this week: ESPN shows them as the sportsbooks post them.")
    rows = []
    for game in board.games:
        by_kind = board.markets.get(game.id, {})
        cells = [_cell(game, by_kind.get(kind), board) for kind in GAME_KINDS]
        rows.append((f"{game.away} @ {game.home}", _when(game, settings, now), *cells))
    offered = sum(1 for game in board.games if board.markets.get(game.id))
    table = Table(
        columns=("Game", "Kickoff", "Moneyline", "Spread", "Total"),
        rows=tuple(rows),
        title=f"Week {board.week.matchup_period} NFL games",
    )
    return Reply(
        text=f"{plural(len(board.games), 'NFL game')}, {offered} with lines. "
        f"`odds <team>` shows one game in full. {_HOW}",
        tables=(table,),
        ephemeral=False,
    )


def game_detail(settings: LeagueSettings, board: GamesBoard, now: datetime) -> Reply:
    """One NFL game's markets in full, with a button per side still on offer."""
    game = board.games[0]
    by_kind = board.markets.get(game.id, {})
    rows = []
    buttons: list[Button] = []
    for kind in GAME_KINDS:
        market = by_kind.get(kind)
        if market is None:
            continue
        sides = board.selections[market.id]
        picks = _SIDES[kind]
        cells = [f"{sides[p].label} {odds(sides[p].odds)} ({probability(sides[p].fair_p)})" for p in picks]
        rows.append((str(market.number), market.label, *cells, market_status_word(market, now, settings)))
        if market.status == MarketStatus.OPEN and now < market.lock_at:
            buttons.extend(
                Button(
                    f"{sides[p].label} {odds(sides[p].odds)}",
                    "bet",
                    {"market": market.number, "pick": p},
                    ButtonStyle.PRIMARY,
                )
                for p in picks
                if sides[p].odds is not None
            )
    title = f"{game.away_name} at {game.home_name}"
    if not rows:
        return Reply(f"{title}: no lines on this game right now. {_when(game, settings, now).capitalize()}.")
    columns = ("Market", "What", "Pick 1 (fair)", "Pick 2 (fair)", "Lock")
    return Reply(
        text=f"{title}. {_HOW}",
        tables=(Table(columns, tuple(rows), title=title),),
        buttons=tuple(buttons),
    )


def _cell(game: NflGame, market: Market | None, board: GamesBoard) -> str:
    if market is None:
        return "-"
    sides = board.selections[market.id]
    first, second = (sides[p] for p in _SIDES[market.kind])
    if market.kind == "moneyline":
        return f"#{market.number} {game.home} {_priced(first)} / {game.away} {_priced(second)}"
    return f"#{market.number} {first.label} {_priced(first)} / {second.label} {_priced(second)}"


def _priced(selection: Selection) -> str:
    return f"{odds(selection.odds)} ({probability(selection.fair_p)})"


def _when(game: NflGame, settings: LeagueSettings, now: datetime) -> str:
    if game.completed:
        return f"final: {game.away} {game.away_score}, {game.home} {game.home_score}"
    if game.status_name == "STATUS_POSTPONED":
        return "postponed"
    if game.state == "post":
        return "called off"
    if game.state == "in" or now >= game.kickoff:
        return "under way"
    return lock_phrase(game.kickoff, now, settings.tz)
