"""The Discord command tree is the catalogue, exactly: no more, no less, same options."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.discord import command_tree
from adapters.discord.command_tree import (
    ADMIN_GROUP,
    INTEGER,
    STRING,
    SUB_COMMAND,
    SUB_COMMAND_GROUP,
    TreeError,
    application_commands,
    resolve,
)
from commands import catalogue
from commands.catalogue import Audience, Command, Option, OptionType
from tests.fakes.discord_fake import FakeDiscord

Leaf = tuple[tuple[str, ...], Audience, tuple[tuple[str, int, bool, tuple[str, ...], bool], ...]]


def leaves(payload: list[dict[str, Any]]) -> dict[tuple[str, ...], dict[str, Any]]:
    """Every invocable command of a Discord tree, by its path below `/` (admin group removed)."""
    out: dict[tuple[str, ...], dict[str, Any]] = {}

    def walk(prefix: tuple[str, ...], node: dict[str, Any]) -> None:
        subs = [o for o in node.get("options", []) if o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)]
        if subs:
            for sub in subs:
                walk((*prefix, sub["name"]), sub)
        else:
            out[prefix] = node

    for top in payload:
        walk((top["name"],), top)
    return out


def option_shape(option: dict[str, Any]) -> tuple[Any, ...]:
    return (
        option["name"],
        option["type"],
        option["required"],
        tuple(c["value"] for c in option.get("choices", [])),
        bool(option.get("autocomplete")),
    )


def expected_shape(option: Option) -> tuple[Any, ...]:
    # An id that also takes a team's abbreviation (`odds KC`) is text on Discord.
    numeric = option.type in (OptionType.ID, OptionType.NUMBER, OptionType.AMOUNT) and not option.by_team
    kind = INTEGER if numeric else STRING
    return (option.name, kind, option.required, option.choices, option.autocomplete and not option.choices)


def test_tree_matches_the_catalogue_exactly():
    tree = leaves(application_commands())
    expected = {}
    for command in catalogue.slash_commands():
        path = (ADMIN_GROUP, *command.path) if command.audience is Audience.ADMIN else command.path
        expected[path] = command
    assert set(tree) == set(expected)
    for path, command in expected.items():
        shown = sorted((o for o in command.options if not o.secret), key=lambda o: not o.required)
        assert [option_shape(o) for o in tree[path].get("options", [])] == [expected_shape(o) for o in shown]
    actions = {c.name for c in catalogue.CATALOGUE if c.action}
    assert actions and not actions & {" ".join(p) for p in tree}


def test_member_commands_are_top_level_and_admin_is_one_hidden_group():
    payload = {c["name"]: c for c in application_commands()}
    members = {c.path[0] for c in catalogue.slash_commands() if c.audience is Audience.MEMBER}
    assert members | {ADMIN_GROUP} == set(payload)
    assert payload[ADMIN_GROUP]["default_member_permissions"] == "32"  # Manage Server
    assert all("default_member_permissions" not in payload[m] for m in members)
    assert all(c["contexts"] == [0] for c in payload.values())  # servers only


def test_secret_options_are_never_slash_options():
    secret = {(c.name, o.name) for c in catalogue.CATALOGUE for o in c.options if o.secret}
    assert secret, "the catalogue has secret options (setup's ESPN cookies)"
    tree = leaves(application_commands())
    shown = {
        (" ".join(p[1:] if p[0] == ADMIN_GROUP else p), o["name"])
        for p, n in tree.items()
        for o in n.get("options", [])
    }
    assert not secret & shown


def test_descriptions_fit_discord():
    for path, node in leaves(application_commands()).items():
        assert 1 <= len(node["description"]) <= 100, path
        for option in node.get("options", []):
            assert 1 <= len(option["description"]) <= 100, (path, option["name"])


def test_every_command_resolves_back_from_discord_data():
    fake = FakeDiscord()
    for command in catalogue.slash_commands():
        words = [ADMIN_GROUP, *command.path] if command.audience is Audience.ADMIN else list(command.path)
        data = fake.slash(words, {o.name: "1" for o in command.options if not o.secret})["data"]
        called = resolve(data)
        assert called is not None and called.command == command
    assert resolve({"name": "confirm", "options": []}) is None  # actions are not commands
    assert resolve({"name": "pause"}) is None  # admin commands only under /admin


def test_new_catalogue_commands_appear_without_adapter_edits(monkeypatch):
    extra = (
        Command(("props",), "Player props board.", ephemeral=False),
        Command(("audit", "log"), "Recent commissioner actions.", audience=Audience.ADMIN),
        Command(("audit", "export"), "Export the audit log.", audience=Audience.ADMIN),
    )
    monkeypatch.setattr(catalogue, "CATALOGUE", (*catalogue.CATALOGUE, *extra))
    for command in extra:
        monkeypatch.setitem(catalogue.BY_NAME, command.name, command)
    tree = leaves(application_commands())
    assert {("props",), (ADMIN_GROUP, "audit", "log"), (ADMIN_GROUP, "audit", "export")} <= set(tree)


def test_clashes_are_errors_not_silent_overwrites():
    clash = (
        Command(("sync",), "x", audience=Audience.ADMIN),
        Command(("sync", "now"), "y", audience=Audience.ADMIN),
    )
    with pytest.raises(TreeError):
        command_tree.application_commands(clash)


async def test_commands_sync_globally_or_to_dev_guilds(harness):
    assert harness.fake.commands["global"] == [
        c
        | {
            "id": harness.fake.commands["global"][i]["id"],
            "application_id": str(harness.fake.app_id),
            "version": "1",
        }
        for i, c in enumerate(application_commands())
    ]
    await harness.stop()
    harness.fake.commands.clear()
    await harness.start(dev_guild_ids=(harness.fake.guild_id,))
    assert set(harness.fake.commands) == {f"guild:{harness.fake.guild_id}"}


async def test_setup_opens_a_modal_for_the_cookies(harness):
    boss = harness.member("boss", manage_guild=True)
    cb = await harness.slash("admin setup", boss, league=123456)
    assert cb.type == 9
    inputs = {c["custom_id"]: c for row in cb.data["components"] for c in row["components"]}
    assert set(inputs) == {"espn_s2", "swid"}
    assert not any(i["required"] for i in inputs.values())  # public leagues leave them empty
    assert "123456" in cb.data["custom_id"] and "espn_s2" not in cb.data["custom_id"]


async def test_gateway_identifies_with_only_the_guilds_intent(harness):
    assert harness.fake.identifies[-1]["intents"] == 1  # GUILDS, nothing privileged
    assert "token" not in harness.fake.identifies[-1]


async def test_auto_sharded_client_serves_interactions(harness):
    await harness.stop()
    from adapters.discord.client import ShardedSidebetClient

    client = await harness.start(sharded=True)
    assert isinstance(client, ShardedSidebetClient)
    cb = await harness.slash("balance")
    assert cb.type == 4 and cb.ephemeral and "credits available" in cb.data["content"]
    assert harness.fake.identifies[-1]["shard"] == [0, 1]


async def test_setup_sleeper_runs_at_once_without_a_cookie_modal(harness):
    boss = harness.member("boss", manage_guild=True)
    cb = await harness.slash("admin setup", boss, platform="sleeper", league="1048291839281745920")
    assert cb.type != 9, cb.data  # no modal: a Sleeper league has no cookies
    text = harness.fake.original(cb) if cb.type == 5 else cb.data
    assert "Couldn't link Sleeper league 1048291839281745920" in str(text), text
