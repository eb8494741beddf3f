"""The handler of every catalogue command, by name."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from commands.context import Context, Invocation, Services
from commands.handlers import admin, analytics, league, members
from commands.replies import Reply

Handler = Callable[[Context, dict[str, Any]], Awaitable[Reply]]
# Commands that run before the workspace has a league get the services, not a Context.
LeaguelessHandler = Callable[[Services, Invocation, dict[str, Any]], Awaitable[Reply]]

HANDLERS: dict[str, Handler] = {
    "markets": members.markets,
    "odds": members.odds_,
    "bet": members.bet,
    "mybets": members.mybets,
    "cancel": members.cancel,
    "balance": members.balance,
    "rebuy": members.rebuy,
    "leaderboard": members.leaderboard,
    "stats": analytics.stats,
    "history": analytics.history,
    "scoreboard": league.scoreboard,
    "standings": league.standings,
    "claim": league.claim,
    "link": league.link,
    "channel": league.channel,
    "sync": league.sync,
    "confirm": members.confirm,
    "discard": members.discard,
    "config show": admin.config_show,
    "config set": admin.config_set,
    "void market": admin.void_market,
    "void bet": admin.void_bet,
    "adjust": admin.adjust,
    "settle": admin.settle,
    "calibration": analytics.calibration,
    "pause": admin.pause,
    "resume": admin.resume,
    "notify": members.notify,
    "export": admin.export,
}

LEAGUELESS_HANDLERS: dict[str, LeaguelessHandler] = {"setup": league.setup}
