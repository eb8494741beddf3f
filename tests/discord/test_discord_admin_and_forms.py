"""End to end: commissioner checks, autocomplete, secret modals, deferral, odd inputs."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from sqlalchemy import event, select

from commands import catalogue
from commands.catalogue import Audience, Command, Option, OptionType
from commands.errors import CommandError
from commands.handlers import HANDLERS
from commands.replies import Reply
from storage.models import League, Matchup, Team
from tests.fakes.discord_fake import EPHEMERAL, text_of

MESSAGE, DEFERRED, UPDATE, AUTOCOMPLETE, MODAL = 4, 5, 7, 8, 9
ADMIN_ROLE = 1_250_000_000_000_000_001


async def paused(h) -> bool:
    async with h.services.db.read() as session:
        return bool(await session.scalar(select(League.paused).where(League.id == h.league_id)))


async def test_member_running_an_admin_command_is_refused_privately(harness):
    cb = await harness.slash("admin pause", harness.member("alex"))
    assert cb.type == MESSAGE and cb.ephemeral
    assert "for commissioners" in cb.data["content"] and "Manage Server" in cb.data["content"]
    assert not await paused(harness)


async def test_manage_server_may_run_admin_commands(harness):
    cb = await harness.slash("admin pause", harness.member("boss", manage_guild=True))
    assert cb.type == MESSAGE and cb.ephemeral and "for commissioners" not in cb.data["content"]
    assert await paused(harness)


async def test_league_admin_role_and_admins_list_count_as_commissioners(harness):
    await harness.set_league(settings={"settle_delay_minutes": 0, "admin_role": str(ADMIN_ROLE)})
    role_holder = harness.member("casey", roles=(ADMIN_ROLE,))
    cb = await harness.slash("admin pause", role_holder)
    assert "for commissioners" not in cb.data["content"] and await paused(harness)

    listed = harness.member("dana")
    await harness.set_league(settings={"settle_delay_minutes": 0, "admins": str(listed.id)})
    cb = await harness.slash("admin resume", listed)
    assert "for commissioners" not in cb.data["content"] and not await paused(harness)
    refused = await harness.slash("admin pause", role_holder)  # the role is no longer the admin role
    assert "for commissioners" in refused.data["content"]


async def test_admin_subcommand_group(harness):
    cb = await harness.slash("admin config show", harness.member("boss", manage_guild=True))
    assert cb.type == MESSAGE and cb.ephemeral
    assert "allowance" in text_of(cb.data)


async def test_autocomplete_matchups_and_picks(harness):
    fake = harness.fake
    matchups = await fake.interact(fake.slash(["odds"], {"matchup": ""}, focused="matchup"))
    assert matchups.type == AUTOCOMPLETE
    choices = matchups.data["choices"]
    # `odds` takes a matchup number or a team's abbreviation, so its values are text.
    assert [c["value"] for c in choices] == ["1", "2", "3", "4", "5"]
    assert choices[0]["name"].startswith("#1 ")
    async with harness.services.db.read() as session:
        first = (await session.scalars(select(Matchup).order_by(Matchup.id))).first()
        away = await session.get_one(Team, first.away_team_id)
    by_team = await fake.interact(fake.slash(["odds"], {"matchup": away.abbrev}))
    assert by_team.type == MESSAGE and away.name in text_of(by_team.data)

    picks = await fake.interact(fake.slash(["bet"], {"market": 1, "pick": "h"}, focused="pick"))
    assert picks.type == AUTOCOMPLETE
    assert [c["value"] for c in picks.data["choices"]] == ["home"]


async def test_admin_autocomplete_is_empty_for_members(harness):
    fake = harness.fake
    asked = fake.slash(["admin", "adjust"], {"member": ""}, harness.member("alex"), focused="member")
    cb = await fake.interact(asked)
    assert cb.type == AUTOCOMPLETE and cb.data["choices"] == []


def gate_command(monkeypatch, name: str, outcome: Reply | Exception) -> asyncio.Event:
    """Make `name` slow: its handler waits until the test opens the gate."""
    gate = asyncio.Event()

    async def slow(ctx, args):
        await gate.wait()
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    monkeypatch.setitem(HANDLERS, name, slow)
    return gate


def defer_at_once(harness) -> None:
    assert harness.client is not None
    harness.client.router.defer_after = 0


async def test_slow_command_is_deferred_then_completed(harness, monkeypatch):
    gate = gate_command(monkeypatch, "standings", Reply("The standings, eventually.", ephemeral=False))
    defer_at_once(harness)
    cb = await harness.slash("standings")
    assert cb.type == DEFERRED and not cb.ephemeral  # deferred publicly, as the command is public
    gate.set()
    await harness.fake.wait_for(lambda: "eventually" in text_of(harness.fake.original(cb)))


async def test_deferred_public_command_with_an_error_answers_privately(harness, monkeypatch):
    gate = gate_command(monkeypatch, "standings", CommandError("ESPN is not answering; try again later."))
    defer_at_once(harness)
    cb = await harness.slash("standings")
    assert cb.type == DEFERRED and not cb.ephemeral
    gate.set()
    await harness.fake.wait_for(lambda: bool(harness.fake.followups(cb)))
    (followup,) = harness.fake.followups(cb)
    assert followup["flags"] & EPHEMERAL and "ESPN is not answering" in followup["content"]
    deleted = [r for r in harness.fake.requests if r.method == "DELETE" and cb.token in r.path]
    assert deleted  # the public "thinking..." placeholder is removed, not left hanging


async def test_direct_messages_are_refused(harness):
    cb = await harness.fake.interact(harness.fake.slash(["balance"], guild=False))
    assert cb.type == MESSAGE and cb.ephemeral and "inside a server" in cb.data["content"]


async def test_foreign_or_stale_buttons_are_refused(harness):
    board = harness.fake.message_payload(harness.fake.original(await harness.slash("markets")))
    for custom_id in ("somebody-elses-button", "sb:a:no-such-command:-:"):
        cb = await harness.fake.interact(harness.fake.click(board, custom_id))
        assert cb.type == MESSAGE and cb.ephemeral


SECRET_S2 = "AEBs2cookie" + "x" * 200
SECRET_SWID = "{SWID-1234-5678}"


def add_setup_command(monkeypatch) -> list[dict[str, Any]]:
    """A test-only admin command with two required secret options (like `setup`'s cookies)."""
    seen: list[dict[str, Any]] = []
    command = Command(
        ("cookies",),
        "Store ESPN cookies.",
        (
            Option("league", OptionType.NUMBER, "ESPN league id"),
            Option("espn_s2", OptionType.TEXT, "espn_s2 cookie", secret=True),
            Option("swid", OptionType.TEXT, "SWID cookie", secret=True),
        ),
        audience=Audience.ADMIN,
    )

    async def handler(ctx, args):
        seen.append(args)
        return Reply(f"Linked ESPN league {args['league']}. Cookies saved.")

    monkeypatch.setattr(catalogue, "CATALOGUE", (*catalogue.CATALOGUE, command))
    monkeypatch.setitem(catalogue.BY_NAME, "cookies", command)
    monkeypatch.setitem(HANDLERS, "cookies", handler)
    return seen


async def test_secret_options_come_through_a_modal_and_are_never_echoed(harness, monkeypatch, caplog):
    seen = add_setup_command(monkeypatch)
    await harness.restart()
    assert harness.client is not None
    await harness.client.sync_application_commands()
    admin = next(c for c in harness.fake.commands["global"] if c["name"] == "admin")
    setup = next(o for o in admin["options"] if o["name"] == "cookies")
    assert [o["name"] for o in setup["options"]] == ["league"]  # no secret is a slash option

    boss = harness.member("boss", manage_guild=True)
    caplog.set_level(logging.DEBUG)
    modal = await harness.slash("admin cookies", boss, league=555)
    assert modal.type == MODAL
    inputs = [c["custom_id"] for row in modal.data["components"] for c in row["components"]]
    assert inputs == ["espn_s2", "swid"]

    done = await harness.fake.interact(
        harness.fake.submit(modal.data["custom_id"], {"espn_s2": SECRET_S2, "swid": SECRET_SWID}, boss)
    )
    assert done.type == MESSAGE and done.ephemeral and "Linked ESPN league 555" in done.data["content"]
    assert seen == [{"league": 555, "espn_s2": SECRET_S2, "swid": SECRET_SWID}]
    sent_by_bot = repr([r.body for r in harness.fake.requests])
    for secret in (SECRET_S2, SECRET_SWID):
        assert secret not in sent_by_bot
        assert secret not in caplog.text


async def test_secret_modal_is_refused_to_members(harness, monkeypatch):
    add_setup_command(monkeypatch)
    cb = await harness.slash("admin cookies", harness.member("alex"), league=555)
    assert cb.type == MESSAGE and cb.ephemeral and "for commissioners" in cb.data["content"]


async def test_bot_token_is_never_logged(harness, caplog):
    from tests.discord.conftest import TOKEN

    caplog.set_level(logging.DEBUG)
    await harness.restart()
    await harness.slash("balance")
    assert TOKEN not in caplog.text


async def test_only_what_depends_on_it_asks_whether_the_caller_is_a_commissioner(harness):
    """A member's command costs no read of the league's settings to tell a commissioner.

    Only commissioner commands and help (whose list differs for one) ask; a commissioner
    by the league's `admins` list still sees their commands in help.
    """
    listed = harness.member("dana")
    await harness.set_league(settings={"settle_delay_minutes": 0, "admins": str(listed.id)})
    asked: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().startswith("SELECT leagues.settings"):
            asked.append(statement)

    engine = harness.services.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert "credits" in text_of((await harness.slash("balance", listed)).data)
        assert "credits" in text_of((await harness.slash("balance", harness.member("alex"))).data)
        assert asked == []
        shown = text_of((await harness.slash("help", listed)).data)
        assert "commissioner commands included" in shown and len(asked) == 1
        assert "commissioner commands included" not in text_of(
            (await harness.slash("help", harness.member("alex"))).data
        )
    finally:
        event.remove(engine, "before_cursor_execute", count)
