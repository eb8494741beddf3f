"""Every commissioner command of the catalogue, sent by a member as a signed Slack request.

The list is the catalogue's, so a new commissioner command is checked here automatically.
"""

from __future__ import annotations

import json

from sqlalchemy import func, select

from adapters.slack import modals
from storage.models import AuditLog, LedgerEntry
from tests.security.admin_commands import ADMIN_CASES, ADMIN_COMMANDS, as_words, sample_args
from tests.slack.driver import CHANNEL


async def _writes(services) -> tuple[int, int]:
    async with services.db.read() as session:
        return (
            await session.scalar(select(func.count()).select_from(AuditLog)),
            await session.scalar(select(func.count()).select_from(LedgerEntry)),
        )


async def test_a_member_is_refused_every_admin_command_on_slack(slack, fake, services):
    before = await _writes(services)
    for command, args in ADMIN_CASES:
        answer = await slack.command(as_words(command, args), user="U1")
        assert "commissioners only" in answer.text, (command.name, answer.text)
    assert fake.calls_to("views.open") == []  # not even the secret form of `setup`
    assert await _writes(services) == before


def _tampered(value: dict) -> dict:
    """A button a member forged: Slack signs the payload, but the value is whatever was sent."""
    return {
        "type": "button",
        "action_id": "sidebet:0",
        "text": {"type": "plain_text", "text": "Forged"},
        "value": json.dumps(value, separators=(",", ":")),
    }


def _forged_buttons(command) -> dict[str, dict]:
    return {
        # the "Custom…" stake button's value, naming a commissioner command instead of `bet`
        "ask": _tampered({"a": "@ask", "g": {"command": command.name, "args": {}}}),
        "form": _tampered({"a": command.name, "g": {}, "f": 1}),
        "missing options": _tampered({"a": command.name, "g": {}}),
        "run": _tampered({"a": command.name, "g": sample_args(command, secrets=False)}),
    }


async def test_a_forged_button_never_opens_a_commissioner_form_for_a_member(slack, fake, services):
    before = await _writes(services)
    for command in ADMIN_COMMANDS:
        for route, element in _forged_buttons(command).items():
            answer = await slack.click(element, user="U1")
            assert "commissioners only" in answer.text, (command.name, route, answer.text)
    assert fake.calls_to("views.open") == []
    assert await _writes(services) == before


async def test_a_forged_form_submission_is_refused_to_a_member(slack, fake, services):
    before = await _writes(services)
    for command, args in ADMIN_CASES:
        url = fake.new_response_url()
        pending = modals.Pending(command.name, args, CHANNEL, url)
        view = {"callback_id": modals.CALLBACK_ID, "private_metadata": pending.dump(), "blocks": []}
        status, _ack = await slack.submit(view, {}, user="U1")
        assert status == 200
        answer = " ".join(str(p) for p in await fake.responses(url))
        assert "commissioners only" in answer, (command.name, answer)
    assert await _writes(services) == before


async def test_setup_sleeper_runs_at_once_without_a_cookie_form(slack, fake, services):
    """`/sidebet setup sleeper <id>` has no ESPN cookies to ask for: it runs straight away
    (here without a Sleeper connection, so it says so and links nothing)."""
    before = await _writes(services)
    answer = await slack.command("setup sleeper 1048291839281745920", user="UADMIN")
    assert fake.calls_to("views.open") == []
    assert "Couldn't link Sleeper league 1048291839281745920" in answer.text, answer.text
    assert "no connection to ESPN, Sleeper or Yahoo" in answer.text
    assert await _writes(services) == before
