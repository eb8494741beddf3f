"""A week of NFL game bets in the console: the games board, odds by team, bets, the lock at
kickoff, settlement from the finals and closing-line value."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from bot.app import build_console
from storage.models import Bet, Market, NflGame
from tests.console.test_console_week import Console, console_settings


@pytest.fixture
async def console(tmp_path):
    out = io.StringIO()
    runtime = await build_console(console_settings(tmp_path), io.StringIO(), out)
    yield Console(runtime, out, (tmp_path / "files").resolve())
    await runtime.close()


async def game_market(c: Console, home: str, kind: str) -> int:
    async with c.runtime.db.read() as session:
        found = await session.scalar(
            select(Market.id).join(NflGame).where(NflGame.home == home, Market.kind == kind)
        )
    assert found is not None
    return found


async def test_a_week_of_game_bets_in_the_console(console):
    c = console
    assert "doesn't offer real NFL games" in await c.say("games")
    await c.say(":admin")
    assert "nfl_games" in await c.say("config set nfl_games on")
    await c.say(":advance 5m")  # the next sync reads ESPN's lines
    board = await c.say("games")
    assert "CHI @ DET" in board and "BUF @ LAR" in board and "%" in board
    assert "Chicago Bears at Detroit Lions" in await c.say("odds det")

    ml = await game_market(c, "DET", "moneyline")
    out = await c.say(f"bet {ml} det 100")
    assert "Bet slip #" in out and "Detroit Lions" in out
    assert "Bet placed" in await c.say(f"confirm {await c.last_quote(out)}")
    spread = await game_market(c, "GB", "spread")  # Sunday night: still open after Thursday
    out = await c.say(f"bet {spread} away 50")
    assert "Bet placed" in await c.say(f"confirm {await c.last_quote(out)}")

    advanced = await c.say(":advance 1d2h")  # past Thursday's kickoffs
    assert "locked" in advanced
    assert "locked at" in await c.say(f"bet {ml} home 10")
    out = await c.say(f"bet {spread} away 10")  # GB's game has not kicked off
    assert "Bet slip #" in out

    advanced = await c.say(":advance 6d")
    assert "Week 12 is settled" in advanced
    async with c.runtime.db.read() as session:
        bets = (await session.scalars(select(Bet).order_by(Bet.id))).all()
    assert [b.status for b in bets] != [] and all(b.status in ("won", "lost", "push") for b in bets)
    mine = await c.say("mybets")
    assert "DET vs CHI" in mine and "GB vs PHI" in mine
    stats = await c.say("stats")
    assert "Moneyline" in stats and "Spread" in stats and "CLV" in stats
