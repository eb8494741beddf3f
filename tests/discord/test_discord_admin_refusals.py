"""Every commissioner command of the catalogue, run by a member through the real discord.py client.

The list is the catalogue's, so a new commissioner command is checked here automatically.
"""

from __future__ import annotations

from sqlalchemy import func, select

from storage.models import AuditLog, LedgerEntry
from tests.security.admin_commands import ADMIN_COMMANDS, sample_args


async def _writes(harness) -> tuple[int, int]:
    async with harness.services.db.read() as session:
        return (
            await session.scalar(select(func.count()).select_from(AuditLog)),
            await session.scalar(select(func.count()).select_from(LedgerEntry)),
        )


async def test_a_member_is_refused_every_admin_command_on_discord(harness):
    member = harness.member("alex")
    before = await _writes(harness)
    for command in ADMIN_COMMANDS:
        cb = await harness.slash(f"admin {command.name}", member, **sample_args(command, secrets=False))
        assert cb.ephemeral, command.name
        assert "for commissioners" in cb.data.get("content", ""), (command.name, cb.data)
    assert await _writes(harness) == before
