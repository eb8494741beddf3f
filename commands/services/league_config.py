"""Changing one league setting without losing anyone else's change.

The settings live in one JSON column, so a change is a read-modify-write of the whole
document. Done from a copy read earlier (the caller's, or another replica's), it writes
back every other setting as that copy had it: a commissioner removed from `admins` on one
replica comes back when another setting changes on another. So the document is read
inside the writing transaction, under the league row's lock (PostgreSQL; SQLite's write
transaction holds the whole database), and only the one setting asked for changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from commands.errors import NotFound
from commands.league_settings import LeagueSettings, update_setting
from commands.services.journal import audit
from storage.database import Database
from storage.models import League


@dataclass(frozen=True, slots=True)
class SettingChange:
    name: str
    before: Any
    after: Any
    settings: LeagueSettings  # the league's settings after the change


async def change_setting(
    db: Database, *, league_id: int, name: str, raw: str, actor: str, now: datetime
) -> SettingChange:
    """Set `name` from the text `raw` on the league's current settings; InvalidInput if it can't be."""
    async with db.write() as session:
        row = (
            await session.execute(select(League.settings).where(League.id == league_id).with_for_update())
        ).first()
        if row is None:
            raise NotFound("There's no Sidebet league here any more.")
        current = LeagueSettings.of(row.settings)
        updated = update_setting(current, name, raw)  # refuses before anything is written
        before, after = getattr(current, name), getattr(updated, name)
        await session.execute(
            update(League).where(League.id == league_id).values(settings=updated.model_dump())
        )
        await audit(
            session,
            league_id=league_id,
            actor=actor,
            action="config.set",
            detail={"setting": name, "from": before, "to": after},
            now=now,
        )
    return SettingChange(name, before, after, updated)
