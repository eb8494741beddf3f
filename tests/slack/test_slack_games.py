"""A week of NFL game bets over Slack: signed requests to the real bolt app, the fake Slack API.

Placed with the board's buttons, refused once the game kicked off, settled from the final
score with closing-line value measured against the game's close.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from commands.services.lifecycle import run_due
from storage.models import Bet, League, Market, NflGame

THURSDAY_KICKOFF = datetime(2026, 11, 26, 17, 30, tzinfo=UTC)  # DET vs CHI


async def due(services) -> None:
    async with services.db.read() as session:
        league = (await session.scalars(select(League))).one()
    await run_due(services, league)


async def test_a_week_of_game_bets_over_slack(slack, services, clock):
    turned_on = await slack.command("config set nfl_games on", user="UADMIN")
    assert "nfl_games" in turned_on.text
    clock.advance(timedelta(minutes=5))
    await due(services)

    board = await slack.command("games")
    assert board.last["response_type"] == "in_channel"
    assert "CHI @ DET" in board.text and "fair chances" in board.text

    detail = await slack.command("odds det")
    assert "Chicago Bears at Detroit Lions" in detail.text
    prompt = await slack.click(detail.button("Detroit Lions"))
    slip = await slack.click(prompt.button("10%"))
    assert "Bet slip #" in slip.text and "100 credits" in slip.text
    assert "Bet placed" in (await slack.click(slip.button("Confirm"))).text
    async with services.db.read() as session:
        total = await session.scalar(
            select(Market.id).join(NflGame).where(NflGame.home == "DET", Market.kind == "total")
        )
    typed = await slack.command(f"bet {total} under 50")
    assert "Bet placed" in (await slack.click(typed.button("Confirm"))).text
    assert await slack.bets() == 2

    # the line moves before kickoff; at kickoff the game locks, sync or not
    clock.set(THURSDAY_KICKOFF - timedelta(hours=1))
    await due(services)
    clock.set(THURSDAY_KICKOFF)
    refused = await slack.command(f"bet {total} over 10")
    assert ":warning:" in refused.text and "locked" in refused.text
    assert await slack.bets() == 2

    clock.advance(timedelta(days=6))
    await due(services)
    async with services.db.read() as session:
        game = await session.scalar(select(NflGame).where(NflGame.home == "DET"))
        bets = (await session.scalars(select(Bet).order_by(Bet.id))).all()
    assert game.completed and all(b.status in ("won", "lost", "push") for b in bets)
    mine = await slack.command("mybets")
    assert "Detroit Lions" in mine.text and "DET vs CHI" in mine.text
    stats = await slack.command("stats")
    assert "CLV" in stats.text
    moneyline_row = next(line for line in stats.text.splitlines() if line.startswith("Moneyline"))
    assert moneyline_row.rstrip().endswith("%")  # measured against the game's close
