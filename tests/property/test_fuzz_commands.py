"""Fuzzing every option of every catalogue command: a reply always, a partial write never.

The catalogue is enumerated, so a command added later is fuzzed without touching this file.
Inputs mix hostile values (unicode, control characters, huge and negative numbers, NaN,
wrong types) with plausible ones (real ids, sides, stakes) so the fuzzer also reaches the
handlers behind the option parser. Whatever the input: the caller gets a Reply, never an
internal-error apology, and a refusal leaves every table byte-for-byte as it was.
"""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commands.catalogue import CATALOGUE, Command, Option, OptionType
from commands.replies import Reply, Tone
from storage.models import Base
from tests.template_book import fresh_book

EXAMPLES_PER_COMMAND = 20
INTERNAL_ERROR = "something went wrong on our side"

# Numbers past Python's 4,300-digit conversion limit, as each platform could send them.
huge_numbers = st.tuples(
    st.sampled_from(["", "#", "-", "0" * 4400]), st.integers(4301, 4500), st.sampled_from(["", "%"])
).map(lambda parts: parts[0] + "9" * parts[1] + parts[2])

hostile = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.sampled_from(
        ["", " ", "0", "-1", "1e9", "NaN", "∞", "١٢", "<@U1>", "@everyone", "'; DROP TABLE bets;--"]
    ),
    st.lists(st.integers(), max_size=3),
    huge_numbers,
)

PLAUSIBLE: dict[OptionType, st.SearchStrategy[Any]] = {
    OptionType.ID: st.integers(min_value=1, max_value=80) | st.integers(1, 80).map(str) | huge_numbers,
    OptionType.PICK: st.sampled_from(["home", "away", "over", "under", "HOME", "Over"]),
    OptionType.CREDITS: st.sampled_from(["all", "25%", "100%", "1", 5, 250, "0.5"]) | huge_numbers,
    OptionType.AMOUNT: st.integers(min_value=-2000, max_value=2000) | huge_numbers,
    OptionType.MEMBER: st.sampled_from(["alex", "@blake", "<@alex>", "nobody"]),
    OptionType.TEAM: st.sampled_from(["1", "2", "ZZZ"]) | st.text(max_size=4),
    OptionType.NUMBER: st.integers(min_value=0, max_value=10**9) | huge_numbers,
    OptionType.WORD: st.sampled_from(
        ["margin_pct", "props", "max_stake_pct", "allowance", "nfl_games", "devig", "nope"]
    ),
    OptionType.TEXT: st.text(max_size=40),
    OptionType.DIGITS: st.sampled_from(["1048291839281745920", "12345", "0", "0012"])
    | st.integers(min_value=1, max_value=10**21)
    | huge_numbers,
}


def option_values(option: Option) -> st.SearchStrategy[Any]:
    plausible = st.sampled_from(option.choices) if option.choices else PLAUSIBLE.get(option.type, hostile)
    return st.one_of(plausible, hostile)


def arguments(command: Command) -> st.SearchStrategy[dict[str, Any]]:
    """Each option present with a fuzzed value, or absent; sometimes an option nobody declared."""
    present = st.fixed_dictionaries(
        {},
        optional={o.name: option_values(o) for o in command.options},
    )
    stray = st.dictionaries(st.text(min_size=1, max_size=8), hostile, max_size=1)
    return st.tuples(present, stray).map(lambda p: {**p[1], **p[0]})


def snapshot(path: str) -> dict[str, list[tuple]]:
    """Every committed row of every table, read on a separate connection."""
    with sqlite3.connect(path) as conn:
        return {
            t.name: conn.execute(f"SELECT * FROM {t.name} ORDER BY 1").fetchall()
            for t in Base.metadata.sorted_tables
        }


@pytest.mark.parametrize("command", CATALOGUE, ids=lambda c: c.name)
def test_every_input_gets_a_reply_and_a_refusal_writes_nothing(command: Command, tmp_path):
    loop = asyncio.new_event_loop()
    book = loop.run_until_complete(fresh_book(tmp_path))
    path = str(tmp_path / "book.db")
    for user in ("alex", "blake"):
        loop.run_until_complete(book.run(user, "balance"))

    @settings(
        max_examples=EXAMPLES_PER_COMMAND,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(args=arguments(command), admin=st.booleans())
    def fuzz(args: dict[str, Any], admin: bool) -> None:
        before = snapshot(path)
        reply = loop.run_until_complete(book.run("alex", command.name, admin=admin, **args))
        assert isinstance(reply, Reply)
        assert INTERNAL_ERROR not in reply.text, (command.name, args, reply.text)
        if reply.tone is Tone.ERROR:
            assert reply.text.strip()
            assert snapshot(path) == before, (command.name, args, reply.text)

    try:
        fuzz()
    finally:
        loop.run_until_complete(book.db.dispose())
        loop.close()
