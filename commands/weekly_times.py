"""Weekly posting times ("wed 10:00") and the instants they fall on in a league's time zone.

The NFL week repeats, so a league's schedule is a few weekday-and-time settings rather
than dates: lines open on Wednesday, settlement waits for Tuesday morning, corrections
stop on Thursday night. Local times are converted with the league's zone, so daylight
saving changes land where a commissioner expects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_PATTERN = re.compile(r"^\s*(mon|tue|wed|thu|fri|sat|sun)[a-z]*\s+(\d{1,2}):(\d{2})\s*$", re.I)


@dataclass(frozen=True, slots=True)
class WeeklyTime:
    weekday: int  # Monday = 0
    at: time

    @classmethod
    def parse(cls, text: str) -> WeeklyTime:
        match = _PATTERN.match(text)
        if not match:
            raise ValueError("use a weekday and a 24-hour time, like wed 10:00")
        hour, minute = int(match.group(2)), int(match.group(3))
        if hour > 23 or minute > 59:
            raise ValueError("use a weekday and a 24-hour time, like wed 10:00")
        return cls(DAYS.index(match.group(1)[:3].lower()), time(hour, minute))

    def __str__(self) -> str:
        return f"{DAYS[self.weekday]} {self.at:%H:%M}"

    def next_after(self, instant: datetime, tz: ZoneInfo) -> datetime:
        """The first such local time strictly after `instant`."""
        local = instant.astimezone(tz)
        days = (self.weekday - local.weekday()) % 7
        candidate = datetime.combine(local.date() + timedelta(days=days), self.at, tz)
        if candidate <= local:
            candidate = datetime.combine(local.date() + timedelta(days=days + 7), self.at, tz)
        return candidate.astimezone(UTC)

    def last_before(self, instant: datetime, tz: ZoneInfo) -> datetime:
        """The latest such local time strictly before `instant`."""
        local = instant.astimezone(tz)
        days = (local.weekday() - self.weekday) % 7
        candidate = datetime.combine(local.date() - timedelta(days=days), self.at, tz)
        if candidate >= local:
            candidate = datetime.combine(local.date() - timedelta(days=days + 7), self.at, tz)
        return candidate.astimezone(UTC)
