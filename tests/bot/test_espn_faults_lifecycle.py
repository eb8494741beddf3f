"""ESPN trouble, as the commissioner and the league see it: plain words, nothing half-done."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from adapters.espn.client import EspnClient
from bot.app import provider_factory, season_detector
from commands.clock import ManualClock
from commands.context import Invocation, Services
from commands.dispatch import dispatch
from commands.replies import Tone
from commands.services.lifecycle import FAILURES_BEFORE_NOTICE, run_due
from storage.models import Bet, League, LedgerEntry, Market, OutboxMessage
from tests.book import Book
from tests.fakes.espn_fake import FakeEspn
from tests.fakes.espn_season import SeasonSim


def boss(key: str) -> Invocation:
    return Invocation("discord", "guild-9", "boss", "boss", key, True, "chan")


async def no_wait(_seconds: float) -> None:
    return None


def client_for(fake: FakeEspn) -> EspnClient:
    return EspnClient(fake.fantasy_base, fake.site_base, cache_ttl=0, retries=1, timeout=0.2, sleep=no_wait)


async def test_setup_explains_each_fault_and_writes_nothing(db):
    private = SeasonSim(71, 2026, private=True)
    clock = ManualClock(private.first_kickoff - timedelta(days=2))
    book = Book(db, clock)
    async with FakeEspn(now=clock.now) as fake:
        fake.add_league(private)
        client = client_for(fake)
        services = Services(
            db, clock, provider_factory(clock, client), detect_season=season_detector(clock, client)
        )

        async def setup(key: str, **args: str):
            return await dispatch(services, boss(key), "setup", {"league": "71", "season": "2026", **args})

        before = await book.snapshot()
        cases = {
            "no cookies": ({}, "private"),
            "expired cookies": (
                {"espn_s2": "AEBexpired0000000000", "swid": "{00000000-0000-0000-0000-000000000000}"},
                "cookies",
            ),
        }
        for key, (args, word) in cases.items():
            reply = await setup(key, **args)
            assert reply.tone is Tone.ERROR and word in reply.text.lower(), reply.text
            assert "AEBexpired" not in reply.text
        wrong = await dispatch(services, boss("wrong"), "setup", {"league": "999999", "season": "2026"})
        assert wrong.tone is Tone.ERROR and "999999" in wrong.text
        for fault in ("down", "slow", "truncated"):
            fake.fault = fault
            reply = await setup(fault, espn_s2=private.espn_s2, swid=private.swid)
            assert reply.tone is Tone.ERROR and "run `setup` again" in reply.text, (fault, reply.text)
        assert await book.snapshot() == before
        fake.fault = None
        ok = await setup("ok", espn_s2=private.espn_s2, swid=private.swid)
        assert ok.tone is Tone.SUCCESS, ok.text
        assert private.espn_s2 not in ok.text
        await client.aclose()


async def test_persistent_sync_failure_is_posted_once_and_prices_nothing(db):
    sim = SeasonSim(72, 2026)
    clock = ManualClock(sim.first_kickoff - timedelta(hours=30))  # Wednesday: lines are due
    async with FakeEspn(now=clock.now) as fake:
        fake.add_league(sim)
        client = client_for(fake)
        services = Services(
            db, clock, provider_factory(clock, client), detect_season=season_detector(clock, client)
        )
        assert (await dispatch(services, boss("setup"), "setup", {"league": "72"})).tone is Tone.SUCCESS
        fake.fault = "down"
        for _ in range(FAILURES_BEFORE_NOTICE + 2):
            async with db.read() as session:
                league = await session.scalar(select(League))
            report = await run_due(services, league)
            assert report.sync_error is not None and report.sync_error.kind == "unavailable"
            clock.advance(timedelta(minutes=10))
        async with db.read() as session:
            league = await session.scalar(select(League))
            notices = (
                await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "sync_error"))
            ).all()
            markets = await session.scalar(select(func.count()).select_from(Market))
        assert league.sync_failures == FAILURES_BEFORE_NOTICE + 2 and league.last_sync_error == "unavailable"
        assert len(notices) == 1 and "Nothing is priced or settled" in notices[0].payload["text"]
        assert markets == 0
        fake.fault = None
        report = await run_due(services, league)
        assert report.sync_error is None and report.sync.opened
        async with db.read() as session:
            league = await session.scalar(select(League))
        assert league.sync_failures == 0 and league.last_sync_error is None
        await client.aclose()


async def test_a_scoreboard_outage_mid_week_settles_nothing_early(db):
    sim = SeasonSim(73, 2026)
    clock = ManualClock(sim.first_kickoff - timedelta(hours=30))
    async with FakeEspn(now=clock.now) as fake:
        fake.add_league(sim)
        client = client_for(fake)
        services = Services(
            db, clock, provider_factory(clock, client), detect_season=season_detector(clock, client)
        )
        await dispatch(services, boss("setup"), "setup", {"league": "73"})
        async with db.read() as session:
            league = await session.scalar(select(League))
        await run_due(services, league)
        clock.set(sim.end_of_matchup(1) + timedelta(days=1))  # Tuesday after week 1: all final
        fake.fault, fake.fault_match = "truncated", "scoreboard"
        report = await run_due(services, league)
        assert report.sync_error is not None and not report.settled
        fake.fault = None
        report = await run_due(services, league)
        assert report.sync.went_final
        await client.aclose()


def member(user: str, key: str) -> Invocation:
    return Invocation("discord", "guild-9", user, user, key, False, "chan")


async def test_espn_failing_during_the_commissioners_settle_settles_nothing_then_pays_once(db):
    sim = SeasonSim(74, 2026)
    clock = ManualClock(sim.first_kickoff - timedelta(hours=30))
    async with FakeEspn(now=clock.now) as fake:
        fake.add_league(sim)
        client = client_for(fake)
        services = Services(
            db, clock, provider_factory(clock, client), detect_season=season_detector(clock, client)
        )
        assert (await dispatch(services, boss("setup"), "setup", {"league": "74"})).tone is Tone.SUCCESS
        async with db.read() as session:
            league = await session.scalar(select(League))
        await run_due(services, league)  # lines go up
        async with db.read() as session:
            market = await session.scalar(
                select(Market.number).where(Market.kind == "moneyline").order_by(Market.id).limit(1)
            )
        for n, (user, pick) in enumerate((("ann", "home"), ("bo", "away"), ("cy", "home"))):
            slip = await dispatch(
                services, member(user, f"q{n}"), "bet", {"market": market, "pick": pick, "stake": 40}
            )
            assert slip.cards, slip.text
            quote = int(slip.cards[0].title.split("#")[1])
            placed = await dispatch(services, member(user, f"c{n}"), "confirm", {"quote": quote})
            assert placed.tone is Tone.SUCCESS, placed.text
        clock.set(sim.end_of_matchup(1) + timedelta(days=1))
        await dispatch(services, boss("join"), "balance", {})  # the commissioner's first grant, before
        for fault, match in (("down", None), ("truncated", "scoreboard"), ("slow", None)):
            fake.fault, fake.fault_match = fault, match
            before = await Book(db, clock).snapshot()
            reply = await dispatch(services, boss(f"settle-{fault}"), "settle", {})
            assert reply.tone is Tone.ERROR and "something went wrong" not in reply.text, (fault, reply.text)
            assert await Book(db, clock).snapshot() == before, fault  # nothing settled from partial data
        fake.fault = fake.fault_match = None
        settled = await dispatch(services, boss("settle-ok"), "settle", {})
        assert settled.tone is not Tone.ERROR, settled.text
        again = await dispatch(services, boss("settle-again"), "settle", {})
        assert again.tone is Tone.ERROR, again.text  # nothing left to settle: week 1 is done, week 2 open
        async with db.read() as session:
            paid = (
                await session.execute(
                    select(LedgerEntry.bet_id, func.count())
                    .where(LedgerEntry.kind.in_(("payout", "refund")))
                    .group_by(LedgerEntry.bet_id)
                )
            ).all()
            winners = await session.scalar(
                select(func.count()).select_from(Bet).where(Bet.payout > 0, Bet.status != "open")
            )
        assert all(count == 1 for _bet, count in paid) and len(paid) == winners
        await client.aclose()
