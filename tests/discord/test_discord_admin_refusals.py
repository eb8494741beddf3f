"""Every commissioner command of the catalogue, run by a member through the real discord.py client.

The list is the catalogue's, so a new commissioner command is checked here automatically.
"""

from __future__ import annotations

from sqlalchemy import func, select

from adapters.discord.custom_ids import Kind, encode
from storage.models import AuditLog, LedgerEntry
from tests.security.admin_commands import ADMIN_CASES, ADMIN_COMMANDS, sample_args, without_secrets

MODAL = 9  # the interaction callback type that opens a modal


async def _writes(harness) -> tuple[int, int]:
    async with harness.services.db.read() as session:
        return (
            await session.scalar(select(func.count()).select_from(AuditLog)),
            await session.scalar(select(func.count()).select_from(LedgerEntry)),
        )


async def test_a_member_is_refused_every_admin_command_on_discord(harness):
    member = harness.member("alex")
    before = await _writes(harness)
    for command, args in ADMIN_CASES:
        cb = await harness.slash(f"admin {command.name}", member, **without_secrets(command, args))
        assert cb.ephemeral, command.name
        assert "for commissioners" in cb.data.get("content", ""), (command.name, cb.data)
    assert await _writes(harness) == before


def _forged_ids(command) -> dict[str, str]:
    """Component ids a member could forge: discord.py hands back whatever custom id was sent."""
    args = sample_args(command, secrets=False)
    return {
        "form": encode(Kind.FORM, command.name, None, {}),
        "missing options": encode(Kind.RUN, command.name, None, {}),
        "run": encode(Kind.RUN, command.name, None, args),
    }


async def test_a_forged_button_never_opens_a_commissioner_form_for_a_member(harness):
    member = harness.member("alex")
    board = harness.fake.message_payload(harness.fake.original(await harness.slash("markets", member)))
    before = await _writes(harness)
    for command in ADMIN_COMMANDS:
        for route, custom_id in _forged_ids(command).items():
            cb = await harness.fake.interact(harness.fake.click(board, custom_id, member))
            assert cb.type != MODAL and cb.ephemeral, (command.name, route)
            assert "for commissioners" in cb.data.get("content", ""), (command.name, route, cb.data)
        submitted = harness.fake.submit(encode(Kind.SUBMIT, command.name, None, {}), {}, member)
        cb = await harness.fake.interact(submitted)
        assert "for commissioners" in cb.data.get("content", ""), (command.name, "submit", cb.data)
    assert await _writes(harness) == before
