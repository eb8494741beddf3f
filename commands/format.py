"""How numbers, odds and times read in replies, the same on every platform."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from engine import format_american


def credits(amount: int) -> str:
    unit = "credit" if abs(amount) == 1 else "credits"
    return f"{amount:,} {unit}"


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def signed_credits(amount: int) -> str:
    return f"{amount:+,}"


def odds(american: int | None) -> str:
    return "off" if american is None else format_american(american)


def probability(p: float) -> str:
    """A percentage that never reads 0% or 100%: nothing here is certain."""
    if p < 0.01:
        return "<1%"
    if p > 0.99:
        return ">99%"
    return f"{p * 100:.1f}%"


def percent(value: float | None, signed: bool = True) -> str:
    """A rate (ROI, CLV, a share) as a percentage; "-" when there is none."""
    if value is None:
        return "-"
    return f"{value * 100:+.1f}%" if signed else f"{value * 100:.1f}%"


def half_points(value: float) -> str:
    return f"{value:g}"


def handicap(value: float) -> str:
    """A spread as a bettor reads it: -9.5 for the favourite, +9.5 for the underdog."""
    return "PK" if value == 0 else f"{value:+g}"


def duration(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds <= 0:
        return "now"
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes = rest // 60
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    if minutes:
        return f"{minutes}m"
    return f"{seconds}s"


def local_time(instant: datetime, tz: ZoneInfo) -> str:
    local = instant.astimezone(tz)
    hour = local.strftime("%I").lstrip("0")
    return f"{local.strftime('%a')} {hour}:{local.strftime('%M %p')} {local.tzname()}"


def lock_phrase(lock_at: datetime, now: datetime, tz: ZoneInfo) -> str:
    """'locks in 2h 10m (Sun 1:00 PM EST)' before the lock, 'locked Sun 1:00 PM EST' after."""
    if now >= lock_at:
        return f"locked {local_time(lock_at, tz)}"
    return f"locks in {duration(lock_at - now)} ({local_time(lock_at, tz)})"
