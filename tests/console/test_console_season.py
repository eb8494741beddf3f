"""A whole demo season in the console, as `make run` plays it: week 1 to the championship.

Three members bet every week; the commissioner splits them into pools and switches to
weekly-reset bankrolls; one member goes broke and rebuys. Every week must open, lock and
settle exactly once, and the season must end with one final-standings post. The charts the
console saves are decoded (the data each PNG carries of what it draws) and checked against
the leaderboard printed beside them.
"""

from __future__ import annotations

import asyncio
import io
import json
import re
import struct
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app import build_console, run_console
from commands.charts import DATA_KEY
from commands.format import local_time
from commands.league_settings import LeagueSettings
from storage.models import Bet, League, LedgerEntry, Market, Member, PoolAssignment, Week
from tests.console.test_console_week import Console, console_settings

WEEKS = 16  # 14 regular-season weeks, semifinals, championship
MEMBERS = ("alex", "blake", "casey")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass
class Season:
    """What one played season left behind: every console output, in order, and the files."""

    outputs: list[str] = field(default_factory=list)
    weeks: list[tuple[int, str, bool, str | None]] = field(default_factory=list)
    markets: int = 0
    markets_unsettled: int = 0
    grants: Counter[tuple[int, int]] = field(default_factory=Counter)
    rebuys: list[tuple[str, int, int]] = field(default_factory=list)
    pools: int = 0
    ledger: int = 0
    balances: int = 0
    season_over: bool = False
    bets: Counter[str] = field(default_factory=Counter)
    reset_balance: str = ""
    leaderboard: str = ""
    rebuy_reply: str = ""

    @property
    def text(self) -> str:
        return "\n".join(self.outputs)


async def week_markets(c: Console, kind: str) -> list[int]:
    """The numbers of the open markets of a kind in the latest week, in board order."""
    now = c.runtime.clock.now()
    async with c.runtime.db.read() as session:
        week = await session.scalar(select(func.max(Week.id)))
        return list(
            (
                await session.scalars(
                    select(Market.number)
                    .where(
                        Market.week_id == week,
                        Market.kind == kind,
                        Market.status == "open",
                        Market.lock_at > now,
                    )
                    .order_by(Market.matchup_id, Market.number)
                )
            ).all()
        )


async def bet(c: Console, season: Season, market: int, pick: str, stake: int) -> None:
    slip = await c.say(f"bet {market} {pick} {stake}")
    placed = await c.say(f"confirm {await c.last_quote(slip)}")
    season.outputs += [slip, placed]
    assert "Bet placed" in placed, placed


async def play(tmp_path: Path) -> Season:
    season = Season()
    out = io.StringIO()
    runtime = await build_console(console_settings(tmp_path, season=True), io.StringIO(), out)
    c = Console(runtime, out, (tmp_path / "files").resolve())
    try:
        await runtime.session._show_posts()  # week 1's lines, as printed at start
        season.outputs.append(out.getvalue())
        for name in reversed(MEMBERS):  # blake and casey join in week 1
            season.outputs += [await c.say(f":as {name}"), await c.say("balance")]
        season.outputs += [await c.say(":admin"), await c.say("config set pool_size 2")]
        for week in range(1, WEEKS + 1):
            moneylines, totals = await week_markets(c, "moneyline"), await week_markets(c, "total")
            assert moneylines and totals, f"week {week} has nothing open"
            await c.say(":as alex")
            await bet(c, season, moneylines[0], "home", 100)
            await c.say(":as blake")
            if week == 3:  # the first week after the switch to weekly reset
                season.reset_balance = await c.say("balance")
            await bet(c, season, totals[-1], "over", 50)
            await c.say(":as casey")
            if week == 4:  # all in, in four maximum stakes, then a rebuy
                for market in (moneylines * 4)[:4]:
                    await bet(c, season, market, "away", 250)
                season.rebuy_reply = await c.say("rebuy")
                season.outputs.append(season.rebuy_reply)
            await bet(c, season, moneylines[-1], "away", 20)
            if week == 2:
                await c.say(":as alex")
                season.outputs.append(await c.say("config set bankroll_mode weekly_reset"))
            if week == 6:
                await c.say(":as blake")
                season.leaderboard = await c.say("leaderboard")
            season.outputs.append(await c.say(":advance week"))
        season.outputs.append(await c.say(":advance week"))  # after the final: nothing left
        season.outputs.append(await c.say(":now"))

        async with runtime.db.read() as session:
            season.weeks = [
                (w.matchup_period, str(w.status), w.markets_open, w.settled_at and w.settled_at.isoformat())
                for w in (await session.scalars(select(Week).order_by(Week.matchup_period))).all()
            ]
            season.markets = await session.scalar(select(func.count(Market.id))) or 0
            season.markets_unsettled = (
                await session.scalar(
                    select(func.count(Market.id)).where(Market.status.not_in(("settled", "void")))
                )
                or 0
            )
            names = {m.id: m.user_id for m in (await session.scalars(select(Member))).all()}
            for entry in (await session.scalars(select(LedgerEntry))).all():
                if entry.kind == "grant":
                    season.grants[(entry.member_id, entry.week_id or 0)] += 1
                if entry.kind == "rebuy":
                    season.rebuys.append((names[entry.member_id], entry.amount, entry.week_id or 0))
            season.pools = await session.scalar(select(func.count(PoolAssignment.id))) or 0
            season.ledger = await session.scalar(select(func.sum(LedgerEntry.amount))) or 0
            season.balances = await session.scalar(select(func.sum(Member.balance))) or 0
            season.season_over = bool(await session.scalar(select(League.season_over)))
            season.bets = Counter(str(b.status) for b in (await session.scalars(select(Bet))).all())
    finally:
        await runtime.close()
    return season


