"""A whole demo week played in the console, from the first allowance to the leaderboard."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app import build_console, run_console
from bot.settings import Settings
from storage.models import Bet, LedgerEntry, Market, Member, Selection


def console_settings(tmp_path: Path, *, season: bool = False) -> Settings:
    """The demo on a fresh database, saving attachments in the test's own folder.

    These tests play the shipped single week 12 (`season=False`); `make run` opens the
    demo season, which tests/console/test_console_season.py plays through.
    """
    files = str(tmp_path / "files")
    return Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}",
        demo={"files_dir": files, "season": season},
    )


def is_png(path: Path) -> bool:
    return path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


class Console:
    def __init__(self, runtime, out: io.StringIO, files_dir: Path) -> None:
        self.runtime = runtime
        self.out = out
        self.files_dir = files_dir

    async def say(self, line: str) -> str:
        self.out.seek(0)
        self.out.truncate()
        assert await self.runtime.session.handle(line)
        return self.out.getvalue()

    async def market(self, kind: str, matchup: int = 1, lock_order: bool = False) -> int:
        """A market's number, as it is typed."""
        async with self.runtime.db.read() as session:
            query = select(Market.number).where(Market.kind == kind)
            query = (
                query.order_by(Market.lock_at, Market.number)
                if lock_order
                else query.where(Market.matchup_id == matchup).order_by(Market.number)
            )
            return (await session.scalars(query)).first()

    async def last_quote(self, text: str) -> int:
        return int(text.split("Bet slip #")[1].split()[0])


@pytest.fixture
async def console(tmp_path):
    out = io.StringIO()
    settings = console_settings(tmp_path)
    runtime = await build_console(settings, io.StringIO(), out)
    yield Console(runtime, out, (tmp_path / "files").resolve())
    await runtime.close()


async def test_a_whole_week_in_the_console(console):
    c = console
    assert "1,000 credits available" in await c.say("balance")
    board = await c.say("markets")
    assert board.count(" vs ") >= 5 and "locks in" in board and "EST" in board
    detail = await c.say("odds 1")
    assert "moneyline" in detail and "Player props" in detail and "%" in detail

    slips = []
    ml = await c.market("moneyline", 1)
    out = await c.say(f"bet {ml} home 100")
    assert "Bet slip #" in out and "Pays" in out and "Quote holds: 60s" in out
    slips.append(await c.last_quote(out))
    assert "Bet placed" in await c.say(f"confirm {slips[-1]}")
    total = await c.market("total", 1)
    out = await c.say(f"bet {total} over 50")
    assert "Bet placed" in await c.say(f"confirm {await c.last_quote(out)}")

    assert "You are now blake" in await c.say(":as blake")
    spread = await c.market("spread", 2)
    out = await c.say(f"bet {spread} away 25%")
    assert "Stake: 250 credits" in out
    assert "Bet placed" in await c.say(f"confirm {await c.last_quote(out)}")
    prop = await c.market("prop", 3)
    out = await c.say(f"bet {prop} under 40")
    assert "Bet placed" in await c.say(f"confirm {await c.last_quote(out)}")
    ml3 = await c.market("moneyline", 3)
    out = await c.say(f"bet {ml3} away 10")
    placed = await c.say(f"confirm {await c.last_quote(out)}")
    cancel_id = placed.split("bet #")[1].split(",")[0]
    assert "cancelled; 10 credits refunded" in await c.say(f"cancel {cancel_id}")
    assert "blake: 710 credits available, 290 credits riding" in await c.say("balance")

    await c.say(":as casey")
    team_total = await c.market("team_total", 4)
    out = await c.say(f"bet {team_total} over 60")
    assert "Bet placed" in await c.say(f"confirm {await c.last_quote(out)}")

    # Thursday: the first kickoffs lock their markets.
    first_locked = await c.market("moneyline", lock_order=True)
    advanced = await c.say(":advance 1d2h")
    assert "locked at kickoff" in advanced
    refused = await c.say(f"bet {first_locked} home 10")
    assert "locked at" in refused
    assert "locked" in await c.say("markets")

    # Past Monday night: every game is final and the week settles, once.
    advanced = await c.say(":advance 6d")
    assert "Every game of the week is final" in advanced
    # The console and the channel's post say the same sentence (the post then adds the recap).
    said = "Week 12 is settled: 5 bets ("
    assert said in advanced.split("#league channel", 1)[0] and said in advanced.split("#league channel", 1)[1]
    # The recap's chart, which chat would attach, is saved and its path printed.
    saved = advanced.split("[image saved to ", 1)[1].split("]", 1)[0]
    assert Path(saved).parent == c.files_dir and is_png(Path(saved))
    again = await c.say(":advance 1d")
    assert "settled" not in again.split("\n", 1)[1]
    season = await c.say("leaderboard")
    for name in ("alex", "blake", "casey"):
        assert name in season
    assert "Week 12 leaderboard" in await c.say("leaderboard week")
    mine = await c.say("mybets")
    assert "open" not in mine.split("\n", 2)[2]

    async with c.runtime.db.read() as session:
        grants = (
            await session.execute(
                select(LedgerEntry.member_id, func.count(), func.sum(LedgerEntry.amount))
                .where(LedgerEntry.kind == "grant")
                .group_by(LedgerEntry.member_id)
            )
        ).all()
        ledger_sum = await session.scalar(select(func.sum(LedgerEntry.amount)))
        balances = await session.scalar(select(func.sum(Member.balance)))
        net = await session.scalar(
            select(func.sum(LedgerEntry.amount)).where(LedgerEntry.kind.in_(("stake", "payout", "refund")))
        )
        bets = (await session.scalars(select(Bet))).all()
        liabilities = (await session.scalars(select(Selection.liability))).all()
    assert len(grants) == 3 and all(count == 1 and amount == 1000 for _, count, amount in grants)
    assert ledger_sum == balances == 3000 + net
    assert all(b.status in ("won", "lost", "push", "void", "cancelled") for b in bets)
    assert (
        sum(b.payout or 0 for b in bets if b.status != "cancelled")
        - sum(b.stake for b in bets if b.status != "cancelled")
        == net + 0
    )  # cancelled bets refund exactly their stake
    assert min(liabilities) >= 0


async def test_console_run_reads_a_script_until_quit(tmp_path):
    out = io.StringIO()
    settings = console_settings(tmp_path)
    script = io.StringIO("help\n:now\n:admin\nconfig show\n:quit\nbalance\n")
    await run_console(settings, script, out)
    text = out.getvalue()
    assert "Sidebet console" in text and "Lines are up for week 12" in text
    assert "config set" in text and "Demo clock: Wed 12:00 PM EST" in text
    assert "alex is now a commissioner" in text and "margin_pct" in text
    assert "credits available" not in text  # nothing after :quit ran


async def test_demo_clock_survives_a_restart(tmp_path):
    settings = console_settings(tmp_path)
    await run_console(settings, io.StringIO(":advance 3d\n"), io.StringIO())
    out = io.StringIO()
    await run_console(settings, io.StringIO(":now\n"), out)
    assert "Sat 12:00 PM EST" in out.getvalue()


async def test_setup_in_the_console_explains_there_is_no_espn_here(console):
    """The console is offline: linking a real league gets a reason, not an internal error."""
    c = console
    await c.say(":admin")
    reply = await c.say("setup 123456 2026")
    assert "no connection to ESPN, Sleeper or Yahoo" in reply and "went wrong" not in reply
