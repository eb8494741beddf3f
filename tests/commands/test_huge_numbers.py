"""Numbers far too long for any option: a plain refusal, no exception logged, nothing written.

Python refuses to convert a string of more than 4,300 digits to an int (ValueError), and
`str()` of such an int fails the same way. Every numeric option of every catalogue command
is fed such numbers in each form a platform can send them, and autocomplete is asked about
one, so a new command or option is covered without touching this file.
"""

from __future__ import annotations

import logging

import pytest

from commands.autocomplete import suggest
from commands.catalogue import CATALOGUE, OptionType
from commands.replies import Tone
from tests.template_book import joined_book

DIGITS = "9" * 5000
HUGE = {
    "digits": DIGITS,
    "hash": "#" + DIGITS,
    "negative": "-" + DIGITS,
    "leading zeros": "0" * 5000 + "7",
    "percent": DIGITS + "%",
    "integer": 10**5000,
    "negative integer": -(10**5000),
}
NUMERIC = (OptionType.ID, OptionType.CREDITS, OptionType.AMOUNT, OptionType.NUMBER)
CASES = [
    pytest.param(command, option.name, form, id=f"{command.name}-{option.name}-{form}")
    for command in CATALOGUE
    for option in command.options
    if option.type in NUMERIC and not option.secret
    for form in HUGE
]


@pytest.fixture
async def book(tmp_path):
    async with joined_book(tmp_path) as book:
        yield book


@pytest.mark.parametrize(("command", "option", "form"), CASES)
async def test_a_huge_number_is_refused_plainly_and_writes_nothing(book, command, option, form, caplog):
    others = {o.name: "1" for o in command.options if o.required and o.name != option}
    before = await book.snapshot()
    with caplog.at_level(logging.WARNING):
        reply = await book.run("alex", command.name, admin=True, **others, **{option: HUGE[form]})
    if form == "leading zeros":  # 0000...7 is just 7: refused or not, never an internal error
        assert "went wrong" not in reply.text, reply.text
    else:
        assert reply.tone is Tone.ERROR and "went wrong" not in reply.text, reply.text
        assert await book.snapshot() == before
    assert len(reply.text) < 400  # the number is not quoted back in full
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text


async def test_autocomplete_after_a_huge_market_number_suggests_nothing(book):
    invocation = book.invocation("alex")
    for raw in (DIGITS, 10**5000):
        assert await suggest(book.services, invocation, "bet", "pick", "", {"market": raw}) == []
