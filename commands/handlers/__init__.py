"""The handler of every catalogue command, by name."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from commands.context import Context
from commands.handlers import admin, members
from commands.replies import Reply

Handler = Callable[[Context, dict[str, Any]], Awaitable[Reply]]

HANDLERS: dict[str, Handler] = {
    "markets": members.markets,
    "odds": members.odds_,
    "bet": members.bet,
    "mybets": members.mybets,
    "cancel": members.cancel,
    "balance": members.balance,
    "leaderboard": members.leaderboard,
    "confirm": members.confirm,
    "discard": members.discard,
    "config show": admin.config_show,
    "config set": admin.config_set,
    "void market": admin.void_market,
    "void bet": admin.void_bet,
    "adjust": admin.adjust,
    "settle": admin.settle,
    "pause": admin.pause,
    "resume": admin.resume,
}
