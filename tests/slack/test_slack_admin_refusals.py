"""Every commissioner command of the catalogue, sent by a member as a signed Slack request.

The list is the catalogue's, so a new commissioner command is checked here automatically.
"""

from __future__ import annotations

from sqlalchemy import func, select

from storage.models import AuditLog, LedgerEntry
from tests.security.admin_commands import ADMIN_COMMANDS, as_words


async def _writes(services) -> tuple[int, int]:
    async with services.db.read() as session:
        return (
            await session.scalar(select(func.count()).select_from(AuditLog)),
            await session.scalar(select(func.count()).select_from(LedgerEntry)),
        )


async def test_a_member_is_refused_every_admin_command_on_slack(slack, fake, services):
    before = await _writes(services)
    for command in ADMIN_COMMANDS:
        answer = await slack.command(as_words(command), user="U1")
        assert "commissioners only" in answer.text, (command.name, answer.text)
    assert fake.calls_to("views.open") == []  # not even the secret form of `setup`
    assert await _writes(services) == before
