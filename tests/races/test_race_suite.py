"""Bot processes racing on one PostgreSQL schema: settle, void, cancel, config, sync, bets.

Three real OS processes (tests/races/race_child.py), each with its own Database, run the
product's commands and jobs against one league while this test drives the interleavings:
a seeded list of trials, each starting from one of three saved states of the demo week (the
week open with bets and unconfirmed slips; the week final, due to settle; the week settled
on scores ESPN has since corrected), picking two or three operations and how they meet:

- `together`: all started at once, nothing held;
- a row lock held by the test (every member's row, the moneyline's market row, or the
  league row): the operations are started one by one in the drawn order, each once the
  previous one is waiting for a lock (pg_stat_activity) or done, then the lock is let go,
  so each one meets the others' work half done, in an order the seed fixes;
- `lease`: the league's job lease held by another process, so the scheduler's jobs and the
  commissioner's `settle` and `sync` must stand aside.

After each trial the books are checked: Book.money_faults (per bet, per selection, no open
bet on a settled or void market, credits in = credits out); no command failed inside;
every ledger and outbox key used once; the week settled by exactly one of the operations,
stamped with that operation's time; no more correction notices (or correction DMs per
member) than there were corrections from ESPN; every reply that said done is what the rows
say (a cancelled bet is cancelled, a voided one void, a bet placed while its market was
voided void too), with one void notice per voided market and one audit entry per admin
change; both `config set`s kept (two settings changed at once, an admin removed while
another setting changes); and under a held lease, nothing that must respect it ran.

On the main before the fixes of "one runner per league, fresh rows, one setting at a time"
(e4e4495) this broke on `config set` (a setting lost) and on `sync` (run beside the
scheduler without the lease: the week "settled" twice, re-stamped).

The count of interleavings tried is printed in the run's summary (tests/race_report.py).
SIDEBET_RACE_TRIALS and SIDEBET_RACE_SEED change how many and which.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import re
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text, update

from commands.league_settings import LeagueSettings
from commands.services.lifecycle import recap_due, settle_due
from storage import leases
from storage.database import Database
from storage.models import Base, Bet, League, Market, Matchup, Member, OutboxMessage, Week
from tests.book import Book
from tests.commands.test_week_lifecycle import MONDAY_GAME_OVER, SETTLE_TIME
from tests.conftest import make_database
from tests.lock_waits import WAIT_SECONDS
from tests.race_report import report_races

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
TRIALS = int(os.environ.get("SIDEBET_RACE_TRIALS", "60"))
SEED = int(os.environ.get("SIDEBET_RACE_SEED", "20261201"))
PROCESSES = 3
INTERNAL_ERROR = "something went wrong on our side"
TABLES = [table.name for table in Base.metadata.sorted_tables]


# --- the bot processes ------------------------------------------------------------------------
class Child:
    """A race_child process: requests in on stdin, answers out on stdout."""

    def __init__(self, schema: str, label: str, log: Path) -> None:
        self.schema, self.label, self.log = schema, label, log
        self.answers: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.requests = 0

    async def start(self) -> None:
        self.stderr = self.log.open("wb")
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.races.race_child",
            self.schema,
            self.label,
            cwd=ROOT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=self.stderr,
        )
        assert self.process.stdout is not None
        ready = await asyncio.wait_for(self.process.stdout.readline(), WAIT_SECONDS)
        assert json.loads(ready or b"{}").get("ready") == self.label, self._log_tail()
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.process.stdout is not None
        while line := await self.process.stdout.readline():
            try:
                answer = json.loads(line)
            except json.JSONDecodeError:
                continue  # something else printed: not an answer
            self.answers.pop(answer["id"]).set_result(answer)
        for future in self.answers.values():
            future.set_exception(AssertionError(f"{self.label} died: {self._log_tail()}"))

    def send(self, request: dict[str, Any]) -> asyncio.Future[dict[str, Any]]:
        assert self.process.stdin is not None
        self.requests += 1
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.answers[self.requests] = future
        self.process.stdin.write(json.dumps({"id": self.requests, **request}).encode() + b"\n")
        return future

    def _log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    async def stop(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            await asyncio.wait_for(self.process.wait(), 30)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
        # The reader ends at the pipe's end, so the pipes are closed before the event loop is.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.reader, 10)
        self.stderr.close()


# --- the saved states -------------------------------------------------------------------------
Request = Callable[[datetime], dict[str, Any]]


@dataclass
class Scenario:
    name: str
    now: datetime  # operation i runs at now + i seconds (each its own time, to tell them apart)
    ops: dict[str, Request]
    corrections: int  # correction notices ESPN's data can cause from this state
    settles: bool  # whether the week is due to settle in this state
    facts: dict[str, Any] = field(default_factory=dict)
    targets: dict[str, int] = field(default_factory=dict)  # the bet each bet command names


def command(user: str, name: str, *, admin: bool = False, **args: Any) -> Request:
    return lambda now: {
        "op": "command",
        "now": now.isoformat(),
        "user": user,
        "name": name,
        "admin": admin,
        "args": args,
    }


def job(op: str, league_id: int) -> Request:
    return lambda now: {"op": op, "now": now.isoformat(), "league": league_id}


async def save(db: Database, name: str) -> None:
    async with db.engine.begin() as conn:
        for table in TABLES:
            await conn.execute(text(f"CREATE TABLE snap_{name}_{table} AS TABLE {table}"))


async def restore(db: Database, name: str) -> None:
    """Put every table back as saved, in one round trip (ids keep counting up: none is reused)."""
    script = "".join(f"DELETE FROM {table};" for table in reversed(TABLES)) + "".join(
        f"INSERT INTO {table} SELECT * FROM snap_{name}_{table};" for table in TABLES
    )
    async with db.engine.begin() as conn:
        raw = await conn.get_raw_connection()
        await raw.driver_connection.execute(script)  # asyncpg: a script of statements, no parameters


def bet_number(reply_text: str) -> int:
    assert reply_text.startswith("Bet placed"), reply_text
    return int(reply_text.split("#")[1].split(",")[0])


async def build(book: Book) -> dict[str, Scenario]:
    """The demo week with bets from four members, saved at three moments."""
    db = book.db
    await book.open()
    league_id = book.league_id
    # recap off: settling posts the plain results, not the chart (matplotlib costs a trial more
    # than the rest of it); tickets on: every placed bet queues its post too.
    for setting, value in (("recap", "off"), ("admins", "carol,dave"), ("public_tickets", "on")):
        reply = await book.run("boss", "config set", admin=True, setting=setting, value=value)
        assert reply.tone.value == "success", reply.text
    for user in ("alex", "blake"):  # their results come by DM too: one per settlement, per correction
        assert (await book.run(user, "notify", dms="on")).tone.value == "success"
    ml0, sp0, tot0, ml1 = (
        await book.market_number("moneyline", 0),
        await book.market_number("spread", 0),
        await book.market_number("total", 0),
        await book.market_number("moneyline", 1),
    )
    # Every other market is taken off (voided before any bet, as the state machine's league
    # is): a settlement, and every re-grade pass after it, then reads four markets, not the
    # week's 115. What each does per market is unchanged.
    async with db.write() as session:
        await session.execute(
            update(Market).where(Market.number.not_in((ml0, sp0, tot0, ml1))).values(status="void")
        )
    bets: dict[str, int] = {}
    for user, market, pick, stake in (
        ("alex", ml0, "home", 100),
        ("blake", ml0, "away", 100),
        ("casey", ml0, "home", 60),
        ("drew", ml0, "away", 60),
        ("alex", sp0, "home", 50),
        ("blake", tot0, "over", 40),
        ("casey", ml1, "away", 80),
    ):
        bets[f"{user}:{market}"] = bet_number((await book.place(user, market, pick, stake)).text)
    slips = {
        user: await book.slip_number(await book.run(user, "bet", market=ml0, pick=pick, stake=50))
        for user, pick in (("erin", "home"), ("frank", "away"))
    }
    await _synced_long_ago(db, league_id, book.clock.now())
    await save(db, "open")
    open_at = book.clock.now() + timedelta(seconds=1)  # the slips (60 s) still good for every op
    balance = await book.balance("alex")
    config = {
        "config margin": command("boss", "config set", admin=True, setting="margin_pct", value="6"),
        "config admins": command("boss", "config set", admin=True, setting="admins", value="carol"),
    }
    scenarios = {
        "open": Scenario(
            "open",
            open_at,
            {
                "confirm erin": command("erin", "confirm", quote=slips["erin"]),
                "confirm frank": command("frank", "confirm", quote=slips["frank"]),
                "cancel": command("alex", "cancel", bet=bets[f"alex:{ml0}"]),
                "void bet": command("boss", "void bet", admin=True, bet=bets[f"alex:{ml0}"], reason="race"),
                "void market": command("boss", "void market", admin=True, market=ml0, reason="race"),
                "adjust": command(
                    "boss", "adjust", admin=True, member="alex", amount=10 - balance, reason="race"
                ),
                "sync": command("boss", "sync", admin=True),
                "tick": job("tick", league_id),
                **config,
            },
            corrections=0,
            settles=False,
            targets={"cancel": bets[f"alex:{ml0}"], "void bet": bets[f"alex:{ml0}"]},
        )
    }
    # The week's games are over: final, due to settle at SETTLE_TIME.
    book.clock.set(MONDAY_GAME_OVER)
    report = await book.due()
    assert report.sync is not None and report.sync.went_final and not report.settled
    await _synced_long_ago(db, league_id, SETTLE_TIME)
    await save(db, "final")
    final_ops = {
        "tick": job("tick", league_id),
        "settle job": job("settle_job", league_id),
        "settle": command("boss", "settle", admin=True),
        "sync": command("boss", "sync", admin=True),
        "void market": command("boss", "void market", admin=True, market=ml0, reason="race"),
        "void bet": command("boss", "void bet", admin=True, bet=bets[f"blake:{ml0}"], reason="race"),
        "adjust": command("boss", "adjust", admin=True, member="casey", amount=-100, reason="race"),
        **config,
    }
    scenarios["final"] = Scenario(
        "final",
        SETTLE_TIME,
        final_ops,
        corrections=0,
        settles=True,
        targets={"void bet": bets[f"blake:{ml0}"]},
    )
    # Settled on scores ESPN then corrects: matchup 0's swapped, so its moneyline was paid to
    # the wrong side, and the next sync brings the right scores (a regrade).
    async with db.write() as session:
        matchup_id = await session.scalar(select(Market.matchup_id).where(Market.number == ml0))
        matchup = await session.get(Matchup, matchup_id)
        assert matchup is not None
        await session.execute(
            update(Matchup)
            .where(Matchup.id == matchup_id)
            .values(home_score=matchup.away_score, away_score=matchup.home_score)
        )
    league = await book.league()
    assert await settle_due(db, league, SETTLE_TIME)
    await recap_due(db, league, SETTLE_TIME)
    async with db.read() as session:
        winner = await session.scalar(
            select(Bet.number)
            .join(Market, Market.id == Bet.market_id)
            .where(Market.number == ml0, Bet.status == "won")
            .order_by(Bet.number)
            .limit(1)
        )
        assert winner is not None
        rich = await session.get(
            Member, await session.scalar(select(Bet.member_id).where(Bet.number == winner))
        )
    assert rich is not None
    await save(db, "corrected")
    scenarios["corrected"] = Scenario(
        "corrected",
        SETTLE_TIME + timedelta(hours=2),
        {
            "tick": job("tick", league_id),
            "sync": command("boss", "sync", admin=True),
            "settle": command("boss", "settle", admin=True),
            "void bet": command("boss", "void bet", admin=True, bet=winner, reason="race"),
            "void market": command("boss", "void market", admin=True, market=ml0, reason="race"),
            # What the winner was paid, spent before the correction can take it back.
            "spend": command(
                "boss", "adjust", admin=True, member=rich.user_id, amount=5 - rich.balance, reason="spent"
            ),
            **config,
        },
        corrections=1,
        settles=False,
        targets={"void bet": winner},
    )
    for scenario in scenarios.values():
        scenario.facts = {"league": league_id, "ml0": ml0}
    return scenarios


async def _synced_long_ago(db: Database, league_id: int, now: datetime) -> None:
    """So the scheduler's tick syncs too, as it would after an hour without one."""
    async with db.write() as session:
        await session.execute(
            update(League).where(League.id == league_id).values(last_synced_at=now - timedelta(hours=2))
        )


