"""Every bad input gets a clear, friendly reply and leaves the database exactly as it was."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import text

from adapters.console.repl import ConsoleSession
from commands.replies import Tone
from tests.book import Book


@pytest.fixture
async def book(db):
    book = await Book(db).open()
    for user in ("alex", "blake"):
        await book.run(user, "balance")
    ml = await book.market_number("moneyline", 0)
    placed = await book.place("blake", ml, "home", 50)
    assert placed.tone is Tone.SUCCESS, placed.text
    book.blake_bet = int(placed.text.split("#")[1].split(",")[0])
    book.blake_slip = await book.slip_number(await book.run("blake", "bet", market=ml, pick="away", stake=20))
    return book


async def _ml(book):
    return await book.market_number("moneyline", 0)


CASES = [
    # (description, user, admin, command, args, expected fragment)
    ("zero stake", "alex", False, "bet", {"pick": "home", "stake": "0"}, "at least 1 credit"),
    ("negative stake", "alex", False, "bet", {"pick": "home", "stake": "-5"}, "at least 1 credit"),
    ("fractional stake", "alex", False, "bet", {"pick": "home", "stake": "2.5"}, "whole numbers"),
    ("huge stake", "alex", False, "bet", {"pick": "home", "stake": "9" * 40}, "most you can stake"),
    ("over max stake", "alex", False, "bet", {"pick": "home", "stake": 251}, "most you can stake"),
    (
        "text stake",
        "alex",
        False,
        "bet",
        {"pick": "home", "stake": "lots"},
        "isn't a number of credits",
    ),
    (
        "exponent stake",
        "alex",
        False,
        "bet",
        {"pick": "home", "stake": "1e3"},
        "isn't a number of credits",
    ),
    (
        "percent stake over 100",
        "alex",
        False,
        "bet",
        {"pick": "home", "stake": "150%"},
        "percentage",
    ),
    ("missing stake", "alex", False, "bet", {"pick": "home"}, "needs `stake`"),
    (
        "text market id",
        "alex",
        False,
        "bet",
        {"market": "abc", "pick": "home", "stake": 5},
        "isn't a market number",
    ),
    (
        "unknown market",
        "alex",
        False,
        "bet",
        {"market": 99999, "pick": "home", "stake": 5},
        "no market #99999",
    ),
    (
        "negative market",
        "alex",
        False,
        "bet",
        {"market": -3, "pick": "home", "stake": 5},
        "isn't a market number",
    ),
    ("bad pick", "alex", False, "bet", {"pick": "sideways", "stake": 5}, "isn't a side"),
    ("text matchup", "alex", False, "odds", {"matchup": "first"}, "no team 'first' plays"),
    ("fraction matchup", "alex", False, "odds", {"matchup": "1.5"}, "isn't a matchup number"),
    ("unknown matchup", "alex", False, "odds", {"matchup": 4242}, "no matchup #4242"),
    ("unknown slip", "alex", False, "confirm", {"quote": 777}, "no bet slip #777"),
    ("unknown bet", "alex", False, "cancel", {"bet": 888}, "no bet #888"),
    ("bad period", "alex", False, "leaderboard", {"period": "month"}, "'month' isn't week or season"),
    (
        "member runs config set",
        "alex",
        False,
        "config set",
        {"setting": "margin_pct", "value": "1"},
        "commissioners only",
    ),
    (
        "member runs adjust",
        "alex",
        False,
        "adjust",
        {"member": "alex", "amount": "500", "reason": "me"},
        "commissioners only",
    ),
    (
        "member runs void",
        "alex",
        False,
        "void market",
        {"market": 1, "reason": "x"},
        "commissioners only",
    ),
    ("member runs settle", "alex", False, "settle", {}, "commissioners only"),
    ("member runs pause", "alex", False, "pause", {}, "commissioners only"),
    ("member runs config show", "alex", False, "config show", {}, "commissioners only"),
    (
        "margin out of range",
        "alex",
        True,
        "config set",
        {"setting": "margin_pct", "value": "50"},
        "from 0 to 10",
    ),
    (
        "allowance not a number",
        "alex",
        True,
        "config set",
        {"setting": "allowance", "value": "lots"},
        "whole number",
    ),
    (
        "allowance fractional",
        "alex",
        True,
        "config set",
        {"setting": "allowance", "value": "10.5"},
        "whole number",
    ),
    (
        "unknown setting",
        "alex",
        True,
        "config set",
        {"setting": "rake", "value": "1"},
        "no setting called `rake`",
    ),
    (
        "bad time zone",
        "alex",
        True,
        "config set",
        {"setting": "timezone", "value": "Mars/Olympus"},
        "time zone",
    ),
    (
        "adjust unknown member",
        "alex",
        True,
        "adjust",
        {"member": "zed", "amount": "5", "reason": "x"},
        "no member 'zed'",
    ),
    (
        "adjust fractional",
        "alex",
        True,
        "adjust",
        {"member": "blake", "amount": "1.5", "reason": "x"},
        "whole number",
    ),
    (
        "adjust zero",
        "alex",
        True,
        "adjust",
        {"member": "blake", "amount": "0", "reason": "x"},
        "changes nothing",
    ),
    (
        "adjust huge",
        "alex",
        True,
        "adjust",
        {"member": "blake", "amount": "9" * 30, "reason": "x"},
        "limited to",
    ),
    (
        "adjust overdraw",
        "alex",
        True,
        "adjust",
        {"member": "blake", "amount": "-100000", "reason": "x"},
        "has only",
    ),
    (
        "adjust no reason",
        "alex",
        True,
        "adjust",
        {"member": "blake", "amount": "5"},
        "needs `reason`",
    ),
    (
        "void unknown market",
        "alex",
        True,
        "void market",
        {"market": 5555, "reason": "x"},
        "no market #5555",
    ),
    ("void unknown bet", "alex", True, "void bet", {"bet": 5555, "reason": "x"}, "no bet #5555"),
    ("settle before final", "alex", True, "settle", {}, "isn't final yet"),
    ("resume when not paused", "alex", True, "resume", {}, "isn't paused"),
    ("unknown option", "alex", False, "balance", {"verbose": "yes"}, "doesn't take verbose"),
    ("unknown command", "alex", False, "moneyline", {}, "no command `moneyline`"),
]


@pytest.mark.parametrize(
    ("what", "user", "admin", "name", "args", "fragment"), CASES, ids=[c[0] for c in CASES]
)
async def test_bad_input_is_refused_and_writes_nothing(book, what, user, admin, name, args, fragment):
    if name == "bet":
        args = {"market": await _ml(book)} | args
    before = await book.snapshot()
    reply = await book.run(user, name, admin=admin, **args)
    assert fragment.lower() in reply.text.lower(), reply.text
    if what != "resume when not paused":
        assert reply.tone is Tone.ERROR
    assert reply.ephemeral
    assert await book.snapshot() == before


async def test_foreign_numbers_are_not_found(book, db):
    """A number only another league has reads here as one never given, and changes nothing."""
    other = await Book(db, book.clock, workspace="other-guild").open()
    await other.run("casey", "balance")
    # The other league has been running longer: its numbers are past ours.
    async with db.write() as session:
        await session.execute(
            text("UPDATE markets SET number = number + 1000 WHERE league_id = :league"),
            {"league": other.league_id},
        )
    foreign_market = await other.market_number("moneyline", 0)
    for _ in range(3):
        await other.place("casey", foreign_market, "home", 5)
    foreign_bet = await other.slip_number(
        await other.run("casey", "bet", market=foreign_market, pick="away", stake=5)
    )
    assert foreign_bet > book.blake_slip  # no slip or bet of ours has this number
    before = await book.snapshot()
    for name, args, fragment in (
        ("bet", {"market": foreign_market, "pick": "home", "stake": 5}, "no market #"),
        ("cancel", {"bet": foreign_bet - 1}, "no bet #"),
        ("confirm", {"quote": foreign_bet}, "no bet slip #"),
        ("discard", {"quote": foreign_bet}, "no bet slip #"),
        ("void market", {"market": foreign_market, "reason": "x"}, "no market #"),
        ("void bet", {"bet": foreign_bet - 1, "reason": "x"}, "no bet #"),
    ):
        reply = await book.run("alex", name, admin=name.startswith("void"), **args)
        assert reply.tone is Tone.ERROR, (name, reply.text)
        assert fragment in reply.text, reply.text
    assert await book.snapshot() == before


async def test_another_members_bet_and_slip_are_not_yours(book):
    """In another league the same numbers name that league's rows; here blake's bet and slip
    are refused to alex (another league's numbers: test_foreign_numbers_are_not_found)."""
    before = await book.snapshot()
    for name, args in (
        ("cancel", {"bet": book.blake_bet}),
        ("confirm", {"quote": book.blake_slip}),
    ):
        reply = await book.run("alex", name, **args)
        assert reply.tone is Tone.ERROR, (name, reply.text)
        assert "no " in reply.text.lower() or "someone else" in reply.text.lower()
    assert await book.snapshot() == before


async def test_someone_elses_slip_cannot_be_confirmed(book):
    before = await book.snapshot()
    reply = await book.run("alex", "confirm", quote=book.blake_slip)
    assert "belongs to someone else" in reply.text
    assert await book.snapshot() == before


async def test_repeated_confirm_places_one_bet(book):
    ml = await book.market_number("moneyline", 1)
    slip = await book.run("alex", "bet", market=ml, pick="away", stake=40)
    quote = await book.slip_number(slip)
    first = await book.run("alex", "confirm", quote=quote)
    assert first.text.startswith("Bet placed")
    before = await book.snapshot()
    again = await book.run("alex", "confirm", quote=quote)
    assert again.text.startswith("Already placed")
    assert await book.snapshot() == before
    assert await book.balance("alex") == 1000 - 40


async def test_repeated_bet_interaction_gives_the_same_slip(book):
    ml = await book.market_number("moneyline", 1)
    one = await book.run("alex", "bet", market=ml, pick="home", stake=10, interaction="dup-1")
    before = await book.snapshot()
    two = await book.run("alex", "bet", market=ml, pick="home", stake=10, interaction="dup-1")
    assert await book.slip_number(one) == await book.slip_number(two)
    assert await book.snapshot() == before


async def test_insufficient_credits(book):
    for index in range(4):
        ml = await book.market_number("moneyline", index)
        assert (await book.place("alex", ml, "home", 250)).tone is Tone.SUCCESS
    assert await book.balance("alex") == 0
    before = await book.snapshot()
    reply = await book.run("alex", "bet", market=await book.market_number("total", 0), pick="over", stake=10)
    assert "You have 0 credits" in reply.text
    assert await book.snapshot() == before


async def test_locked_market_refuses_bets_even_before_the_lock_job_runs(book):
    from sqlalchemy import select

    from storage.models import Market

    async with book.db.read() as session:
        first = await session.scalar(
            select(Market).where(Market.kind == "moneyline").order_by(Market.lock_at)
        )
    placed = await book.place("alex", first.number, "home", 10)
    bet_id = int(placed.text.split("#")[1].split(",")[0])
    slip = await book.slip_number(await book.run("alex", "bet", market=first.number, pick="away", stake=10))
    book.clock.set(first.lock_at + timedelta(seconds=1))  # no lock job has run
    before = await book.snapshot()
    for name, args, fragment in (
        ("bet", {"market": first.number, "pick": "home", "stake": 10}, "locked at"),
        ("confirm", {"quote": slip}, "locked at"),
        ("cancel", {"bet": bet_id}, "can't be cancelled"),
    ):
        reply = await book.run("alex", name, **args)
        assert reply.tone is Tone.ERROR, (name, reply.text)
        assert fragment in reply.text, (name, reply.text)
    assert await book.snapshot() == before


async def test_paused_league_refuses_bets(book):
    assert (await book.run("alex", "pause", admin=True)).tone is Tone.WARNING
    before = await book.snapshot()
    reply = await book.run("blake", "bet", market=await _ml(book), pick="home", stake=5)
    assert "paused" in reply.text
    assert await book.snapshot() == before


async def test_console_bad_inputs_reply_and_write_nothing(book):
    out = io.StringIO()

    async def run_command(invocation, name, args):
        from commands.dispatch import dispatch

        return await dispatch(book.services, invocation, name, args)

    async def advance(delta):
        return "advanced"

    async def drain():
        return []

    session = ConsoleSession(
        run_command=run_command,
        advance=advance,
        drain_posts=drain,
        now_text=lambda: "now",
        stdin=io.StringIO(),
        stdout=out,
        workspace_id="demo",
        user="alex",
    )
    ml = await _ml(book)
    lines = {
        f"bet {ml} home 0": "at least 1 credit",
        f"bet {ml} home -5": "at least 1 credit",
        f"bet {ml} home 2.5": "whole numbers",
        f"bet {ml} home {'9' * 30}": "most you can stake",
        f"bet {ml} home ten": "isn't a number of credits",
        f"bet {ml} home": "needs `stake`",
        f"bet {ml} home 5 extra": "Too many values",
        "bet abc home 5": "isn't a market number",
        "bet 99999 home 5": "no market #99999",
        f"bet {ml} nobody 5": "isn't a side",
        'bet "unclosed': "Unbalanced quotes",
        "confirm 999": "no bet slip",
        f"confirm {book.blake_slip}": "belongs to someone else",
        f"cancel {book.blake_bet}": "no bet #",
        "config set margin_pct 3": "commissioners only",
        "adjust alex 100 because": "commissioners only",
        "frobnicate": "no command `frobnicate`",
        ":advance soon": "isn't a duration",
        ":advance 0d": "more than zero",
        ":as": "Usage: :as",
        ":admin maybe": "Usage: :admin",
        ":teleport": "Unknown control",
    }
    for line, fragment in lines.items():
        before = await book.snapshot()
        out.seek(0)
        out.truncate()
        assert await session.handle(line)
        assert fragment in out.getvalue(), (line, out.getvalue())
        assert await book.snapshot() == before, line
