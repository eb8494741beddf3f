"""One catalogue: every command has a handler, and the console exposes exactly the catalogue."""

from __future__ import annotations

from commands.catalogue import BY_NAME, CATALOGUE, Audience, is_leading_choice, match, slash_commands
from commands.handlers import HANDLERS


def test_every_command_has_exactly_one_handler():
    from commands.handlers import LEAGUELESS_HANDLERS

    names = {c.name for c in CATALOGUE}
    assert names == set(HANDLERS) | set(LEAGUELESS_HANDLERS)
    assert not set(HANDLERS) & set(LEAGUELESS_HANDLERS)
    assert {c.name for c in CATALOGUE if not c.needs_league} == set(LEAGUELESS_HANDLERS)
    assert {"help", "setup"} == set(LEAGUELESS_HANDLERS)  # help is an ordinary handler


def test_every_handler_names_a_catalogue_command():
    from commands.handlers import LEAGUELESS_HANDLERS

    for name in (*HANDLERS, *LEAGUELESS_HANDLERS):
        assert name in BY_NAME, f"handler for `{name}`, which the catalogue lacks"
    # one function answers one command: no handler is registered under two names
    functions = [*HANDLERS.values(), *LEAGUELESS_HANDLERS.values()]
    assert len({id(f) for f in functions}) == len(functions)


def test_importing_the_registry_alone_registers_every_handler():
    """No import-order trap: whoever imports the registry first gets it complete."""
    import subprocess
    import sys
    from pathlib import Path

    script = (
        "from commands.handlers.registry import HANDLERS, LEAGUELESS_HANDLERS; "
        "print(len(HANDLERS) + len(LEAGUELESS_HANDLERS))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert int(out) == len(CATALOGUE)


def test_the_registry_refuses_unknown_misfiled_and_repeated_names():
    import pytest

    from commands.handlers.registry import handles, handles_leagueless

    async def handler(ctx, args):
        raise AssertionError("never run")

    with pytest.raises(LookupError, match="frobnicate"):
        handles("frobnicate")(handler)
    with pytest.raises(TypeError, match="handles_leagueless"):
        handles("setup")(handler)
    with pytest.raises(TypeError, match="@handles"):
        handles_leagueless("bet")(handler)
    with pytest.raises(ValueError, match="already has a handler"):
        handles("bet")(handler)
    assert HANDLERS["bet"] is not handler


def test_console_reaches_every_catalogue_command_and_nothing_else():
    for command in CATALOGUE:
        found = match([*command.path, "x"])
        assert found is not None and found[0] is command
    assert match(["frobnicate"]) is None
    assert match(["config"]) is None  # a group alone is not a command


def test_catalogue_shape():
    paths = [c.path for c in CATALOGUE]
    assert len(paths) == len(set(paths))
    member = {c.name for c in slash_commands() if c.audience is Audience.MEMBER}
    admin = {c.name for c in slash_commands() if c.audience is Audience.ADMIN}
    assert member == {
        "markets",
        "odds",
        "bet",
        "mybets",
        "cancel",
        "balance",
        "rebuy",
        "leaderboard",
        "help",
        "scoreboard",
        "standings",
        "claim",
        "notify",
        "stats",
        "history",
        "games",
        "parlay add",
        "parlay remove",
        "parlay show",
        "parlay clear",
        "parlay bet",
        "parlay mine",
    }
    assert admin == {
        "config show",
        "config set",
        "void market",
        "void bet",
        "adjust",
        "settle",
        "pause",
        "resume",
        "setup",
        "link",
        "channel",
        "sync",
        "export",
        "calibration",
    }
    for command in CATALOGUE:
        optional_seen = False
        for index, option in enumerate(command.options):
            assert not (optional_seen and option.required), f"{command.name}: required after optional"
            if is_leading_choice(command.options, index):
                continue  # `setup [espn/sleeper] <league>`: bound only when one of its choices
            optional_seen |= not option.required


def test_readme_documents_every_command_and_setting():
    from pathlib import Path

    from commands.league_settings import LeagueSettings

    readme = Path(__file__).resolve().parents[2].joinpath("README.md").read_text()
    for command in CATALOGUE:
        assert f"`{command.usage}`" in readme, f"README lacks `{command.usage}`"
    for name in LeagueSettings.model_fields:
        assert f"| `{name}` |" in readme, f"README lacks setting {name}"


def test_the_example_config_names_every_league_setting():
    """config.example.toml is where an operator looks first; it must point at each league setting."""
    import re
    from pathlib import Path

    from commands.league_settings import LeagueSettings

    example = Path(__file__).resolve().parents[2].joinpath("config.example.toml").read_text()
    for name in LeagueSettings.model_fields:
        assert re.search(rf"\b{name}\b", example), f"config.example.toml does not name {name}"
