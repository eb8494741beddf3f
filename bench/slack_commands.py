"""Signed `/sidebet` slash commands per second through the real bolt app over HTTP.

Everything runs on 127.0.0.1: a fake Slack Web API and response_url sink, the bolt app on
aiohttp, and a client posting signed slash commands with several in flight. For each
command it measures the time to the ack (the HTTP answer Slack waits three seconds for)
and to the final response (the post on the response_url). The baseline, in the same run,
is the same bolt app, signature checks and server with a trivial `/sidebet` handler
(ack, then respond "ok"), so the difference is what Sidebet's own work costs.

Two loads. Open loop at `--rate` commands a second (50, as the Discord bench): commands
arrive whether or not earlier ones were answered, as members' do, so its latency is what a
member waits; the targets are read there. Closed loop with `--concurrency` always in flight:
throughput, where latency is mostly each command queueing behind the others.

    .venv/bin/python -m bench.slack_commands [--commands 2000] [--rate 50] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

import aiohttp
from slack_bolt.async_app import AsyncApp

from adapters.espn.demo.provider import DEMO_WEEK_START
from adapters.slack.app import build_app
from adapters.slack.client import web_client
from adapters.slack.runner import start_http
from bench.report import Row, emit
from bot.app import open_database, provider_factory
from bot.demo import ensure_demo_league
from bot.heap import freeze_startup_heap
from commands.clock import ManualClock
from commands.context import Services
from commands.services.lifecycle import run_due
from tests.fakes import slack_requests as req
from tests.fakes.slack_api import FakeSlack

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench"
TEAM = "T0BENCH"


class Timings:
    def __init__(self) -> None:
        self.ack: list[float] = []
        self.final: list[float] = []


async def _one(
    http: aiohttp.ClientSession,
    url: str,
    fake: FakeSlack,
    timings: Timings,
    index: int,
    text: str,
    users: int,
) -> None:
    """One signed slash command: times its ack and the final post on its response_url."""
    response_url = fake.new_response_url()
    body = req.form_body(
        req.slash_command(text, team=TEAM, user=f"U{index % users}", channel="C1", response_url=response_url)
    )
    start = time.perf_counter()
    async with http.post(url, data=body.encode(), headers=req.signed_headers(SECRET, body)) as resp:
        await resp.read()
        assert resp.status == 200
    timings.ack.append(time.perf_counter() - start)
    await fake.responses(response_url)
    timings.final.append(time.perf_counter() - start)


async def drive(
    port: int, fake: FakeSlack, texts: list[str], users: int, concurrency: int
) -> tuple[Timings, float]:
    """Closed loop: `concurrency` commands always in flight, each sent when one is answered.

    This measures throughput; its latency is mostly queueing (in-flight / rate).
    """
    timings = Timings()
    url = f"http://127.0.0.1:{port}/slack/events"
    queue: asyncio.Queue[tuple[int, str]] = asyncio.Queue()
    for item in enumerate(texts):
        queue.put_nowait(item)

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as http:

        async def worker() -> None:
            while not queue.empty():
                index, text = queue.get_nowait()
                await _one(http, url, fake, timings, index, text, users)

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return timings, time.perf_counter() - began


async def drive_open(
    port: int, fake: FakeSlack, texts: list[str], users: int, rate: float
) -> tuple[Timings, float]:
    """Open loop: commands arrive at `rate` a second whether or not earlier ones were answered,
    as members' commands do; this is the latency a member sees at that load."""
    timings = Timings()
    url = f"http://127.0.0.1:{port}/slack/events"
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        began = time.perf_counter()
        tasks = []
        for n, text in enumerate(texts):
            delay = began + n / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(_one(http, url, fake, timings, n, text, users)))
        await asyncio.gather(*tasks)
        return timings, time.perf_counter() - began


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def report(name: str, timings: Timings, elapsed: float) -> tuple[float, Timings]:
    n = len(timings.final)
    print(
        f"{name:<34} {n / elapsed:8.0f}/s   ack p50 {pct(timings.ack, 0.5):6.1f} ms"
        f"  p99 {pct(timings.ack, 0.99):6.1f} ms   final p50 {pct(timings.final, 0.5):6.1f} ms"
        f"  p99 {pct(timings.final, 0.99):6.1f} ms"
    )
    return n / elapsed, timings


def latencies(timings: Timings) -> str:
    return (
        f"ack p99 {pct(timings.ack, 0.99):.1f} ms, "
        f"reply p50 {pct(timings.final, 0.5):.1f} ms, p99 {pct(timings.final, 0.99):.1f} ms"
    )


def figures(rate: float, timings: Timings) -> str:
    return f"{rate:,.0f}/s, {latencies(timings)}"


