"""Commissioner commands are refused to members; another workspace's ids are never served.

Both lists come from the catalogue: every commissioner command, and every command that
takes an id (market, matchup, bet, slip), so new commands are covered automatically.
The Discord and Slack halves of the refusal check live beside those adapters' fixtures
(tests/discord/test_discord_admin_refusals.py, tests/slack/test_slack_admin_refusals.py).
"""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select, update

from adapters.console.repl import ConsoleSession
from commands.catalogue import CATALOGUE, OptionType
from commands.dispatch import dispatch
from commands.replies import Tone
from storage.models import Bet, Market
from tests.book import Book
from tests.security.admin_commands import ADMIN_CASES, ADMIN_COMMANDS, as_words, sample_args
from tests.template_book import joined_book

ID_COMMANDS = tuple(c for c in CATALOGUE if any(o.type is OptionType.ID for o in c.options))


@pytest.fixture
async def book(tmp_path):
    async with joined_book(tmp_path) as book:
        yield book


def test_the_catalogue_has_commissioner_and_id_commands():
    assert len(ADMIN_COMMANDS) >= 10 and {"bet", "cancel", "confirm", "odds"} <= {c.name for c in ID_COMMANDS}


@pytest.mark.parametrize(
    ("command", "args"),
    ADMIN_CASES,
    ids=[" ".join((c.name, *map(str, a.values())))[:40] for c, a in ADMIN_CASES],
)
async def test_command_layer_refuses_every_admin_command_to_a_member(book, command, args):
    before = await book.snapshot()
    reply = await book.run("alex", command.name, **args)
    assert reply.tone is Tone.ERROR and "commissioners only" in reply.text, reply.text
    assert await book.snapshot() == before


async def test_console_refuses_every_admin_command_to_a_member(book):
    out = io.StringIO()

    async def run_command(invocation, name, args):
        return await dispatch(book.services, invocation, name, args)

    async def nothing(*_args):
        return []

    session = ConsoleSession(
        run_command=run_command,
        advance=nothing,
        drain_posts=nothing,
        now_text=lambda: "now",
        stdin=io.StringIO(),
        stdout=out,
        workspace_id="demo",
        user="alex",
    )
    before = await book.snapshot()
    for command, args in ADMIN_CASES:
        out.seek(0)
        out.truncate()
        assert await session.handle(as_words(command, args))
        assert "commissioners only" in out.getvalue(), (command.name, out.getvalue())
    assert await book.snapshot() == before


async def _ids(book: Book) -> dict[str, int]:
    """One of each kind of id in the book's league, as its members type them: a market's
    number, a matchup, a bet's number and a slip's.

    Numbers are per league, so each league has a market #1: the book's market numbers are
    moved past any other league's first (as a league running for longer has them), and its
    bet and slip numbers are the only ones in a league where nobody else has bet yet.
    """
    async with book.db.write() as session:
        await session.execute(
            update(Market).where(Market.league_id == book.league_id).values(number=Market.number + 1000)
        )
    market = await book.market_number("moneyline", 0)  # of the first matchup on the board: #1
    placed = await book.place("alex", market, "home", 20)
    assert placed.tone is Tone.SUCCESS, placed.text
    slip = await book.slip_number(await book.run("alex", "bet", market=market, pick="away", stake=10))
    async with book.db.read() as session:
        bet = await session.scalar(select(Bet.number).where(Bet.league_id == book.league_id))
    return {"market": market, "matchup": 1, "bet": bet, "quote": slip}


async def test_ids_from_another_workspace_are_never_served_or_bettable(any_db):
    db = any_db
    home = await Book(db, workspace="guild-home").open()
    other = Book(db, clock=home.clock, workspace="guild-other")
    await other.open()
    theirs = await _ids(other)
    await home.run("mallory", "balance")
    await home.run("boss", "balance", admin=True)
    before = await home.snapshot()
    checked = 0
    for command in ID_COMMANDS:
        if command.name == "odds":  # a matchup number is a row of the caller's own board (below)
            continue
        for admin, user in ((False, "mallory"), (True, "boss")):
            args = sample_args(command)
            for option in command.options:
                if option.type is OptionType.ID:
                    args[option.name] = theirs[option.name]
            reply = await home.run(user, command.name, admin=admin, **args)
            assert reply.tone is Tone.ERROR, (command.name, reply.text)
            text = reply.text.lower()
            assert "commissioners only" in text or "no " in text or "isn't" in text, (command.name, text)
            checked += 1
    # Nothing of the other league was touched, and nothing was written for the caller.
    assert await home.snapshot() == before
    assert checked == 2 * (len(ID_COMMANDS) - 1)
    # Every league's board has a matchup #1: here it is this league's own, with its markets.
    async with db.read() as session:
        ours = set(
            (await session.scalars(select(Market.number).where(Market.league_id == home.league_id))).all()
        )
    mine = await home.run("mallory", "odds", matchup=theirs["matchup"])
    assert {b.args["market"] for b in mine.buttons} <= ours and theirs["market"] not in ours
    # The other league's own member still sees them.
    assert (await other.run("alex", "odds", matchup=theirs["matchup"])).tone is not Tone.ERROR