@pytest.fixture(scope="module")
def season(tmp_path_factory: pytest.TempPathFactory) -> Season:
    """The season is played once per module (each test below reads what it left)."""
    return asyncio.run(play(tmp_path_factory.mktemp("season")))


def test_every_week_opens_locks_and_settles_once_and_the_season_ends(season: Season):
    text = season.text
    for week in range(1, WEEKS + 1):
        assert text.count(f"Lines are up for week {week}!") == 1, week
        # Once by the console after `:advance` and once in the channel's post, in the same
        # words: one count of the week's bets (issue 15: "14 bets" against "16 bets").
        said = re.findall(rf"Week {week} is settled: [^.]*\.", text)
        assert len(said) == 2 and said[0] == said[1], (week, said)
    # Each market locked once: the console's lock counts add up to every market there is.
    locked = sum(int(n.replace(",", "")) for n in re.findall(r"([\d,]+) markets? locked at kickoff", text))
    assert locked == season.markets > 0 and season.markets_unsettled == 0
    assert [w[0] for w in season.weeks] == list(range(1, WEEKS + 1))
    assert all(status == "settled" and settled for _, status, _, settled in season.weeks)
    assert all(count == 1 for count in season.grants.values())
    assert len(season.grants) == WEEKS * len(MEMBERS)
    # The playoffs: the semifinals and the championship are named, and the season ends once.
    assert "The semifinals (week 15)" in text and "The championship (week 16)" in text
    assert text.count("That's the 2026 season") == 1 and "final standings" in text
    assert season.season_over
    assert "Nothing more is scheduled this season" in season.outputs[-2]
    assert "The 2026 season is over" in season.outputs[-1]
    # Money: every bet graded, credits only moved through the ledger.
    assert season.bets and set(season.bets) <= {"won", "lost", "push", "void"}
    assert season.ledger == season.balances


def test_rebuys_pools_and_weekly_reset_are_shown(season: Season):
    # Weekly reset: week 3 starts everyone at the allowance, whatever week 2 left.
    assert "blake: 1,000 credits available" in season.reset_balance
    # Casey staked everything in week 4 and rebought once, for the rebuy amount.
    assert [(name, amount) for name, amount, _ in season.rebuys] == [("casey", 500)]
    assert "500" in season.rebuy_reply
    # Three members with pools of two: each week's draw splits them, and the table says so.
    assert season.pools >= len(MEMBERS) * (WEEKS - 1)
    assert "pool" in season.leaderboard


async def test_a_newcomer_is_told_where_the_season_stands(tmp_path):
    out = io.StringIO()
    await run_console(console_settings(tmp_path, season=True), io.StringIO(":now\n:advance next\n"), out)
    text = out.getvalue()
    start = text.split("alex>", 1)[0]
    assert "Demo clock: Wed 12:00 PM EDT (2026-09-09)" in start
    assert "Week 1 of the 2026 season" in start and "Lines are up for week 1!" in start
    assert "Open: " in start and "`markets` lists them" in start
    assert "Next: a locking-soon reminder, Thu 7:15 PM EDT" in start and ":advance week" in start
    # `:now` says it again; `:advance next` goes to that moment and the reminder is posted.
    now = text.split("alex>", 2)[1]
    assert "Week 1 of the 2026 season" in now and "Next: " in now
    after = text.split("alex>", 3)[2]
    assert "Demo clock: Thu 7:15 PM EDT" in after and "Locking soon" in after