async def baseline_app(fake: FakeSlack) -> AsyncApp:
    app = AsyncApp(
        signing_secret=SECRET, client=web_client(TOKEN, api_url=fake.api_url), process_before_response=True
    )
    tasks: set[asyncio.Task[None]] = set()

    @app.command("/sidebet")
    async def trivial(ack, respond) -> None:
        await ack()
        task = asyncio.create_task(respond(text="ok", response_type="ephemeral"))
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    return app


# Each open-loop run sends this mix, in turn, `--commands` times in all; baselines first and last.
OPEN_LOOP: tuple[tuple[str, list[str]], ...] = (
    ("baseline: trivial bolt handler", ["balance"]),
    ("sidebet balance", ["balance"]),
    ("sidebet markets (public board)", ["markets"]),
    ("sidebet bet 1 home 10 (slip)", ["bet 1 home 10"]),
    ("sidebet mixed (balance, markets, odds, bet)", ["balance", "markets", "odds 1", "bet 1 home 10"]),
    ("baseline again (same run, last)", ["balance"]),
)
CLOSED_LOOP: tuple[tuple[str, str], ...] = (
    ("baseline: trivial bolt handler", "balance"),
    ("sidebet balance", "balance"),
    ("sidebet bet 1 home 10 (slip)", "bet 1 home 10"),
    ("baseline again (same run, last)", "balance"),
)


async def main(commands: int, concurrency: int, users: int, rate: float) -> None:
    fake = await FakeSlack(bot_tokens={TOKEN: TEAM}).start()
    # The fake keeps every post; the bench only needs to know each one arrived.
    with tempfile.TemporaryDirectory() as tmp:
        db = await open_database(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}")
        clock = ManualClock(DEMO_WEEK_START)
        services = Services(db, clock, provider_factory(clock))
        league = await ensure_demo_league(db, TEAM, clock.now(), platform="slack")
        await run_due(services, league)
        bot = await build_app(services, signing_secret=SECRET, bot_token=TOKEN, api_url=fake.api_url)
        server = await start_http(bot, "127.0.0.1", 0)

        base_bot = type("B", (), {})()
        base_bot.app = await baseline_app(fake)
        base_server = await start_http(base_bot, "127.0.0.1", 0)
        freeze_startup_heap()  # as `sidebet run` does once it is built, before it serves

        print(f"{commands} signed slash commands, {users} members, SQLite, loopback")
        warm = ["balance"] * users
        await drive(server.port, fake, warm, users, concurrency)  # members join, users.info cached
        await drive(base_server.port, fake, warm, users, concurrency)
        print(f"open loop at {rate:g}/s (what a member waits at that load):")
        opened: dict[str, tuple[float, Timings]] = {}
        for label, mix in OPEN_LOOP:
            port = base_server.port if label.startswith("baseline") else server.port
            texts = (mix * commands)[:commands]
            timings, elapsed = await drive_open(port, fake, texts, users, rate)
            await bot.commands.idle()
            opened[label] = report(label, timings, elapsed)
        print(f"closed loop, {concurrency} in flight (throughput; latency there is queueing):")
        closed: dict[str, tuple[float, Timings]] = {}
        for label, text in CLOSED_LOOP:
            port = base_server.port if label.startswith("baseline") else server.port
            timings, elapsed = await drive(port, fake, [text] * commands, users, concurrency)
            await bot.commands.idle()
            closed[label] = report(label, timings, elapsed)
        await bot.commands.close()
        await server.close()
        await base_server.close()
        await db.dispose()
    await fake.close()
    base_open = opened["baseline: trivial bolt handler"][1]
    for label, _ in OPEN_LOOP[1:-1]:
        timings = opened[label][1]
        emit(
            Row(
                f"Slack signed slash command `{label.removeprefix('sidebet ')}` at {rate:g}/s, open loop "
                "(fake Slack)",
                latencies(timings),
                f"trivial bolt handler at {rate:g}/s: {latencies(base_open)}",
                "ack p99 well under Slack's 3 s deadline; final reply p99 <= 100 ms",
                pct(timings.ack, 0.99) < 3000 and pct(timings.final, 0.99) <= 100,
            )
        )
    base_rate, base_closed = closed["baseline: trivial bolt handler"]
    for label, _ in CLOSED_LOOP[1:-1]:
        got, timings = closed[label]
        emit(
            Row(
                f"Slack signed slash command `{label.removeprefix('sidebet ')}`, {concurrency} in flight, "
                "closed loop (fake Slack)",
                figures(got, timings),
                f"trivial bolt handler: {figures(base_rate, base_closed)}",
                "throughput; latency here is queueing (in flight / rate)",
                None,
            )
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--rate", type=float, default=50.0, help="commands per second in the open loop")
    args = parser.parse_args()
    asyncio.run(main(args.commands, args.concurrency, args.users, args.rate))
