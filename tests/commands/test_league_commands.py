"""setup, link, claim, channel, sync, scoreboard and standings through the command layer."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import func, select

from adapters.espn.demo.provider import DEMO_WEEK_START, DemoLeagueProvider
from commands.clock import ManualClock
from commands.context import Invocation, Services
from commands.dispatch import dispatch
from commands.provider import ProviderError
from commands.replies import Tone
from storage.models import AuditLog, League, Member, OutboxMessage, Team
from tests.book import Book

S2 = "AEB-secret-espn-s2-cookie-0123456789"
SWID = "{11111111-2222-3333-4444-555555555555}"


class Failing:
    def __init__(self, error: ProviderError) -> None:
        self.error = error

    async def fetch_league(self):
        raise self.error

    async def fetch_week(self, matchup_period):
        raise self.error


def services_for(db, clock, *, fail: ProviderError | None = None) -> Services:
    async def detect(league_id, s2, swid):
        if fail is not None:
            raise fail
        return 2026

    return Services(
        db,
        clock,
        lambda league: Failing(fail) if fail else DemoLeagueProvider(clock.now),
        detect_season=detect,
    )


def discord(user: str, *, admin: bool = False, channel: str = "c-1") -> Invocation:
    return Invocation("discord", "guild-1", user, user, f"i-{user}-{admin}-{channel}", admin, channel)


async def test_setup_links_a_private_league_without_echoing_cookies(db, caplog):
    from bot.logging_setup import DRIVER_LOGGERS

    caplog.set_level(logging.DEBUG)
    for name in DRIVER_LOGGERS:  # as configure_logging leaves them (tests/bot checks that)
        logging.getLogger(name).setLevel(logging.INFO)
    services = services_for(db, ManualClock(DEMO_WEEK_START))
    reply = await dispatch(
        services, discord("boss", admin=True), "setup", {"league": "1234567", "espn_s2": S2, "swid": SWID}
    )
    assert reply.tone is Tone.SUCCESS, reply.text
    assert "Sidebet Demo League (2026, 10 teams)" in reply.text and "never shown" in reply.text
    assert len(reply.tables[0].rows) == 10
    text = repr(reply) + caplog.text
    async with db.read() as session:
        league = await session.scalar(select(League))
        audit_rows = (await session.scalars(select(AuditLog))).all()
    text += repr([a.detail for a in audit_rows])
    assert S2 not in text and SWID not in text
    assert league.espn_s2 == S2 and league.espn_swid == SWID and league.channel_id == "c-1"
    assert league.season == 2026 and league.source == "espn"


async def test_setup_refusals_write_nothing(db):
    clock = ManualClock(DEMO_WEEK_START)
    book = Book(db, clock)
    private = ProviderError(
        "private", "This ESPN league is private. Run setup with your cookies.", retryable=False
    )
    cases = [
        (services_for(db, clock), discord("pleb"), {"league": "1"}, "commissioners only"),
        (
            services_for(db, clock),
            discord("boss", admin=True),
            {"league": "1", "espn_s2": S2},
            "both cookies",
        ),
        (services_for(db, clock), discord("boss", admin=True), {"league": "abc"}, "digits only"),
        (services_for(db, clock, fail=private), discord("boss", admin=True), {"league": "9"}, "is private"),
    ]
    before = await book.snapshot()
    for services, invocation, args, fragment in cases:
        reply = await dispatch(services, invocation, "setup", args)
        assert reply.tone is Tone.ERROR and fragment in reply.text, reply.text
        assert S2 not in reply.text
    assert await book.snapshot() == before


async def test_link_claim_channel_and_read_only_views(db):
    clock = ManualClock(DEMO_WEEK_START)
    services = services_for(db, clock)
    await dispatch(services, discord("boss", admin=True), "setup", {"league": "1234567", "season": "2026"})
    assert (
        "Synced week 12 of 2026" in (await dispatch(services, discord("boss", admin=True), "sync", {})).text
    )
    claim = await dispatch(services, discord("blake"), "claim", {"team": "gg"})
    assert claim.tone is Tone.SUCCESS
    assert "no team 'zzz'" in (await dispatch(services, discord("blake"), "claim", {"team": "zzz"})).text
    linked = await dispatch(services, discord("boss", admin=True), "link", {"member": "blake", "team": "GG"})
    assert "blake now owns Gridiron Gurus" in linked.text
    moved = await dispatch(services, discord("boss", admin=True, channel="c-2"), "channel", {})
    assert moved.tone is Tone.SUCCESS
    async with db.read() as session:
        blake = await session.scalar(select(Member).where(Member.user_id == "blake"))
        team = await session.get(Team, blake.team_id)
        league = await session.scalar(select(League))
        claims = await session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "claim")
        )
    assert (
        team.abbrev == "GG" and blake.claimed_team_id is None and league.channel_id == "c-2" and claims == 1
    )

    board = await dispatch(services, discord("blake"), "scoreboard", {})
    assert len(board.tables[0].rows) == 5 and not board.ephemeral
    assert "0.0 - 0.0" in board.tables[0].rows[0][1]  # nothing played yet
    clock.advance(timedelta(days=7))
    await dispatch(services, discord("boss", admin=True), "sync", {})
    final = await dispatch(services, discord("blake"), "scoreboard", {})
    for row in final.tables[0].rows:
        matchup, score, projected, chance = row
        assert score == projected  # all played: the projection is the score
        # A finished game shows its result, not ">99% / <1%".
        home, away = matchup.split(" vs ")
        home_score, away_score = (float(x) for x in score.split(" - "))
        assert chance == f"Final: {home if home_score > away_score else away} won", row
    table = await dispatch(services, discord("blake"), "standings", {})
    assert len(table.tables[0].rows) == 10


async def test_sync_failure_is_reported_in_plain_words(db):
    clock = ManualClock(DEMO_WEEK_START)
    ok = services_for(db, clock)
    await dispatch(ok, discord("boss", admin=True), "setup", {"league": "1234567", "season": "2026"})
    down = ProviderError(
        "unavailable", "ESPN is not answering right now; Sidebet will retry.", retryable=True
    )
    broken = services_for(db, clock, fail=down)
    reply = await dispatch(broken, discord("boss", admin=True), "sync", {})
    assert reply.tone is Tone.ERROR and "not answering" in reply.text
