"""Who holds commissioner rights in the console (`:admin`), kept in the database across restarts.

The console has no chat roles, so `:admin` stands in for them; like the demo clock, the list is
a small fact in `app_state`, one row per console workspace.
"""

from __future__ import annotations

import json

from storage.database import Database
from storage.models import AppState


def _key(workspace_id: str) -> str:
    return f"console_admins:{workspace_id}"[:64]


async def load_admins(db: Database, workspace_id: str) -> frozenset[str]:
    async with db.read() as session:
        state = await session.get(AppState, _key(workspace_id))
    if state is None:
        return frozenset()
    try:
        names = json.loads(state.value)
    except ValueError:
        return frozenset()
    return frozenset(n for n in names if isinstance(n, str)) if isinstance(names, list) else frozenset()


async def save_admins(db: Database, workspace_id: str, admins: frozenset[str]) -> None:
    value = json.dumps(sorted(admins))
    async with db.write() as session:
        state = await session.get(AppState, _key(workspace_id))
        if state is None:
            session.add(AppState(key=_key(workspace_id), value=value))
        else:
            state.value = value
