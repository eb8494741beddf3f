"""Every reply of the catalogue reads like a product, checked by a test rather than by eye.

The demo league is played through a week with every command of the catalogue (members'
and commissioners', the bet-slip actions, and the common mistakes: a bad weekday, a value
that isn't on/off, an unknown command to `help`, ...). Every text, card and table cell a
user could read is collected, with every channel post and direct message the outbox holds,
and checked for what only a Python program would say: True/False/None, "1 bets", the
repr of an enum or a datetime, an internal option name, a snake_case name outside
backticks. A command added to the catalogue later is driven too (with no options, and with
a bad value for each), and the test fails if it was never run with good ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.app import describe_report
from commands.catalogue import CATALOGUE, OptionType
from commands.dispatch import dispatch
from commands.league_settings import LeagueSettings
from commands.replies import Reply, Table, Tone
from commands.serialize import reply_from_dict
from commands.services.lifecycle import DueReport
from storage.models import Bet, Matchup, OutboxMessage, Team
from tests.book import Book
from tests.template_book import fresh_book

USERS = ("alex", "blake", "casey")
ADMIN = "boss"

# Nouns the product counts; "1 bets" of any of them is a plural bug.
NOUNS = (
    "bet",
    "credit",
    "market",
    "matchup",
    "week",
    "game",
    "team",
    "page",
    "slip",
    "member",
    "entry",
    "entrie",
    "prop",
    "player prop",
    "open bet",
    "settled bet",
    "ledger entrie",
    "team-week",
    "tie",
    "push",
    "pushe",
)
SINGULAR_PLURAL = re.compile(r"(?<![\d.,])1 (" + "|".join(re.escape(n) for n in NOUNS) + r")s\b")
PYTHON_WORDS = re.compile(r"\b(True|False|None)\b")
REPRS = re.compile(
    r"<\w+\.\w+: |\b\w+(Status|Kind|Type|Mode)\.[A-Z_]+\b|datetime\.|timedelta\(|Decimal\(|ZoneInfo\(|"
    r"object at 0x|\{'|\['|Traceback|\bnan\b|\binf\b"
)
ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
BACKTICKED = re.compile(r"`[^`]*`")
# Options that only a platform's form shows by name; a refusal must name what was typed instead.
INTERNAL_OPTIONS = ("dms",)
# What users type: commands (with their usage), setting names and their choices. In a table
# column of these, a snake_case cell is something to type, not a leak.
TYPED_COLUMNS = ("Command", "Setting")
TYPED_WORDS = {
    *LeagueSettings.model_fields,
    *(
        str(c)
        for info in LeagueSettings.model_fields.values()
        for c in getattr(info.annotation, "__args__", ())
        if isinstance(c, str)
    ),
}


def readable(reply: Reply) -> Iterator[tuple[str, str, bool]]:
    """Every piece of text a user reads: (where, text, in a typed column)."""
    yield "text", reply.text, False
    for note in reply.notes:
        yield "note", note, False
    for card in reply.cards:
        yield "card", card.title, False
        yield "card", card.description, False
        yield "card", card.footer, False
        for field in card.fields:
            yield "field", field.name, False
            yield "field", field.value, False
    for table in reply.tables:
        yield "table", table.title, False
        for column in table.columns:
            yield "column", column, False
        for row in table.rows:
            for column, cell in zip(table.columns, row, strict=True):
                yield "cell", cell, column in TYPED_COLUMNS
    for button in reply.buttons:
        yield "button", button.label, False
    for image in reply.images:
        yield "image", image.alt, False


def leaks(reply: Reply) -> list[str]:
    """What in `reply` reads like Python rather than a product."""
    found = []
    for where, text, typed in readable(reply):
        outside = BACKTICKED.sub("", text)
        checks = {
            "Python literal": PYTHON_WORDS.search(outside),
            "plural": SINGULAR_PLURAL.search(text),
            "repr": REPRS.search(text),
            "raw datetime": ISO_TIME.search(text),
        }
        if not typed:
            snake = [w for w in SNAKE.findall(outside) if not (w in TYPED_WORDS and text.strip() == w)]
            checks["snake_case outside backticks"] = snake[0] if snake else None
        for option in INTERNAL_OPTIONS:
            if re.search(rf"`{option}`|\b{option}\b", text):
                checks["internal option name"] = option
        for what, hit in checks.items():
            if hit:
                found.append(f"{what} in {where}: {text!r}")
    return found


class Transcript:
    """A Book whose every reply is kept, with what was typed."""

    def __init__(self, book: Book) -> None:
        self.book = book
        self.replies: list[tuple[str, Reply]] = []
        self.ran: set[str] = set()

    async def run(self, user: str, name: str, *, channel: str = "", **args: Any) -> Reply:
        invocation = replace(self.book.invocation(user, admin=user == ADMIN), channel_id=channel)
        reply = await dispatch(self.book.services, invocation, name, args)
        self.replies.append((f"{user}> {name} {args}", reply))
        if reply.tone is not Tone.ERROR:
            self.ran.add(name)
        return reply

    def console(self, report: DueReport) -> None:
        """What the console prints after `:advance` (bot.app.describe_report), line by line."""
        said = describe_report(report, self.book.clock.now())
        self.replies += [("console :advance", Reply(line)) for _, line in said]

    async def posts(self) -> list[tuple[str, Reply]]:
        async with self.book.db.read() as session:
            rows = (await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
        return [
            (f"post {r.kind} {r.dedupe_key}", reply_from_dict(r.payload)) for r in rows if "text" in r.payload
        ]


def bad_value(kind: OptionType) -> str:
    return {
        OptionType.CREDITS: "lots",
        OptionType.AMOUNT: "some",
        OptionType.ID: "abc",
        OptionType.NUMBER: "-3",
        OptionType.DIGITS: "12a",
        OptionType.CHOICE: "maybe",
        OptionType.PICK: "sideways",
        OptionType.MEMBER: "nobody",
        OptionType.TEAM: "ZZZ",
        OptionType.WORD: "two words",
        OptionType.TEXT: "x" * 400,
    }.get(kind, "???")


async def play_a_week(t: Transcript) -> None:
    """Every command of the catalogue, the happy path and the common mistakes, then the week's end."""
    b = t.book
    for user in USERS:
        await t.run(user, "balance")
    await t.run(ADMIN, "channel")
    await t.run(ADMIN, "channel", channel="C-league")
    await t.run(ADMIN, "help")
    await t.run("alex", "help")
    for topic in ("void", "config", "void market", "bet", "nope", "VOID"):
        await t.run("alex", "help", command=topic)
    await t.run("alex", "notify")
    await t.run("alex", "notify", dms="maybe")
    await t.run("alex", "notify", dms="on")
    await t.run("alex", "notify")
    await t.run("blake", "notify", dms="off")
    await t.run(ADMIN, "config show")
    for name, value in (
        ("rebuy", "on"),
        ("rebuy", "maybe"),
        ("props", "yes"),
        ("props", "off"),
        ("props", "on"),
        ("public_tickets", "on"),
        ("lines_open", "funday 10:00"),
        ("lines_open", "wed 25:00"),
        ("settle_at", "tue 09:30"),
        ("margin_pct", "99"),
        ("margin_pct", "abc"),
        ("allowance", "2.5"),
        ("bankroll_mode", "sideways"),
        ("timezone", "Mars/Olympus"),
        ("winner_role", "none"),
        ("admins", "none"),
        ("nope", "1"),
        ("max_stake_pct", "50"),
    ):
        await t.run(ADMIN, "config set", setting=name, value=value)
    await t.run(ADMIN, "config show")
    await t.run(ADMIN, "sync")
    await t.run("alex", "markets")
    async with b.db.read() as session:
        matchup = (await session.scalars(select(Matchup).order_by(Matchup.id))).first()
        assert matchup is not None
        home = await session.get(Team, matchup.home_team_id)
        assert home is not None
    await t.run("alex", "odds", matchup=1)  # the first row of the board
    await t.run("alex", "odds", matchup=home.abbrev)
    await t.run("alex", "odds", matchup="ZZZ")
    await t.run("alex", "odds", matchup=9999)
    await t.run("alex", "scoreboard")
    await t.run("alex", "standings")

    ml, total, prop = [await b.market_number(k) for k in ("moneyline", "total", "prop")]
    slip = await t.run("alex", "bet", market=ml, pick="home", stake=40)
    quote = await b.slip_number(slip)
    await t.run("alex", "confirm", quote=quote)
    await t.run("alex", "confirm", quote=quote)
    slip = await t.run("alex", "bet", market=total, pick="under", stake=1)
    await t.run("alex", "confirm", quote=await b.slip_number(slip))
    slip = await t.run("alex", "bet", market=prop, pick="over", stake="10%")
    await t.run("alex", "confirm", quote=await b.slip_number(slip))
    slip = await t.run("blake", "bet", market=ml, pick="away", stake="all")
    await t.run("blake", "discard", quote=await b.slip_number(slip))
    await t.run("blake", "discard", quote=await b.slip_number(slip))
    await t.run("blake", "confirm", quote=await b.slip_number(slip))
    slip = await t.run("blake", "bet", market=ml, pick="away", stake="all")
    await t.run("blake", "confirm", quote=await b.slip_number(slip))
    slip = await t.run("casey", "bet", market=total, pick="over", stake=25)
    casey_quote = await b.slip_number(slip)
    await t.run("casey", "confirm", quote=casey_quote)
    for market, pick, stake in (
        (ml, "sideways", 10),
        (ml, "home", "lots"),
        (ml, "home", 0),
        (ml, "home", 10**6),
    ):
        await t.run("casey", "bet", market=market, pick=pick, stake=stake)
    await t.run("casey", "bet", market=9999, pick="home", stake=10)
    await t.run("casey", "confirm", quote=quote)
    await t.run("alex", "mybets")
    async with b.db.read() as session:
        casey_bet = await session.scalar(select(Bet.number).order_by(Bet.id.desc()).limit(1))
    await t.run("casey", "cancel", bet=casey_bet)
    await t.run("casey", "cancel", bet=casey_bet)
    await t.run("casey", "confirm", quote=casey_quote)
    await t.run("casey", "rebuy")
    await t.run("alex", "balance")
    await t.run("alex", "leaderboard")
    await t.run("alex", "leaderboard", period="week")
    await t.run("alex", "stats")
    await t.run("alex", "stats", member="blake")
    await t.run("alex", "stats", member="nobody")
    await t.run("alex", "history")
    await t.run("alex", "history", page=5)
    await t.run("casey", "claim", team=home.abbrev)
    await t.run(ADMIN, "link", member="casey", team=home.abbrev)
    await t.run(ADMIN, "link", member="nobody", team=home.abbrev)
    await t.run(ADMIN, "adjust", member="blake", amount=5, reason="birthday")
    await t.run(ADMIN, "adjust", member="blake", amount=-1, reason="fine")
    await t.run(ADMIN, "void bet", bet=casey_bet, reason="oops")
    await t.run(ADMIN, "void bet", bet=2, reason="wrong line")
    await t.run(ADMIN, "adjust", member="casey", amount=-(await b.balance("casey")), reason="broke")
    await t.run("casey", "rebuy")
    await t.run("casey", "rebuy")
    await t.run("casey", "balance")
    await t.run("casey", "leaderboard", period="week")
    await t.run(ADMIN, "void market", market=prop, reason="player ruled out")
    await t.run(ADMIN, "void market", market=prop, reason="again")
    await t.run(ADMIN, "pause")
    await t.run(ADMIN, "pause")
    await t.run("alex", "bet", market=ml, pick="home", stake=10)
    await t.run(ADMIN, "resume")
    await t.run(ADMIN, "resume")
    await t.run(ADMIN, "settle")
    await t.run(ADMIN, "export")
    await t.run(ADMIN, "calibration")
    await t.run("alex", "void market", market=ml, reason="mine")
    # Parlays: a slip built, refused where it must be, quoted, placed (twice) and listed.
    kinds = (("moneyline", 2), ("spread", 2), ("total", 3))
    p_ml, p_spread, p_total = [await b.market_number(k, i) for k, i in kinds]
    await t.run("dana", "parlay show")
    await t.run("dana", "parlay add", market=p_ml, pick="home")
    await t.run("dana", "parlay add", market=p_ml, pick="home")
    await t.run("dana", "parlay bet", stake=50)
    await t.run("dana", "parlay add", market=p_total, pick="over")
    await t.run("dana", "parlay add", market=p_spread, pick="away")
    await t.run("dana", "parlay remove", leg=3)
    await t.run("dana", "parlay remove", leg=9)
    parlay_slip = await b.slip_number(await t.run("dana", "parlay bet", stake=50))
    await t.run("dana", "parlay confirm", quote=parlay_slip)
    await t.run("dana", "parlay confirm", quote=parlay_slip)
    await t.run("alex", "parlay confirm", quote=parlay_slip)
    await t.run("dana", "parlay mine")
    await t.run("dana", "parlay clear")
    await t.run(ADMIN, "setup", league=12345)

    # Past the week's last game: it settles, the recap is posted, and the book looks back.
    b.clock.advance(timedelta(days=1, hours=2))
    t.console(await b.due())  # Thursday's kickoffs lock their markets
    b.clock.advance(timedelta(days=7))
    await t.run(ADMIN, "settle")
    t.console(await b.due())
    await t.run(ADMIN, "settle")
    await t.run(ADMIN, "sync")
    for user in USERS:
        await t.run(user, "balance")
        await t.run(user, "mybets")
        await t.run(user, "history")
        await t.run(user, "stats")
    await t.run("alex", "scoreboard")
    await t.run("alex", "leaderboard")
    await t.run("alex", "leaderboard", period="week")
    await t.run("alex", "markets")
    await t.run(ADMIN, "calibration")

    # Every command with nothing, and with a bad value for each of its options.
    for command in CATALOGUE:
        await t.run("alex", command.name)
        await t.run(ADMIN, command.name)
        for option in command.options:
            await t.run(ADMIN, command.name, **{option.name: bad_value(option.type)})


