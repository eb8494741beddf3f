"""A 14-team recap fits Discord and Slack by splitting, and every row survives the split."""

from __future__ import annotations

import pytest

from adapters.discord.render import render as discord_render
from adapters.slack.blocks import MAX_BLOCKS, MAX_TEXT
from adapters.slack.blocks import render as slack_render
from commands.recap import awards_card, bets_card, results_table
from commands.replies import Image, Reply, Tone
from commands.services.standings import Standing
from commands.views import leaderboard
from engine.awards import Game, LineupEfficiency, SettledBet, TeamScore, bet_awards, fantasy_awards
from storage.models import Week
from tests.discord.test_discord_render import check_limits, everything


def big_recap(name_length: int) -> tuple[Reply, list[str]]:
    """A 14-team, 14-member recap; names padded to `name_length` characters."""
    teams = [f"Team {i:02d} ".ljust(name_length, "x") for i in range(14)]
    members = [f"member {i:02d} ".ljust(name_length, "y") for i in range(14)]
    games = [
        Game(TeamScore(teams[i], 100.0 + i * 3.25), TeamScore(teams[i + 1], 98.5 + i * 2.5))
        for i in range(0, 14, 2)
    ]
    bets = [
        SettledBet(
            i, members[i], f"{teams[i]} moneyline", 100, 150 + i * 10, 0.4, "won" if i % 2 else "lost", 250
        )
        for i in range(14)
    ]
    rows = [Standing(i, members[i], 1000 + i, 50 * i - 300, i, 14 - i, 1, 0) for i in range(14)]
    fantasy = fantasy_awards(games, [LineupEfficiency(t, 100.0, 120.0 + i) for i, t in enumerate(teams)])
    week = Week(matchup_period=7, season=2026)
    reply = Reply(
        text="Week 7 is settled: 14 bets (7 lost, 7 won). Staked 1,400 credits, paid out 1,750 credits.",
        cards=tuple(c for c in (bets_card(bet_awards(bets)), awards_card(fantasy)) if c is not None),
        tables=(
            results_table(week, [(None, g) for g in games]),  # type: ignore[misc]
            *leaderboard("Week 7 leaderboard", rows, week=True).tables,
            *leaderboard("2026 season leaderboard", rows, week=False).tables,
        ),
        images=(Image("chart.png", b"\x89PNG fake", "Season profit"),),
        ephemeral=False,
        tone=Tone.SUCCESS,
    )
    return reply, teams + members


@pytest.mark.parametrize("name_length", [20, 120])
def test_discord_splits_a_big_recap_and_keeps_every_name(name_length: int) -> None:
    reply, names = big_recap(name_length)
    messages = discord_render(reply)
    check_limits(messages)
    text = everything(messages)
    assert all(name in text for name in names)
    assert sum(len(m.images) for m in messages) == 1
    if name_length == 120:  # three 14-row tables of long names cannot share one message
        assert len(messages) > 1


@pytest.mark.parametrize("name_length", [20, 400])
def test_slack_splits_a_big_recap_and_keeps_every_name(name_length: int) -> None:
    reply, names = big_recap(name_length)
    messages = slack_render(reply)
    for message in messages:
        assert len(message.blocks) <= MAX_BLOCKS
        for block in message.blocks:
            if block["type"] == "section" and "text" in block:
                assert len(block["text"]["text"]) <= MAX_TEXT
    text = str([m.blocks for m in messages])
    assert all(name in text for name in names)
    if name_length == 400:  # each table is too long for one section: split over several
        code_sections = [b for m in messages for b in m.blocks if "```" in str(b)]
        assert len(code_sections) > len(reply.tables)
