"""A league's commissioner-editable settings, validated in one place.

`config set` goes through `update_setting`, which reports the allowed range or choices of
a setting in its error, so the commissioner can correct a typo without reading docs.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from commands.errors import InvalidInput
from commands.weekly_times import DAYS, WeeklyTime

REBUY_BELOW_MIN_STAKE = (
    "While rebuys are on, `rebuy_amount` can't be below `min_stake`: a rebuy must cover a bet."
)


class LeagueSettings(BaseModel):
    model_config = ConfigDict(extra="ignore", validate_assignment=True)

    allowance: int = Field(1000, ge=10, le=1_000_000, description="credits each member gets weekly")
    margin_pct: float = Field(4.76, ge=0, le=10, description="house margin, percent")
    min_stake: int = Field(1, ge=1, le=10_000, description="smallest stake, credits")
    max_stake_pct: int = Field(25, ge=1, le=100, description="largest stake, % of the allowance")
    liability_multiple: int = Field(
        3, ge=1, le=100, description="most the book may lose on one side, in allowances"
    )
    parlay_max_legs: int = Field(6, ge=2, le=12, description="most legs in one parlay")
    parlay_max_payout: int = Field(
        25_000, ge=10, le=100_000_000, description="most one parlay may return (stake included), credits"
    )
    quote_ttl_seconds: int = Field(60, ge=10, le=600, description="how long a bet slip holds")
    lock_mode: Literal["matchup", "week"] = Field(
        "matchup", description="lock at each matchup's first kickoff, or the week's"
    )
    props: bool = Field(True, description="offer player props")
    allow_cancel: bool = Field(True, description="members may cancel open bets before lock")
    settle_delay_minutes: int = Field(
        60, ge=0, le=2880, description="wait after the last game is final before settling"
    )
    timezone: str = Field("America/New_York", description="time zone for times shown")
    lines_open: str = Field("wed 10:00", description="when a week's lines open (local weekday and time)")
    settle_at: str = Field("tue 09:00", description="settle no earlier than this after the week's last game")
    corrections_close: str = Field(
        "thu 23:59", description="apply ESPN stat corrections until this after settling"
    )
    public_tickets: bool = Field(False, description="post each placed bet in the league channel")
    recap: bool = Field(
        True, description="after settling, post the full recap (awards, leaderboards, chart), not just totals"
    )
    lock_reminder_minutes: int = Field(
        60,
        ge=0,
        le=1440,
        description="post a locking-soon reminder this long before each lock time (0 = off)",
    )
    final_standings: bool = Field(
        True, description="post the final standings and season chart when the season ends"
    )
    admin_role: str = Field(
        "", max_length=64, description="Discord role id whose members may run commissioner commands"
    )
    admins: str = Field(
        "", max_length=2000, description="comma-separated chat user ids of extra commissioners"
    )
    winner_role: str = Field(
        "", max_length=32, description="Discord role id given to each week's top bettor (Discord only)"
    )
    bankroll_mode: Literal["carry_over", "weekly_reset"] = Field(
        "carry_over",
        description="`carry_over` adds the allowance to what is left; `weekly_reset` starts each week at it",
    )
    rebuy: bool = Field(False, description="members below the minimum stake may rebuy once a week")
    rebuy_amount: int = Field(500, ge=1, le=1_000_000, description="credits a rebuy gives")
    rebuy_until: int = Field(
        0, ge=0, le=30, description="last matchup period with rebuys; 0 = the regular season's end"
    )
    own_matchup: Literal["not_against", "no_bets", "anything"] = Field(
        "not_against", description="what a team's owner may bet on in their own matchup"
    )
    pool_size: int = Field(100, ge=2, le=10_000, description="bettors per pool; more are split into pools")
    nfl_games: bool = Field(
        False, description="also offer the week's real NFL games (moneyline, spread, total) from ESPN's odds"
    )
    high_score: bool = Field(False, description="offer the week's high score: which team scores the most")
    mvp: bool = Field(False, description="offer each matchup's MVP: which starter scores the most")
    alternate_lines: bool = Field(False, description="offer a ladder of alternate spreads and totals")
    popular_picks: bool = Field(
        False, description="show on the boards each side's share of the league's bets (count and credits)"
    )
    devig: Literal["multiplicative", "shin", "power"] = Field(
        "shin", description="how the sportsbooks' own margin is taken out of NFL game prices"
    )

    @model_validator(mode="after")
    def _rebuy_covers_a_bet(self) -> LeagueSettings:
        # Only while rebuys are on, so settings stored before these existed stay valid.
        if self.rebuy and self.rebuy_amount < self.min_stake:
            raise ValueError(REBUY_BELOW_MIN_STAKE)
        return self

    @property
    def admin_ids(self) -> frozenset[str]:
        return frozenset(a.strip() for a in self.admins.split(",") if a.strip())

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("unknown time zone") from None
        return value

    @field_validator("lines_open", "settle_at", "corrections_close")
    @classmethod
    def _weekly(cls, value: str) -> str:
        return str(WeeklyTime.parse(value))

    @classmethod
    def of(cls, stored: Mapping[str, Any] | None) -> LeagueSettings:
        """A league's settings from its stored row (`League.settings`; None or {} for the
        defaults): the one way every command and job reads them.

        Validated once per distinct stored value and handed out as a copy. Every command
        and every league's pass of the tick reads its league's settings, and validating
        them (each weekly time parsed, the zone looked up) was a tenth of a bet
        confirmation's CPU. A copy, so a caller that assigns to its own (validate_assignment
        keeps that checked) never changes another's.
        """
        # Each value's type in the key: 1, 1.0 and True are equal, and hash alike.
        key = tuple((name, value.__class__, value) for name, value in (stored or {}).items())
        try:
            return _validated(key).model_copy()
        except TypeError:  # a value that cannot be a key (a list): validate it every time
            return cls.model_validate(stored or {})

    def weekly(self, name: str) -> WeeklyTime:
        return WeeklyTime.parse(getattr(self, name))

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def margin(self) -> float:
        return self.margin_pct / 100

    @property
    def max_stake(self) -> int:
        return max(self.min_stake, self.allowance * self.max_stake_pct // 100)

    @property
    def max_liability(self) -> int:
        return self.allowance * self.liability_multiple


def describe_allowed(name: str) -> str:
    """The allowed values of a setting, in words, for help and error messages."""
    info = LeagueSettings.model_fields[name]
    if name == "timezone":
        return "an IANA time zone such as America/New_York or Europe/London"
    if name in ("lines_open", "settle_at", "corrections_close"):
        return "a weekday and a 24-hour local time, like wed 10:00"
    if name == "admin_role":
        return "a role id, or none to clear it"
    if name == "admins":
        return "user ids separated by commas, or none to clear the list"
    if name == "winner_role":
        return "a Discord role id (or @role mention), or none to turn it off"
    if name == "rebuy_until":
        return "a matchup period from 1 to 30, or 0 for the end of the regular season"
    if info.annotation is bool:
        return "on or off"
    choices = get_args(info.annotation)
    if choices:
        return "one of " + ", ".join(f"`{c}`" for c in choices)
    low = high = None
    for meta in info.metadata:
        low = getattr(meta, "ge", low)
        high = getattr(meta, "le", high)
    kind = "a whole number" if info.annotation is int else "a number"
    return f"{kind} from {low:,} to {high:,}"


def setting_text(name: str, value: Any) -> str:
    """A setting's value as a commissioner reads (and would type) it: on/off, none, 1,000.

    Never Python's spelling (True, False, an empty string); a choice like `carry_over` is
    shown in backticks, as the word to type.
    """
    info = LeagueSettings.model_fields[name]
    if isinstance(value, bool):
        return "on" if value else "off"
    if value == "" or value is None:
        return "none"
    if get_args(info.annotation):
        return f"`{value}`"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


_TRUE = {"on", "true", "yes", "1", "enable", "enabled"}
_FALSE = {"off", "false", "no", "0", "disable", "disabled"}


def parse_setting_value(name: str, raw: str) -> Any:
    """Turn the commissioner's text into the setting's type, strictly (no '2.5' for an int)."""
    info = LeagueSettings.model_fields[name]
    text = raw.strip()
    allowed = describe_allowed(name)
    try:
        if info.annotation is bool:
            if text.lower() in _TRUE:
                return True
            if text.lower() in _FALSE:
                return False
            raise ValueError
        if info.annotation is int:
            return int(text.replace(",", "").replace("_", ""))
        if (
            info.annotation is str
            and name in ("admin_role", "admins", "winner_role")
            and text.lower() == "none"
        ):
            return ""
        if name == "winner_role":
            return _role_id(text)
        if info.annotation is float:
            value = float(text.rstrip("%"))
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError
            return value
    except ValueError:
        raise InvalidInput(f"`{name}` must be {allowed}; '{raw}' isn't.") from None
    return text


@lru_cache(maxsize=1024)
def _validated(key: tuple[tuple[str, type, Any], ...]) -> LeagueSettings:
    """The settings a stored value gives (see LeagueSettings.of); a refused one is not kept."""
    return LeagueSettings.model_validate({name: value for name, _, value in key})


def _role_id(text: str) -> str:
    """A role id from `123...` or a Discord role mention `<@&123...>`; anything else is refused."""
    digits = text.removeprefix("<@&").removesuffix(">")
    if not (digits.isascii() and digits.isdigit() and 15 <= len(digits) <= 22):
        raise ValueError
    return digits


def update_setting(current: LeagueSettings, name: str, raw: str) -> LeagueSettings:
    """A copy of `current` with one setting changed, or InvalidInput naming what is allowed."""
    if name not in LeagueSettings.model_fields:
        known = ", ".join(f"`{n}`" for n in sorted(LeagueSettings.model_fields))
        raise InvalidInput(f"There's no setting called `{name}`. Settings: {known}.")
    value = parse_setting_value(name, raw)
    data = current.model_dump() | {name: value}
    try:
        return LeagueSettings.model_validate(data)
    except ValidationError as error:
        if any(REBUY_BELOW_MIN_STAKE in str(e.get("msg", "")) for e in error.errors()):
            raise InvalidInput(REBUY_BELOW_MIN_STAKE) from None
        raise InvalidInput(f"`{name}` must be {describe_allowed(name)}; {_why_not(name, raw)}.") from None


def _why_not(name: str, raw: str) -> str:
    """Why a value the setting's type accepted was refused, in the commissioner's terms."""
    shown = f"'{raw.strip()}'"
    if name == "timezone":
        return f"{shown} isn't a time zone"
    if name in ("lines_open", "settle_at", "corrections_close"):
        day, _, at = raw.strip().partition(" ")
        if day[:3].lower() not in DAYS:
            return f"'{day}' isn't a weekday (mon, tue, wed, thu, fri, sat or sun)"
        if not at.strip():
            return f"{shown} has no time"
        return f"'{at.strip()}' isn't a 24-hour time (00:00 to 23:59)"
    if get_args(LeagueSettings.model_fields[name].annotation):
        return f"{shown} isn't one of them"
    return f"{shown} is outside that range"