async def test_every_reply_of_the_catalogue_reads_like_a_product(tmp_path) -> None:
    book = await fresh_book(tmp_path)
    try:
        t = Transcript(book)
        await play_a_week(t)
        everything = t.replies + await t.posts()
    finally:
        await book.db.dispose()
    problems = [f"{said}\n    {leak}" for said, reply in everything for leak in leaks(reply)]
    assert not problems, "\n".join(problems)
    # `setup` succeeds only against ESPN (its refusals are checked here, its success in
    # tests/bot/test_espn_faults_lifecycle.py); every other command must succeed at least once.
    never_ran = {c.name for c in CATALOGUE} - t.ran - {"setup"}
    assert not never_ran, f"never run successfully: {sorted(never_ran)}"
    assert any(said.startswith("post settled") for said, _ in everything)
    assert any(said.startswith("console") for said, _ in everything)


def test_the_checks_catch_what_they_are_for() -> None:
    bad = [
        Reply("`rebuy` is now True (was False)"),
        Reply("Settled 1 bets; paid out 5 credits."),
        Reply("`dms` must be one of: on, off."),
        Reply("Bet #3 is BetStatus.OPEN"),
        Reply("fitted 2026-12-06 10:00:00"),
        Reply("While rebuys are on, rebuy_amount can't be below min_stake."),
        Reply(tables=(Table(("Setting", "Value"), (("props", "True"),)),)),
    ]
    for reply in bad:
        assert leaks(reply), reply
    good = [
        Reply("`rebuy` is now on (was off)"),
        Reply("Settled 1 bet; paid out 1 credit. 11 bets, 21 credits."),
        Reply("While rebuys are on, `rebuy_amount` can't be below `min_stake`."),
        Reply(tables=(Table(("Setting", "Value"), (("bankroll_mode", "carry_over"),)),)),
        Reply(tables=(Table(("Command", "What it does"), (("setup <league> [espn_s2]", "Link"),)),)),
    ]
    for reply in good:
        assert not leaks(reply), (reply, leaks(reply))


