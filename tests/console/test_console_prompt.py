"""The console as a prompt, without a terminal: completion, table widths, colour, escape codes,
commissioner rights across restarts and `--reset` asking first."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest

from adapters.console.prompt import ConsoleCompleter, file_history
from adapters.console.render import render, render_table
from adapters.console.terminal import PLAIN, Terminal, terminal_for, wants_colour
from bot.app import build_console, run_console
from bot.cli import main
from commands.autocomplete import suggest
from commands.catalogue import CATALOGUE
from commands.dispatch import dispatch
from commands.replies import Reply, Table, Tone
from tests.console.test_console_week import Console, console_settings

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
async def console(tmp_path):
    out = io.StringIO()
    runtime = await build_console(console_settings(tmp_path), io.StringIO(), out)
    yield Console(runtime, out, (tmp_path / "files").resolve())
    await runtime.close()


def completer_for(c: Console) -> ConsoleCompleter:
    async def suggestions(invocation, command, option, typed, args):
        return await suggest(c.runtime.services, invocation, command, option, typed, args)

    return ConsoleCompleter(suggestions, c.runtime.session.invocation)


async def texts(completer: ConsoleCompleter, line: str) -> list[str]:
    words = line.split()
    typed = "" if line.endswith(" ") or not line else words.pop()
    return [c.text for c in await completer.candidates(words, typed)]


async def test_tab_completes_commands_options_and_ids_from_the_autocomplete_service(console):
    c = console
    complete = completer_for(c)
    assert await texts(complete, "ba") == ["balance"]
    assert set(await texts(complete, "con")) == {"confirm", "config"}
    assert set(await texts(complete, "")) == {command.path[0] for command in CATALOGUE}
    assert await texts(complete, "config s") == ["show", "set"]
    assert await texts(complete, "config set marg") == ["margin_pct"]
    assert await texts(complete, "leaderboard ") == ["week", "season"]
    assert await texts(complete, "help config ") == ["show", "set"]
    assert await texts(complete, ":ad") == [":admin", ":advance"]
    assert await texts(complete, ":admin ") == ["on", "off"]
    assert await texts(complete, ":advance w") == ["week"]

    # Ids come with what they mean, as Discord's autocomplete shows them.
    matchups = await complete.candidates(["odds"], "")
    assert [m.text for m in matchups] == ["1", "2", "3", "4", "5"]
    assert matchups[0].meta.startswith("#1 ") and " vs " in matchups[0].meta
    # Found by a team's name, as Discord's autocomplete finds it.
    away = matchups[1].meta.split(" vs ")[1].split(",")[0]
    word = max(away.split(), key=len).lower()
    assert "2" in await texts(complete, f"odds {word}") and "2" not in await texts(complete, "odds zzz")
    ml = await c.market("moneyline", 1)
    markets = await texts(complete, "bet ")
    assert str(ml) in markets
    assert set(await texts(complete, f"bet {ml} ")) == {"home", "away"}
    assert "all" in await texts(complete, f"bet {ml} home ")
    assert await texts(complete, f"bet {ml} home 5 ") == []

    out = await c.say(f"bet {ml} home 40")
    await c.say(f"confirm {await c.last_quote(out)}")
    bets = await complete.candidates(["cancel"], "")
    assert len(bets) == 1 and "40 credits" in bets[0].meta
    await c.say(":as blake")
    assert await texts(complete, "cancel ") == []  # blake's own bets, and blake has none
    assert await texts(complete, ":as al") == ["alex"]


async def test_tab_completes_the_callers_open_slips(console):
    c = console
    complete = completer_for(c)
    ml = await c.market("moneyline", 1)
    assert await texts(complete, "confirm ") == []
    first = await c.last_quote(await c.say(f"bet {ml} home 40"))
    second = await c.last_quote(await c.say(f"bet {ml} away 25"))
    slips = await complete.candidates(["confirm"], "")
    assert [s.text for s in slips] == [str(second), str(first)]  # the newest first
    assert slips[0].meta.startswith(f"slip #{second} ") and "25 credits" in slips[0].meta
    assert await texts(complete, "discard ") == [str(second), str(first)]
    await c.say(f"confirm {first}")  # placed: no longer a slip to confirm
    assert await texts(complete, "confirm ") == [str(second)]
    await c.say(":as blake")
    assert await texts(complete, "confirm ") == []  # only the caller's own slips
    await c.say(":as alex")
    c.runtime.clock.advance(timedelta(minutes=5))  # an expired slip is not offered either
    assert await texts(complete, "confirm ") == []


def test_a_history_file_in_a_missing_folder_is_made_and_a_blank_name_keeps_none(tmp_path):
    history = file_history(str(tmp_path / "deep" / "history"))
    history.store_string("balance")
    assert (tmp_path / "deep" / "history").read_text().strip().endswith("+balance")
    assert type(file_history("")).__name__ == "InMemoryHistory"


def _wide_table() -> Table:
    return Table(
        columns=("#", "Setting", "Allowed values", "What it means"),
        rows=(
            ("1", "lock_reminder_minutes", "a whole number from 0 to 1440", "post a reminder " * 6),
            ("22", "timezone", "an IANA time zone such as America/New_York or Europe/London", "time zone"),
        ),
        title="A table that is far too wide for a terminal of eighty columns, title and all",
        numeric=(0,),
    )


@pytest.mark.parametrize("width", [80, 60, 40])
def test_a_wide_table_fits_the_width_and_keeps_every_word(width):
    table = _wide_table()
    text = render_table(table, Terminal(fixed_width=width))
    assert max(len(line) for line in text.splitlines()) <= width
    words = [w for cell in (*table.columns, *(c for row in table.rows for c in row)) for w in cell.split()]
    flat = " ".join(text.split())
    for word in words:
        assert word in flat or (len(word) > width // 4 and word[:5] in flat)
    assert "lock_reminder_minutes" in text  # a long word is kept whole where it can be


def test_a_table_that_fits_is_tabulate_as_before():
    table = Table(columns=("Member", "Balance"), rows=(("alex", "1,000"),), numeric=(1,))
    assert render_table(table, PLAIN) == "Member      Balance\n--------  ---------\nalex          1,000"


async def test_odds_config_and_help_tables_fit_eighty_columns(console):
    c = console
    await c.say(":admin")
    for name, args in (("odds", {"matchup": "1"}), ("config show", {}), ("help", {}), ("markets", {})):
        reply = await dispatch(c.runtime.services, c.runtime.session.invocation(), name, args)
        assert reply.tables, name
        for table in reply.tables:
            lines = render_table(table, PLAIN).splitlines()
            assert max(len(line) for line in lines) <= 80, (name, max(lines, key=len))
    assert "margin_pct" in await c.say("config show")


def test_colour_only_on_a_terminal_without_no_color():
    reply = Reply("That market is locked.", tone=Tone.ERROR, tables=(_wide_table(),))
    assert "\x1b[" not in render(reply)
    coloured = render(reply, terminal=Terminal(colour=True))
    assert coloured.startswith("\x1b[31m! That market is locked.")
    assert ANSI.sub("", coloured) == render(reply)
    assert terminal_for(io.StringIO()) == PLAIN
    assert wants_colour({"TERM": "xterm"}) and not wants_colour({"TERM": "xterm", "NO_COLOR": "1"})
    assert not wants_colour({"TERM": "dumb"})


async def test_escape_codes_from_arrow_keys_are_never_echoed_back(console):
    c = console
    assert await c.say("\x1b[A") == ""
    refusal = await c.say("\x1b[A\x1b[Bfrobnicate\x1b[D")
    assert "`frobnicate`" in refusal and "\x1b" not in refusal and "[A" not in refusal
    assert "credits available" in await c.say("bal\x1b[Cance")


async def test_commissioner_rights_survive_a_restart(tmp_path):
    settings = console_settings(tmp_path)
    await run_console(settings, io.StringIO(":admin\n:as blake\n"), io.StringIO())
    out = io.StringIO()
    await run_console(settings, io.StringIO("config show\n:admin off\n"), out)
    text = out.getvalue()
    assert "alex (commissioner)> " in text and "margin_pct" in text and "commissioners only" not in text
    out = io.StringIO()
    await run_console(settings, io.StringIO("config show\n"), out)
    assert "commissioners only" in out.getvalue() and "(commissioner)" not in out.getvalue()


def test_reset_asks_first_and_yes_skips_the_question(tmp_path, monkeypatch, capsys):
    db = tmp_path / "demo.db"
    monkeypatch.setenv("SIDEBET_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("SIDEBET_DATABASE_URL", f"sqlite+aiosqlite:///{db}")
    monkeypatch.setenv("SIDEBET_LOG_FILE", str(tmp_path / "run.log"))
    monkeypatch.setenv("SIDEBET_DEMO__HISTORY_FILE", "")
    monkeypatch.setattr("sys.stdin", io.StringIO(":admin\n"))
    assert main(["console"]) == 0 and db.exists()

    monkeypatch.setattr("sys.stdin", io.StringIO(":now\n"))
    assert main(["console", "--reset"]) == 1  # no terminal to ask at: nothing deleted
    assert "add --yes" in capsys.readouterr().err and db.exists()

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", Terminal("n\n"))
    assert main(["console", "--reset"]) == 1
    assert "Nothing was deleted" in capsys.readouterr().out and db.exists()

    monkeypatch.setattr("sys.stdin", io.StringIO("config show\n"))
    assert main(["console", "--reset", "--yes"]) == 0
    out = capsys.readouterr().out
    assert "Lines are up for week" in out and "commissioners only" in out  # a new demo, rights gone


async def test_a_failing_completion_offers_nothing_instead_of_breaking_the_prompt(console):
    async def broken(*_args):
        raise RuntimeError("database is down")

    complete = ConsoleCompleter(broken, console.runtime.session.invocation)
    assert await complete.candidates(["odds"], "") == []
    assert await texts(complete, "bal") == ["balance"]  # names need no database
