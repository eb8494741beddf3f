"""Handlers of the commissioners' commands. Every one that changes something audits it."""

from __future__ import annotations

from commands.handlers.commissioner import league_link, money, reports, settings

__all__ = ["league_link", "money", "reports", "settings"]
