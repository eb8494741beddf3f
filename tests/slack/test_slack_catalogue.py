"""`/sidebet` is exactly the catalogue, parses like the console; the manifest asks only what it needs."""

from __future__ import annotations

from dataclasses import replace

import pytest

from adapters.slack import parsing
from adapters.slack.manifest import bot_scopes, manifest
from commands import catalogue
from commands.catalogue import Command, Option, OptionType


def sample_words(command: Command) -> list[str]:
    samples = {
        OptionType.ID: "7",
        OptionType.CREDITS: "50",
        OptionType.AMOUNT: "-20",
        OptionType.PICK: "home",
        OptionType.MEMBER: "<@U9|nine>",
        OptionType.TEAM: "HMH",
        OptionType.NUMBER: "2026",
        OptionType.DIGITS: "1048291839281745920",
        OptionType.WORD: "margin_pct",
        OptionType.TEXT: "a long reason",
    }
    words = []
    for option in command.options:
        if option.secret:
            continue
        words.append(option.choices[0] if option.type is OptionType.CHOICE else samples[option.type])
    return words


def test_subcommands_are_exactly_the_catalogue():
    assert parsing.subcommands() == tuple(c.name for c in catalogue.CATALOGUE)
    assert set(parsing.subcommands()) >= {c.name for c in catalogue.slash_commands()}
    for command in catalogue.CATALOGUE:
        parsed = parsing.parse(" ".join([command.name, *sample_words(command)]))
        assert parsed.command is command
        expected = {o.name for o in command.options if not o.secret}
        assert set(parsed.args) == expected


def test_a_command_added_to_the_catalogue_is_a_subcommand_without_edits(monkeypatch):
    extra = Command(("standings", "week"), "Test-only command.", (Option("n", OptionType.NUMBER, "n"),))
    monkeypatch.setattr(catalogue, "CATALOGUE", (*catalogue.CATALOGUE, extra))
    monkeypatch.setitem(catalogue.BY_NAME, extra.name, extra)
    assert "standings week" in parsing.subcommands()
    assert parsing.parse("standings week 3").args == {"n": "3"}


def test_unknown_subcommand_is_a_usage_error():
    with pytest.raises(parsing.UsageError, match="no `nope` subcommand"):
        parsing.parse("nope 1 2")


def test_parsing_like_the_console():
    assert parsing.parse("").command.name == "help"
    parsed = parsing.parse("config set margin_pct 4.5")
    assert parsed.command.name == "config set" and parsed.args == {"setting": "margin_pct", "value": "4.5"}
    assert parsing.parse("void bet 3 wrong game, sorry").args["reason"] == "wrong game, sorry"
    assert parsing.parse("void bet 3 “quoted reason”").args["reason"] == "quoted reason"
    assert parsing.parse("adjust <@U123|ann> 50 A&amp;B").args == {
        "member": "<@U123|ann>",
        "amount": "50",
        "reason": "A&B",
    }
    with pytest.raises(parsing.UsageError, match=r"Usage: `/sidebet bet <market> <pick> <stake>`"):
        parsing.parse("bet 1 home")
    with pytest.raises(parsing.UsageError, match="Too many values"):
        parsing.parse("balance now please")
    with pytest.raises(parsing.UsageError, match="Unbalanced quotes"):
        parsing.parse('void bet 1 "oops')


def test_secret_options_cannot_be_typed(monkeypatch):
    secretive = Command(
        ("linkespn",),
        "Test-only: link a private league.",
        (
            Option("league", OptionType.NUMBER, "ESPN league id"),
            Option("espn_s2", OptionType.TEXT, "cookie", secret=True),
            Option("swid", OptionType.TEXT, "cookie", secret=True),
        ),
        audience=catalogue.Audience.ADMIN,
    )
    monkeypatch.setitem(catalogue.BY_NAME, secretive.name, secretive)
    parsed = parsing.parse("linkespn 12345")
    assert parsed.args == {"league": "12345"}
    assert [o.name for o in parsed.secret_options] == ["espn_s2", "swid"]
    with pytest.raises(parsing.UsageError) as error:
        parsing.parse("linkespn 12345 AEBsecretcookie {SWID}")
    assert "AEBsecretcookie" not in error.value.message and "form" in error.value.message
    assert "espn_s2" not in parsing.usage(replace(secretive))


def test_manifest_has_one_command_and_exactly_the_needed_scopes():
    data = manifest()
    commands = data["features"]["slash_commands"]
    assert [c["command"] for c in commands] == [parsing.SLASH_COMMAND]
    assert commands[0]["should_escape"] is True  # mentions arrive as <@U123|name>
    # commands: /sidebet; chat:write: channel posts and ephemeral fallbacks; users:read: users.info
    # for workspace admins and names; files:write: the recap's chart and exports (files_upload_v2);
    # im:write: a private reply's files go to the member's DM (files cannot be ephemeral).
    # Nothing else: no channel history, no reading files, no user scopes.
    assert set(bot_scopes()) == {"commands", "chat:write", "users:read", "files:write", "im:write"}
    assert "user" not in data["oauth_config"]["scopes"]
    assert data["settings"]["interactivity"]["is_enabled"] is True