# --- one trial ----------------------------------------------------------------------------------
HOLDS = {
    "members": "SELECT id FROM members WHERE league_id = :league ORDER BY id FOR UPDATE",
    "market": "SELECT id FROM markets WHERE id = :ml0 FOR UPDATE",
    "league": "SELECT id FROM leagues WHERE id = :league FOR UPDATE",
}
MODES = ("together", "lease", *HOLDS)


@dataclass(frozen=True)
class Trial:
    number: int
    scenario: str
    ops: tuple[str, ...]  # in the order they are started
    mode: str

    def __str__(self) -> str:
        return f"trial {self.number} [{self.scenario}, {self.mode}]: {' -> '.join(self.ops)}"


# The meetings the suite must try whatever the seed: each pair (in a drawn order, sometimes
# with a third operation) from its state, meeting as named. The rest of the trials are drawn
# at random.
FOCUS = (
    ("open", ("config margin", "config admins"), "league"),
    ("final", ("config admins", "config margin"), "together"),
    ("open", ("cancel", "void bet"), "members"),
    ("open", ("confirm erin", "void market"), "members"),
    ("open", ("confirm frank", "adjust"), "market"),
    ("open", ("void market", "sync"), "market"),
    ("open", ("tick", "sync"), "together"),
    ("final", ("tick", "sync"), "members"),
    ("final", ("settle job", "sync"), "market"),
    ("final", ("settle", "settle job"), "members"),
    ("final", ("settle job", "void market"), "members"),
    ("final", ("tick", "void bet"), "market"),
    ("final", ("settle", "adjust"), "members"),
    ("final", ("sync", "tick"), "lease"),
    ("corrected", ("spend", "tick"), "members"),
    ("corrected", ("tick", "sync"), "members"),
    ("corrected", ("void bet", "tick"), "market"),
    ("corrected", ("void market", "sync"), "market"),
    ("corrected", ("settle", "spend"), "together"),
    ("corrected", ("sync", "settle"), "lease"),
)