async def test_advance_says_each_lock_at_its_own_time(tmp_path):
    """`:advance week` runs the week's locks in the pass that settles it: each lock is still
    said at the time its markets locked, never at the time of the pass that ran it."""
    out = io.StringIO()
    runtime = await build_console(console_settings(tmp_path, season=True), io.StringIO(), out)
    c = Console(runtime, out, (tmp_path / "files").resolve())
    try:
        async with runtime.db.read() as session:
            league = await session.scalar(select(League))
            assert league is not None
            zone = LeagueSettings.model_validate(league.settings or {}).tz
            lock_times = Counter((await session.scalars(select(Market.lock_at))).all())
        said = await c.say(":advance week")
    finally:
        await runtime.close()
    locks = re.findall(r"^(.+?): ([\d,]+) markets? locked at kickoff\.$", said, re.MULTILINE)
    settled = re.findall(r"^(.+?): Week 1 is settled", said, re.MULTILINE)
    assert locks and settled, said
    by_time = {local_time(at, zone): count for at, count in lock_times.items()}
    assert len(locks) > 1, "the week's kickoffs lock at several times"
    for when, count in locks:
        assert when in by_time and int(count) <= by_time[when], (when, by_time)
        assert when != settled[0], "a lock said at the time of the pass that ran it"
    instants = [min(at for at in lock_times if local_time(at, zone) == when) for when, _ in locks]
    assert instants == sorted(instants), "the locks are said in the order they happened"


# ------------------------------------------------------------------------------ the charts


def png_texts(path: Path) -> dict[str, str]:
    """The text chunks (tEXt, zTXt, iTXt) of a PNG file."""
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE), path
    texts: dict[str, str] = {}
    position = len(PNG_SIGNATURE)
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        position += 12 + length
        if kind == b"tEXt":
            key, _, value = body.partition(b"\0")
            texts[key.decode("latin-1")] = value.decode("latin-1")
        elif kind == b"zTXt":
            key, _, value = body.partition(b"\0")
            texts[key.decode("latin-1")] = zlib.decompress(value[1:]).decode("latin-1")
        elif kind == b"iTXt":
            key, _, rest = body.partition(b"\0")
            compressed, rest = rest[0], rest[2:]
            _, _, rest = rest.partition(b"\0")  # language tag
            _, _, value = rest.partition(b"\0")  # translated keyword
            texts[key.decode("latin-1")] = (zlib.decompress(value) if compressed else value).decode("utf-8")
    return texts


def leaderboard_beside(post: str) -> list[tuple[str, int]]:
    """(member, season score) rows of the season table printed in a post, in its order."""
    heading = "season leaderboard" if "season leaderboard" in post else "bettors"
    table = post.split(heading, 1)[1]
    rows = []
    for line in table.splitlines():
        found = re.match(r"\s*\d+\s+(\S+)\s+([+-]?[\d,]+)\s", line)
        if found:
            rows.append((found.group(1), int(found.group(2).replace(",", ""))))
    return rows


def charted_posts(season: Season) -> list[tuple[str, Path]]:
    """Every channel post that carries a chart, with the chart's saved file."""
    posts = []
    for output in season.outputs:
        for post in output.split("--- #league channel ---")[1:]:
            saved = re.search(r"\[image saved to (.+?\.png)\]", post)
            if saved:
                posts.append((post.split("\n-----------------------\n", 1)[0], Path(saved.group(1))))
    return posts


def test_each_chart_matches_the_leaderboard_beside_it(season: Season):
    posts = charted_posts(season)
    assert len(posts) == WEEKS + 1  # every weekly recap and the final standings
    for post, path in posts:
        chart = json.loads(png_texts(path)[DATA_KEY])["axes"][0]
        table = leaderboard_beside(post)
        assert table, post
        assert all(tick == int(tick) for tick in chart["xticks"]), (path.name, chart["xticks"])
        lines = {line["label"]: line for line in chart["lines"]}
        # One line per member, each from a starting point (more than a lone dot).
        assert sorted(lines) == sorted(name for name, _ in table), path.name
        for line in lines.values():
            assert len(line["x"]) >= 2 and line["y"][0] == 0, (path.name, line)
            assert all(x == int(x) for x in line["x"])
        # The legend in the table's order, each line ending on the table's number.
        assert chart["legend"] == [name for name, _ in table], path.name
        assert [lines[name]["y"][-1] for name, _ in table] == [score for _, score in table], path.name


def test_charts_are_saved_and_decodable(season: Season):
    """What already holds: every recap and the final post attach a PNG with its data."""
    posts = charted_posts(season)
    assert len(posts) == WEEKS + 1
    for _, path in posts:
        chart = json.loads(png_texts(path)[DATA_KEY])
        assert chart["axes"] and chart["axes"][0]["lines"]


async def test_the_single_week_demo_says_when_it_is_over(tmp_path):
    """`[demo] season = false` plays week 12 alone; after it, `:advance` says why nothing comes."""
    out = io.StringIO()
    script = io.StringIO(":advance 1d\n:advance 8d\n:advance 1w\n:now\n")
    await run_console(console_settings(tmp_path), script, out)
    steps = out.getvalue().split("alex>")
    assert "single week" not in steps[1]  # week 12 is still being played
    assert "Week 12 is settled" in steps[2]
    for after in steps[2:5]:
        assert "This demo is a single week and it is over" in after
