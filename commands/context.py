"""Who is asking, from where, and the services a handler may use."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from commands.callers import CallerCache
from commands.clock import Clock
from commands.league_settings import LeagueSettings
from commands.provider import LeagueDataProvider
from storage.database import Database
from storage.models import League, Member

ProviderFactory = Callable[[League], LeagueDataProvider]
# Which season an ESPN league is in now: (league id, espn_s2, swid) -> season year.
SeasonDetector = Callable[[int, str | None, str | None], Awaitable[int]]


@dataclass(frozen=True, slots=True)
class Invocation:
    """A command as an adapter received it, before anything is looked up.

    `is_admin` is decided by the adapter from the platform's own roles (Manage Server,
    workspace admin, the console's `:admin`); the command layer enforces it.
    `interaction_id` is the platform's id for this click or command, unique per delivery
    attempt of the user's action, and is used as the idempotency key of what it creates.
    """

    platform: str
    workspace_id: str
    user_id: str
    display_name: str
    interaction_id: str
    is_admin: bool = False
    channel_id: str | None = None


@dataclass(frozen=True, slots=True)
class YahooGrantTokens:
    """A commissioner's Yahoo grant for one league, as `setup yahoo` stores it. Secret: the repr
    shows neither token."""

    league_key: str
    access_token: str
    refresh_token: str
    expires_at: datetime

    def __repr__(self) -> str:
        return f"YahooGrantTokens(league_key={self.league_key!r}, expires_at={self.expires_at!r})"


class YahooAccess(Protocol):
    """What `setup yahoo` needs of Yahoo's OAuth (adapters.yahoo.access wires the real one)."""

    @property
    def pastes_code(self) -> bool:
        """True when Yahoo shows the commissioner a code to paste (no public callback URL)."""
        ...

    def consent_link(self, invocation: Invocation, league_id: str) -> str: ...

    async def grant(self, code: str, league_id: str) -> YahooGrantTokens: ...


@dataclass(slots=True)
class Services:
    db: Database
    clock: Clock
    providers: ProviderFactory
    callers: CallerCache = field(default_factory=CallerCache)
    detect_season: SeasonDetector | None = None
    yahoo: YahooAccess | None = None


@dataclass(slots=True)
class Context:
    services: Services
    invocation: Invocation
    league: League
    settings: LeagueSettings
    member: Member
    now: datetime

    @property
    def db(self) -> Database:
        return self.services.db
