"""Process settings: a TOML file for the shape of a deployment, environment for secrets.

Precedence, highest first: keyword arguments, `SIDEBET_*` environment variables (nested
with `__`, e.g. `SIDEBET_DISCORD__TOKEN`), the TOML file (`SIDEBET_CONFIG`, else
`./sidebet.toml`), defaults. Secrets are SecretStr so they never print by accident.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

DEFAULT_CONFIG_FILE = "sidebet.toml"


class DiscordSettings(BaseModel):
    token: SecretStr | None = None
    dev_guild_ids: list[int] = Field(default_factory=list)
    sharded: bool = False
    # Scale-out: this process runs only these shards of `shard_count` (both or neither).
    # Leaving them unset lets discord.py ask Discord how many shards the bot needs.
    shard_ids: list[int] | None = None
    shard_count: int | None = None

    @model_validator(mode="after")
    def _shards_make_sense(self) -> DiscordSettings:
        if (self.shard_ids is None) != (self.shard_count is None):
            raise ValueError("[discord] shard_ids and shard_count go together: set both or neither")
        if self.shard_ids is not None and self.shard_count is not None:
            if self.shard_count < 1 or not self.shard_ids:
                raise ValueError("[discord] shard_count must be at least 1 and shard_ids not empty")
            if any(not 0 <= shard < self.shard_count for shard in self.shard_ids):
                raise ValueError("[discord] every shard id must be in 0 .. shard_count - 1")
            if len(set(self.shard_ids)) != len(self.shard_ids):
                raise ValueError("[discord] shard_ids lists a shard twice")
        return self


class SlackSettings(BaseModel):
    bot_token: SecretStr | None = None
    signing_secret: SecretStr | None = None
    app_token: SecretStr | None = None
    mode: Literal["socket", "http"] = "socket"
    # Multi-workspace installs through OAuth (HTTP mode): the app's credentials.
    client_id: str | None = None
    client_secret: SecretStr | None = None
    redirect_uri: str | None = None
    host: str = "0.0.0.0"
    port: int = 3000

    @property
    def configured(self) -> bool:
        return self.bot_token is not None or (self.client_id is not None and self.client_secret is not None)


class EspnSettings(BaseModel):
    """How Sidebet talks to ESPN. A private league's cookies are not here: `setup` stores
    them per league, since one bot serves many leagues."""

    fantasy_base: str = "https://lm-api-reads.fantasy.espn.com/apis/v3/games/ffl/"
    site_base: str = "https://site.api.espn.com"
    timeout_seconds: float = 10.0
    retries: int = 3
    max_concurrency: int = 20
    cache_seconds: float = 30.0
    # Bounds the cache by the size of what it holds, so memory does not grow with the leagues.
    cache_megabytes: float = Field(default=8.0, ge=0)


class SleeperSettings(BaseModel):
    """How Sidebet talks to Sleeper's public API (no login). Sleeper asks every client to stay
    under 1,000 calls a minute, so `calls_per_minute` is one limit for the whole process."""

    base: str = "https://api.sleeper.app"
    timeout_seconds: float = 10.0
    retries: int = 3
    max_concurrency: int = 20
    cache_seconds: float = 30.0
    cache_megabytes: float = Field(default=8.0, ge=0)
    calls_per_minute: int = Field(default=900, ge=1, le=1000)


class YahooSettings(BaseModel):
    """The operator's Yahoo app (developer.yahoo.com/apps), for Yahoo leagues: its client id and
    secret (from the environment: SIDEBET_YAHOO__CLIENT_ID, SIDEBET_YAHOO__CLIENT_SECRET) and
    where Yahoo sends a commissioner after approving: the bot's public `/yahoo/callback`, or
    "oob" for Yahoo to show a code the commissioner pastes (no public URL needed).
    Commissioners' grants are not here: `setup yahoo` stores them per league."""

    client_id: str | None = None
    client_secret: SecretStr | None = None
    redirect_uri: str = "oob"
    api_base: str = "https://fantasysports.yahooapis.com/fantasy/v2"
    auth_base: str = "https://api.login.yahoo.com/oauth2"
    timeout_seconds: float = 10.0
    retries: int = 3
    max_concurrency: int = 10
    # The first pause of every Yahoo request after Yahoo throttles (HTTP 999), doubling while
    # it keeps throttling, up to 15 minutes.
    throttle_seconds: float = Field(default=30.0, gt=0, le=900)

    @property
    def configured(self) -> bool:
        return bool(self.client_id) and self.client_secret is not None


class OpsSettings(BaseModel):
    """The operations endpoint (/metrics for Prometheus, /healthz for load balancers and
    container health checks) and this process's identity among replicas."""

    # None: no endpoint. Loopback by default; bind 0.0.0.0 only behind a firewall.
    port: int | None = None
    host: str = "127.0.0.1"
    # How this process names itself on job leases and claimed posts; default host:pid:random.
    replica_id: str | None = None
    # /healthz reports unhealthy when the scheduler's last tick is older than this.
    max_tick_age_seconds: float = 300.0
    # Leagues a scheduler tick works on at once; unset: one at a time on SQLite (its writes
    # queue anyway), 8 on PostgreSQL (each league mostly waits on round trips).
    tick_concurrency: int | None = Field(default=None, ge=1, le=64)


class DemoSettings(BaseModel):
    workspace: str = "demo"
    user: str = "alex"
    # Where the console saves what chat would attach (the recap's chart, exports).
    files_dir: str = "sidebet-files"
    # A new console demo plays a whole season (week 1 to the championship); false plays the
    # shipped single week 12 instead. A demo database already started keeps its own kind.
    season: bool = True
    # Lines typed at the console's prompt, recalled with Up and Ctrl-R in later runs ("" keeps none).
    history_file: str = "sidebet-history"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SIDEBET_", env_nested_delimiter="__", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///sidebet.db"
    log_level: str = "INFO"
    log_file: str | None = None
    # "json": one JSON object per line (for log shippers), with the request's reference id.
    log_format: Literal["text", "json"] = "text"
    discord: DiscordSettings = Field(default_factory=DiscordSettings)
    slack: SlackSettings = Field(default_factory=SlackSettings)
    espn: EspnSettings = Field(default_factory=EspnSettings)
    sleeper: SleeperSettings = Field(default_factory=SleeperSettings)
    yahoo: YahooSettings = Field(default_factory=YahooSettings)
    demo: DemoSettings = Field(default_factory=DemoSettings)
    ops: OpsSettings = Field(default_factory=OpsSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        path = Path(os.environ.get("SIDEBET_CONFIG", DEFAULT_CONFIG_FILE))
        toml = TomlConfigSettingsSource(settings_cls, toml_file=path)
        return init_settings, env_settings, toml, file_secret_settings

    def secrets(self) -> list[str]:
        """Every configured secret value, for the log redactor."""
        values = [
            self.discord.token,
            self.slack.bot_token,
            self.slack.signing_secret,
            self.slack.app_token,
            self.slack.client_secret,
            self.yahoo.client_secret,
        ]
        return [v.get_secret_value() for v in values if v is not None and v.get_secret_value()]

    @property
    def has_chat_tokens(self) -> bool:
        return self.discord.token is not None or self.slack.configured
