"""Handlers of the commands every member of the league may run."""

from __future__ import annotations

from commands.handlers.member import account, betting, help, league_info, parlays, track_record

__all__ = ["account", "betting", "help", "league_info", "parlays", "track_record"]