def draw(number: int, scenarios: dict[str, Scenario]) -> Trial:
    rng = random.Random(SEED * 1000 + number)
    if number < len(FOCUS):
        name, pair, mode = FOCUS[number]
        ops = list(pair)
        rng.shuffle(ops)
        if rng.random() < 0.5:
            ops.insert(rng.randrange(3), rng.choice(sorted(set(scenarios[name].ops) - set(pair))))
        return Trial(number, name, tuple(ops), mode)
    name = sorted(scenarios)[number % len(scenarios)]
    ops = rng.sample(sorted(scenarios[name].ops), rng.choice((2, 3, 3)))
    return Trial(number, name, tuple(ops), rng.choice(MODES))


async def _waiting(db: Database, label: str) -> bool:
    async with db.read() as session:
        waiting = await session.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = :label "
                "AND wait_event_type = 'Lock'"
            ),
            {"label": label},
        )
    return bool(waiting)


async def parked(db: Database, child: Child, answer: asyncio.Future[dict[str, Any]]) -> None:
    """Until the operation is done or waiting for a lock."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not answer.done() and not await _waiting(db, child.label):
        assert time.monotonic() < deadline, f"{child.label} neither finished nor waited"
        await asyncio.sleep(0.005)


async def audited(db: Database) -> dict[str, int]:
    async with db.read() as session:
        return dict(
            (await session.execute(text("SELECT action, count(*) FROM audit_log GROUP BY action"))).all()
        )


@asynccontextmanager
async def held(db: Database, mode: str, facts: dict[str, Any], now: datetime) -> AsyncIterator[None]:
    if mode == "lease":
        name = leases.league_lease(facts["league"])
        assert await leases.claim(db, name, "another-replica", now, leases.LEAGUE_LEASE_TTL)
        try:
            yield
        finally:
            await leases.release(db, name, "another-replica", now)
        return
    if mode not in HOLDS:
        yield
        return
    async with db.engine.connect() as conn:
        await conn.begin()
        await conn.execute(text(HOLDS[mode]), {k: facts[k] for k in ("league", "ml0")})
        try:
            yield
        finally:
            await conn.rollback()


async def run_trial(
    book: Book, children: list[Child], scenario: Scenario, trial: Trial
) -> dict[str, tuple[datetime, dict[str, Any]]]:
    await restore(book.db, scenario.name)
    scenario.facts["audited"] = await audited(book.db)
    names = sorted(scenario.ops)
    answers: dict[str, tuple[datetime, asyncio.Future[dict[str, Any]]]] = {}
    async with held(book.db, trial.mode, scenario.facts, scenario.now):
        for child, op in zip(children, trial.ops, strict=False):
            now = scenario.now + timedelta(seconds=names.index(op))
            answers[op] = (now, child.send(scenario.ops[op](now)))
            if trial.mode in HOLDS:
                await parked(book.db, child, answers[op][1])
        if trial.mode == "lease":  # they all meet it held
            await asyncio.wait_for(asyncio.gather(*(f for _, f in answers.values())), 4 * WAIT_SECONDS)
    done = await asyncio.wait_for(asyncio.gather(*(f for _, f in answers.values())), 4 * WAIT_SECONDS)
    return {op: (now, answer) for (op, (now, _)), answer in zip(answers.items(), done, strict=True)}


# --- what must hold after it ------------------------------------------------------------------
_SETTLED_WEEKS = re.compile(r"(\d+) weeks? settled")


def settled_by(op: str, answer: dict[str, Any]) -> bool:
    """Whether the operation says it settled the week."""
    if "settled" in answer:  # a job
        return bool(answer["settled"])
    if op == "settle":
        return answer.get("tone") == "success"
    found = _SETTLED_WEEKS.search(answer.get("text", ""))
    return bool(found and int(found.group(1)))


async def faults_after(
    book: Book, scenario: Scenario, trial: Trial, results: dict[str, tuple[datetime, dict[str, Any]]]
) -> list[str]:
    faults = await book.money_faults()
    for op, (_, answer) in results.items():
        if "error" in answer:
            faults.append(f"{op} crashed:\n{answer['error']}")
        elif INTERNAL_ERROR in answer.get("text", ""):
            faults.append(f"{op} failed inside: {answer['text']}")
    async with book.db.read() as session:
        twice = (
            await session.execute(
                text(
                    "SELECT member_id, dedupe_key FROM ledger GROUP BY member_id, dedupe_key "
                    "HAVING count(*) > 1 UNION ALL SELECT league_id, dedupe_key FROM outbox "
                    "GROUP BY league_id, dedupe_key HAVING count(*) > 1"
                )
            )
        ).all()
        notices = await session.scalar(
            select(text("count(*)")).select_from(OutboxMessage).where(OutboxMessage.kind == "correction")
        )
        dms = (
            await session.execute(
                text(
                    "SELECT payload ->> 'to', count(*) FROM outbox WHERE kind = 'dm' "
                    "AND dedupe_key LIKE 'dm:regrade:%' GROUP BY 1"
                )
            )
        ).all()
        week = await session.scalar(select(Week).order_by(Week.id).limit(1))
        league = await session.get(League, scenario.facts["league"])
    assert week is not None and league is not None
    faults += [f"key used twice: {row}" for row in twice]
    if notices > scenario.corrections:
        faults.append(f"{notices} correction notices for {scenario.corrections} correction from ESPN")
    for user, count in dms:
        if count > scenario.corrections:
            faults.append(f"{count} correction DMs to {user} for {scenario.corrections} correction from ESPN")
    settlers = [(op, now) for op, (now, answer) in results.items() if settled_by(op, answer)]
    if scenario.settles:
        if week.status == "settled" and len(settlers) != 1:
            faults.append(f"the week was settled, and {len(settlers)} operations say they did it: {settlers}")
        elif settlers and week.settled_at != settlers[0][1]:
            faults.append(f"the week was settled by {settlers[0][0]} but stamped {week.settled_at}")
    elif settlers:
        faults.append(f"nothing was due to settle, yet {settlers} say they settled a week")
    settings = LeagueSettings.model_validate(league.settings or {})
    changed = {op for op, (_, answer) in results.items() if answer.get("tone") == "success"}
    if "config margin" in changed and settings.margin_pct != 6.0:
        faults.append(f"`config set margin_pct 6` was lost: margin_pct is {settings.margin_pct}")
    if "config admins" in changed and settings.admin_ids != {"carol"}:
        faults.append(f"`config set admins carol` was lost: admins are {settings.admins!r}")
    faults += await replies_kept(book, scenario, results, changed)
    faults += await replies_kept(book, scenario, results, changed)
    if trial.mode == "lease":
        for op, (_, answer) in results.items():
            if op in ("tick", "settle job") and answer.get("ran"):
                faults.append(f"{op} ran while another process held the league's lease")
            if op in ("settle", "sync") and not (answer.get("tone") == "error" and "busy" in answer["text"]):
                faults.append(f"`{op}` ran while another process held the league's lease: {answer['text']!r}")
    return faults


# What a successful reply said happened, and the audit entry each admin change writes.
AUDITED = {
    "config margin": "config.set",
    "config admins": "config.set",
    "void market": "void.market",
    "void bet": "void.bet",
    "adjust": "adjust",
    "spend": "adjust",
    "settle": "settle",
}


async def replies_kept(
    book: Book, scenario: Scenario, results: dict[str, tuple[datetime, dict[str, Any]]], changed: set[str]
) -> list[str]:
    faults: list[str] = []
    placed = {
        op: int(answer["text"].split("#")[1].split(",")[0])
        for op, (_, answer) in results.items()
        if answer.get("text", "").startswith("Bet placed")
    }
    async with book.db.read() as session:
        status = dict(
            (
                await session.execute(
                    select(Bet.number, Bet.status).where(
                        Bet.number.in_([*scenario.targets.values(), *placed.values()])
                    )
                )
            ).all()
        )
        market = await session.scalar(select(Market.status).where(Market.number == scenario.facts["ml0"]))
        void_posts = await session.scalar(
            select(text("count(*)")).select_from(OutboxMessage).where(OutboxMessage.kind == "void")
        )
    for op, ended in (("cancel", "cancelled"), ("void bet", "void")):
        if op in changed and status[scenario.targets[op]] != ended:
            faults.append(
                f"`{op}` said done, but bet #{scenario.targets[op]} is {status[scenario.targets[op]]}"
            )
    if "void market" in changed:
        if market != "void":
            faults.append(f"`void market` said done, but the market is {market}")
        for op, bet in placed.items():
            if status[bet] != "void":
                faults.append(f"bet #{bet} ({op}) placed while the market was voided is {status[bet]}")
    if void_posts != ("void market" in changed):
        faults.append(
            f"{void_posts} void notices for {'one void' if 'void market' in changed else 'no void'}"
        )
    before, after = scenario.facts["audited"], await audited(book.db)
    for action in set(AUDITED.values()):
        done = sum(1 for op in changed if AUDITED.get(op) == action)
        if after.get(action, 0) - before.get(action, 0) != done:
            faults.append(
                f"{after.get(action, 0) - before.get(action, 0)} `{action}` audit entries for {done}"
            )
    return faults


# --- the suite ------------------------------------------------------------------------------------
@pytest.fixture
async def pg(tmp_path) -> AsyncIterator[Database]:
    async for database in make_database("postgres", tmp_path):
        yield database


async def test_processes_racing_on_postgres_keep_the_books(pg: Database, tmp_path, request) -> None:
    started = time.monotonic()
    async with pg.read() as session:
        schema = str(await session.scalar(text("SELECT current_schema()")))
    children = [Child(schema, f"race-{schema}-{i}", tmp_path / f"child{i}.log") for i in range(PROCESSES)]
    starting = asyncio.gather(*(child.start() for child in children))  # importing while we build
    book = Book(pg)
    scenarios = await build(book)
    await starting
    failures: list[str] = []
    tried: set[Trial] = set()
    try:
        for number in range(TRIALS):
            trial = draw(number, scenarios)
            scenario = scenarios[trial.scenario]
            results = await run_trial(book, children, scenario, trial)
            tried.add(trial)
            faults = await faults_after(book, scenario, trial, results)
            if faults:
                replies = {op: answer.get("text", answer) for op, (_, answer) in results.items()}
                failures.append(f"{trial}\n  " + "\n  ".join(faults) + f"\n  replies: {replies}")
    finally:
        await asyncio.gather(*(child.stop() for child in children))
    distinct = len({(t.scenario, t.ops, t.mode) for t in tried})
    report_races(
        request.config,
        f"{len(tried)} interleavings tried ({distinct} distinct: state, operations in start order, "
        f"lock or lease held) by {PROCESSES} processes on PostgreSQL, seed {SEED}, "
        f"in {time.monotonic() - started:.1f} s; {len(failures)} broke the books",
    )
    assert not failures, f"{len(failures)} of {len(tried)} interleavings broke the books:\n\n" + "\n\n".join(
        failures
    )