GOOD: dict[OptionType, Any] = {
    OptionType.ID: 1,
    OptionType.CREDITS: 10,
    OptionType.AMOUNT: 5,
    OptionType.PICK: "home",
    OptionType.MEMBER: "alex",
    OptionType.TEAM: "HMH",
    OptionType.NUMBER: 2026,
    OptionType.DIGITS: "12345",
    OptionType.WORD: "props",
    OptionType.TEXT: "because",
}


async def test_a_bad_value_is_named_in_its_refusal(tmp_path) -> None:
    """Every option of every command, given a bad value with good ones beside it: the
    refusal quotes what was typed (a secret never), or says the text is too long."""
    book = await fresh_book(tmp_path)
    try:
        for user in ("alex", ADMIN):
            await book.run(user, "balance", admin=user == ADMIN)
        problems = []
        for command in CATALOGUE:
            good = {
                o.name: o.choices[0] if o.choices else GOOD[o.type] for o in command.options if o.required
            }
            for option in command.options:
                bad = bad_value(option.type)
                reply = await book.run(ADMIN, command.name, admin=True, **(good | {option.name: bad}))
                text = reply.text.lower()
                if option.secret:
                    named = bad.lower() not in text
                elif option.type is OptionType.TEXT:
                    named = "too long" in text
                else:
                    named = reply.tone is Tone.ERROR and f"'{bad.lower()}'" in text
                if not named:
                    problems.append(f"{command.name} {option.name}={bad!r}: {reply.text!r}")
    finally:
        await book.db.dispose()
    assert not problems, "\n".join(problems)
