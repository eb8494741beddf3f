"""Discord interactions end to end: INTERACTION_CREATE sent by a fake gateway -> callback received.

Run: `python -m bench.discord_interactions [--rate 50] [--count 1500]`.

Everything is on 127.0.0.1: the fake Discord from tests/fakes (REST and gateway), the real
discord.py client, the Sidebet adapter, the command layer and SQLite in a temporary folder.
The clock of each measurement starts just before the fake writes INTERACTION_CREATE to the
websocket and stops when the fake's REST handler receives the interaction callback, which
is what Discord's 3-second deadline measures.

Load: open loop at `--rate` interactions per second, a mix of what members do: /markets,
/odds, /bet (a slip), Confirm on their slip (a button; places the bet), /balance and
autocomplete of /odds. Baseline in the same run: a bare discord.Client on the same fake
answering every interaction with a fixed ephemeral message (what discord.py and the fake
cost with no Sidebet at all).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import discord
from sqlalchemy import select, update

from adapters.discord.client import ClientConfig, make_client
from adapters.espn.demo.provider import DEMO_WEEK_START
from bench.report import Row, emit
from bot.app import provider_factory
from bot.demo import ensure_demo_league
from bot.heap import freeze_startup_heap
from commands.clock import ManualClock
from commands.context import Services
from commands.services.lifecycle import run_due
from storage.database import Database
from storage.migrate import upgrade_to_head
from storage.models import League, Market
from tests.fakes.discord_fake import Callback, FakeDiscord, FakeMember, buttons

KINDS = ("markets", "odds", "bet", "confirm", "balance", "autocomplete")
TOKEN = "bench-token"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(name: str, latencies: list[float]) -> str:
    ms = [v * 1000 for v in latencies]
    return (
        f"{name:<28} n={len(ms):>5}  p50 {percentile(ms, 0.50):6.1f} ms  p99 {percentile(ms, 0.99):6.1f} ms"
        f"  max {max(ms):6.1f} ms  mean {statistics.fmean(ms):6.1f} ms"
    )


class Load:
    """Members doing a realistic mix of things, one interaction per tick."""

    def __init__(self, fake: FakeDiscord, markets: list[int], members: int) -> None:
        self.fake = fake
        self.markets = markets
        self.members = [FakeMember(1_100_000_000_000_000_000 + i, f"member{i}") for i in range(members)]
        self.slips: dict[int, dict[str, Any]] = {}
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors = 0

    def payload(self, i: int) -> tuple[str, dict[str, Any]]:
        member = self.members[i % len(self.members)]
        kind = KINDS[(i // len(self.members)) % len(KINDS)]
        if kind == "confirm":
            message = self.slips.pop(member.id, None)
            if message is None:
                kind = "bet"
            else:
                return kind, self.fake.click(message, buttons(message)["Confirm"], member)
        if kind == "markets":
            return kind, self.fake.slash(["markets"], {}, member)
        if kind == "odds":
            return kind, self.fake.slash(["odds"], {"matchup": 1 + i % 5}, member)
        if kind == "bet":
            market = self.markets[i % len(self.markets)]
            pick = ("home", "away")[i % 2]
            return kind, self.fake.slash(["bet"], {"market": market, "pick": pick, "stake": 10}, member)
        if kind == "balance":
            return kind, self.fake.slash(["balance"], {}, member)
        return kind, self.fake.slash(["odds"], {"matchup": ""}, member, focused="matchup")

    async def one(self, i: int) -> None:
        kind, payload = self.payload(i)
        callback: Callback = await self.fake.interact(payload, within=30)
        self.latencies[kind].append(callback.latency)
        if kind == "bet" and callback.message is not None and "Confirm" in buttons(callback.message):
            self.slips[int(payload["member"]["user"]["id"])] = self.fake.message_payload(callback.message)
        if callback.type == 4 and (callback.data.get("content") or "").startswith(("Sorry", "That")):
            self.errors += 1

    async def run(self, count: int, rate: float, start_index: int = 0) -> None:
        began = time.perf_counter()
        tasks = []
        for n in range(count):
            delay = began + n / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(self.one(start_index + n)))
        await asyncio.gather(*tasks)


class Baseline(discord.Client):
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message("ok", ephemeral=True)


async def start(client: discord.Client) -> asyncio.Task[None]:
    task = asyncio.create_task(client.start(TOKEN))
    await asyncio.wait_for(client.wait_until_ready(), 30)
    return task


async def stop(client: discord.Client, task: asyncio.Task[None]) -> None:
    await client.close()
    await asyncio.gather(task, return_exceptions=True)


async def main(rate: float, count: int, members: int, warmup: int) -> None:
    fake = await FakeDiscord().start()
    undo = fake.install()
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}")
        await upgrade_to_head(db)
        clock = ManualClock(DEMO_WEEK_START)
        services = Services(db, clock, provider_factory(clock))
        league = await ensure_demo_league(db, str(fake.guild_id), clock.now(), platform="discord")
        async with db.write() as session:
            await session.execute(update(League).where(League.id == league.id).values(channel_id="1"))
        await run_due(services, league)
        async with db.read() as session:
            markets = list(
                (
                    await session.scalars(
                        select(Market.id).where(Market.league_id == league.id, Market.kind == "moneyline")
                    )
                ).all()
            )

        freeze_startup_heap()  # as `sidebet run` does once it is built, before it serves
        baseline_client = Baseline(intents=discord.Intents.none(), guild_ready_timeout=0.01)
        task = await start(baseline_client)
        base = Load(fake, markets, members)
        await base.run(warmup, rate)
        base.latencies.clear()
        await base.run(count, rate)
        await stop(baseline_client, task)
        baseline = [v for values in base.latencies.values() for v in values]

        client = make_client(services, ClientConfig(sync_commands=True), guild_ready_timeout=0.01)
        task = await start(client)
        load = Load(fake, markets, members)
        await load.run(warmup, rate)
        load.latencies.clear()
        load.errors = 0
        await load.run(count, rate, start_index=warmup)
        await stop(client, task)
        await db.dispose()
    undo()
    await fake.stop()

    every = [v for values in load.latencies.values() for v in values]
    print(f"Discord interactions at {rate:g}/s, {count} measured after {warmup} warm-up, {members} members")
    print(summary("baseline (bare discord.py)", baseline))
    print(summary("sidebet, all interactions", every))
    for kind in KINDS:
        if load.latencies.get(kind):
            print(summary(f"  {kind}", load.latencies[kind]))
    print(f"unexpected error replies: {load.errors}")
    ms, base_ms = [v * 1000 for v in every], [v * 1000 for v in baseline]
    kinds = {kind: [v * 1000 for v in load.latencies[kind]] for kind in KINDS if load.latencies.get(kind)}
    worst = max(percentile(values, 0.99) for values in kinds.values())
    emit(
        Row(
            f"Discord interactions at {rate:g}/s, gateway event to callback (fake Discord)",
            f"p50 {percentile(ms, 0.5):.1f} ms, p99 {percentile(ms, 0.99):.1f} ms over {len(ms)} "
            f"(mixed commands, {load.errors} error replies); p99 by kind: "
            + ", ".join(f"{kind} {percentile(values, 0.99):.0f}" for kind, values in kinds.items()),
            f"bare discord.py answering 'ok': p50 {percentile(base_ms, 0.5):.1f} ms, "
            f"p99 {percentile(base_ms, 0.99):.1f} ms",
            "p99 <= 50 ms for every command kind",
            worst <= 50 and load.errors == 0,
        )
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, default=50.0, help="interactions per second (open loop)")
    parser.add_argument("--count", type=int, default=1500, help="interactions measured")
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=100)
    args = parser.parse_args()
    asyncio.run(main(args.rate, args.count, args.members, args.warmup))
