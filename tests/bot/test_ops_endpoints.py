"""/metrics and /healthz, scraped over loopback; and log lines that share a request's reference id."""

from __future__ import annotations

import json
import logging
import re
from datetime import timedelta
from types import SimpleNamespace

import aiohttp
import pytest
from prometheus_client import CONTENT_TYPE_LATEST
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import update

from adapters.espn.client import EspnClient
from adapters.espn.errors import EspnError
from bot.logging_setup import make_handler
from bot.ops_server import Health, start_ops_server
from commands import handlers
from commands.replies import Tone
from storage.database import Database
from storage.models import League
from tests.book import Book
from tests.fakes.espn_fake import FakeEspn

SECRET = "xoxb-1234-abcdef-never-in-logs"


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a scrape, keyed by (sample name, sorted labels)."""
    out = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


async def get(port: int, path: str) -> tuple[int, str, str]:
    async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}{path}") as response:
        return response.status, response.headers["Content-Type"], await response.text()


@pytest.fixture
async def book(db) -> Book:
    book = await Book(db).open()
    async with db.write() as session:
        await session.execute(update(League).where(League.id == book.league_id).values(channel_id="general"))
    return book


async def test_metrics_count_bets_commands_backlog_and_espn_errors(book, tmp_path):
    health = Health(book.db, book.clock)
    server = await start_ops_server(health, "127.0.0.1", 0)
    try:
        _, content_type, before_text = await get(server.port, "/metrics")
        assert content_type == CONTENT_TYPE_LATEST
        before = samples(before_text)
        assert before[("sidebet_outbox_backlog", ())] == 1  # the "lines are up" post

        market = await book.market_number("moneyline")
        placed = await book.place("alex", market, "home", 100)
        assert placed.tone is Tone.SUCCESS, placed.text
        await book.run("alex", "bet", market=market, pick="home", stake="lots")  # refused

        async with FakeEspn() as fake:
            fake.fault = "down"
            client = EspnClient(fake.fantasy_base, fake.site_base, retries=1, backoff=0.0)
            with pytest.raises(EspnError):
                await client.nfl_scoreboard(2026, 12)
            await client.aclose()

        after = samples((await get(server.port, "/metrics"))[2])
    finally:
        await server.close()

    def delta(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0.0) - before.get(key, 0.0)

    assert delta("sidebet_bets_placed_total", platform="console", market_kind="moneyline") == 1
    ok = {"platform": "console", "outcome": "ok"}
    assert delta("sidebet_interaction_seconds_count", command="bet", **ok) == 1
    assert delta("sidebet_interaction_seconds_count", command="confirm", **ok) == 1
    assert (
        delta("sidebet_interaction_seconds_count", command="bet", platform="console", outcome="refused") == 1
    )
    assert delta("sidebet_espn_request_errors_total", kind="http_5xx") == 2  # the try and its retry
    assert delta("sidebet_espn_request_seconds_count", api="site") == 2
    assert after[("sidebet_outbox_backlog", ())] == 1  # tickets are off by default: still one post


async def test_health_names_the_failing_check(book, tmp_path):
    scheduler = SimpleNamespace(running=True, last_tick_at=book.clock.now())
    health = Health(book.db, book.clock, scheduler, max_tick_age=timedelta(minutes=5))
    connected = {"discord": True}
    health.adapter("discord")(lambda: connected["discord"])
    server = await start_ops_server(health, "127.0.0.1", 0)
    try:
        status, _, body = await get(server.port, "/healthz")
        assert status == 200, body
        assert json.loads(body)["checks"]["scheduler"]["last_tick_age_seconds"] == 0

        connected["discord"] = False  # the gateway dropped
        status, _, body = await get(server.port, "/healthz")
        assert status == 503 and json.loads(body)["checks"]["discord"] == {"ok": False}

        connected["discord"] = True
        book.clock.advance(timedelta(minutes=6))  # the scheduler stopped ticking
        status, _, body = await get(server.port, "/healthz")
        assert status == 503 and json.loads(body)["checks"]["scheduler"]["ok"] is False
    finally:
        await server.close()

    missing = Database(f"sqlite+aiosqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}")
    ok, checks = await Health(missing, book.clock).check()
    assert not ok and checks["database"] == {"ok": False, "error": "OperationalError"}
    await missing.dispose()


# The raw log record holds the planted secret on purpose: this test proves the JSON
# formatter redacts it from what is written.
@pytest.mark.allow_secret_leak
async def test_json_logs_carry_the_request_reference_and_hide_secrets(book, tmp_path, monkeypatch):
    path = tmp_path / "sidebet.log"
    handler = make_handler([SECRET], str(path), "json")
    root = logging.getLogger()
    root.addHandler(handler)
    log = logging.getLogger("sidebet.test")

    async def broken_balance(ctx, args):
        log.warning("reading the balance of %s with token %s", ctx.member.user_id, SECRET)
        raise RuntimeError(f"the database said no to {SECRET}")

    monkeypatch.setitem(handlers.HANDLERS, "balance", broken_balance)
    try:
        reply = await book.run("alex", "balance")
        await book.run("blake", "balance")
    finally:
        root.removeHandler(handler)
        handler.close()
    ref = re.search(r"ref ([0-9a-f]{6})", reply.text)
    assert ref is not None, reply.text
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    mine = [line for line in lines if line["ref"] == ref.group(1)]
    assert [line["level"] for line in mine] == ["WARNING", "ERROR"]  # the handler's line and the failure
    assert "exception" in mine[1] and "RuntimeError" in mine[1]["exception"]
    assert len({line["ref"] for line in lines if line["logger"] == "sidebet.test"}) == 2  # one per request
    assert SECRET not in path.read_text()
