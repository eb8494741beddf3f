"""Process settings: a TOML file for the shape of a deployment, environment for secrets.

Precedence, highest first: keyword arguments, `SIDEBET_*` environment variables (nested
with `__`, e.g. `SIDEBET_DISCORD__TOKEN`), the TOML file (`SIDEBET_CONFIG`, else
`./sidebet.toml`), defaults. Secrets are SecretStr so they never print by accident.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr
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


class DemoSettings(BaseModel):
    workspace: str = "demo"
    user: str = "alex"
    # Where the console saves what chat would attach (the recap's chart, exports).
    files_dir: str = "sidebet-files"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SIDEBET_", env_nested_delimiter="__", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///sidebet.db"
    log_level: str = "INFO"
    log_file: str | None = None
    discord: DiscordSettings = Field(default_factory=DiscordSettings)
    slack: SlackSettings = Field(default_factory=SlackSettings)
    espn: EspnSettings = Field(default_factory=EspnSettings)
    demo: DemoSettings = Field(default_factory=DemoSettings)

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
        ]
        return [v.get_secret_value() for v in values if v is not None and v.get_secret_value()]

    @property
    def has_chat_tokens(self) -> bool:
        return self.discord.token is not None or self.slack.configured
