"""Restarts, double runs and missed runs of the weekly jobs change nothing that matters."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.app import provider_factory
from bot.demo import ensure_demo_league
from bot.scheduler import BookScheduler, sync_interval
from commands.clock import ManualClock
from commands.context import Invocation, Services
from commands.dispatch import dispatch
from commands.outbox import OutboxLoop
from commands.replies import Tone
from storage.database import Database
from storage.migrate import upgrade_to_head
from storage.models import Bet, LedgerEntry, Member, OutboxMessage, Week
from tests.outbox_callbacks import Callbacks

EASTERN = ZoneInfo("America/New_York")


def et(day: int, hour: int, minute: int = 0) -> datetime:
    """A local time in the demo week (Nov 24 - Dec 4, 2026) as a UTC instant."""
    month = 11 if day > 15 else 12
    return datetime(2026, month, day, hour, minute, tzinfo=EASTERN).astimezone(UTC)


# Every instant at which some job has something new to do in the demo week.
BOUNDARIES = [
    et(24, 12),  # Tuesday before: the week is known, its lines are not open
    et(25, 10),  # Wednesday 10:00: lines open, allowances granted
    et(25, 11),  # bets go in
    et(26, 12, 30),  # Thanksgiving kickoff: the first markets lock
    et(26, 16, 30),
    et(26, 20, 20),
    et(29, 13),  # Sunday
    et(29, 16, 25),
    et(29, 20, 20),
    et(30, 20, 15),  # Monday night
    et(1, 1),  # Tuesday 01:00: every game final
    et(1, 9),  # Tuesday 09:00: settle
    et(2, 12),  # inside the stat-correction window
    et(4, 12),  # after it closed
]
BETS_AT = et(25, 11)


class Process:
    """One bot process: its own engine, services and scheduler on the shared database file."""

    def __init__(self, url: str, clock: ManualClock) -> None:
        self.db = Database(url)
        self.clock = clock
        self.services = Services(self.db, clock, provider_factory(clock))
        self.scheduler = BookScheduler(self.services, ["console"])

    async def start(self) -> None:
        await upgrade_to_head(self.db)
        await ensure_demo_league(self.db, "demo", self.clock.now())

    async def stop(self) -> None:
        await self.db.dispose()


async def place_bets(services: Services) -> None:
    for index, (user, pick) in enumerate((("alex", "home"), ("blake", "away"), ("casey", "over"))):
        inv = Invocation("console", "demo", user, user, f"bet-{user}")
        market = 1 if pick != "over" else 3
        slip = await dispatch(services, inv, "bet", {"market": market, "pick": pick, "stake": 100 + index})
        quote = int(slip.cards[0].title.split("#")[1])
        placed = await dispatch(
            services, Invocation("console", "demo", user, user, f"ok-{user}"), "confirm", {"quote": quote}
        )
        assert placed.tone is Tone.SUCCESS, placed.text


async def run_week(tmp_path, name: str, *, restart: bool, double: bool, skip: set[int]) -> dict:
    url = f"sqlite+aiosqlite:///{tmp_path / name}.db"
    clock = ManualClock(BOUNDARIES[0])
    sent: list[int] = []
    edits: list[int] = []
    process = Process(url, clock)
    await process.start()

    async def deliver(p: Process) -> None:
        async with p.db.read() as session:
            pending = {
                m.id: m.message_ref
                for m in (
                    await session.scalars(select(OutboxMessage).where(OutboxMessage.status == "pending"))
                ).all()
            }
        order = iter(sorted(pending))

        async def send(league, reply):
            message_id = next(order)
            sent.append(message_id)
            return f"msg-{message_id}"

        async def edit(league, ref, reply):
            edits.append(int(ref.split("-")[1]))
            next(order)

        await OutboxLoop(p.db, clock, Callbacks(send, edit)).deliver_posts()

    for index, instant in enumerate(BOUNDARIES):
        if index in skip:
            continue  # the process was down through this boundary
        clock.set(instant)
        if restart:
            await process.stop()
            process = Process(url, clock)
            await process.start()
        for _ in range(2 if double else 1):
            await process.scheduler.tick()
        if instant == BETS_AT:
            await place_bets(process.services)
        await deliver(process)
    async with process.db.read() as session:
        bets = sorted((b.member_id, b.status, b.payout) for b in (await session.scalars(select(Bet))).all())
        ledger = sorted(
            (e.member_id, e.kind, e.amount) for e in (await session.scalars(select(LedgerEntry))).all()
        )
        balances = {m.user_id: m.balance for m in (await session.scalars(select(Member))).all()}
        total = await session.scalar(select(func.sum(LedgerEntry.amount)))
        posts = await session.scalar(select(func.count()).select_from(OutboxMessage))
        weeks = (await session.scalars(select(Week.status))).all()
    await process.stop()
    return {
        "bets": bets,
        "ledger": ledger,
        "balances": balances,
        "total": total,
        "posts": posts,
        "sent": sent,
        "edits": edits,
        "weeks": weeks,
    }


async def test_restarts_double_runs_and_downtime_change_nothing(tmp_path):
    reference = await run_week(tmp_path, "reference", restart=False, double=False, skip=set())
    assert reference["weeks"] == ["settled"]
    assert len(reference["bets"]) == 3 and all(
        status in ("won", "lost", "push") for _, status, _ in reference["bets"]
    )
    assert sum(reference["balances"].values()) == reference["total"]
    assert all(count == 1 for count in Counter(reference["sent"]).values())
    assert len(reference["sent"]) == reference["posts"]  # every post delivered, each once
    assert reference["edits"]  # the lines board was edited in place when markets locked

    for name, kwargs in {
        "restart-everywhere": {"restart": True, "double": False, "skip": set()},
        "double-runs": {"restart": True, "double": True, "skip": set()},
        "down-through-kickoffs": {"restart": True, "double": False, "skip": {3, 4, 5, 6, 7, 8, 9}},
        "down-through-settlement": {"restart": True, "double": True, "skip": {10, 11}},
    }.items():
        run = await run_week(tmp_path, name, **kwargs)
        assert run["bets"] == reference["bets"], name
        assert run["ledger"] == reference["ledger"], name
        assert run["balances"] == reference["balances"], name
        assert all(count == 1 for count in Counter(run["sent"]).values()), name
        assert len(run["sent"]) == run["posts"] == reference["posts"], name


def test_sync_is_frequent_only_while_games_are_on():
    week = Week(first_kickoff=et(26, 12, 30), last_kickoff=et(30, 20, 15))
    assert sync_interval([week], et(25, 12)).total_seconds() == 3600
    assert sync_interval([week], et(29, 14)).total_seconds() == 300
    assert sync_interval([week], et(2, 12)).total_seconds() == 3600


async def test_scheduler_registers_its_tick_on_apscheduler(tmp_path):
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 's.db'}")
    scheduler = BookScheduler(
        Services(db, ManualClock(BOUNDARIES[0]), provider_factory(ManualClock(BOUNDARIES[0]))),
        ["discord"],
        tick_seconds=3600,
    )
    scheduler.start()
    try:
        assert scheduler.jobs == ["tick"]
    finally:
        await scheduler.stop()
        await db.dispose()
