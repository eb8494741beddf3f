"""A parlay typed in the console: build the slip, quote it, confirm it.

Settling it is tests/commands/test_parlays.py's scripted week (the same dispatch)."""

from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import select

from bot.app import build_console
from storage.parlay_models import Parlay
from tests.console.test_console_week import Console, console_settings


async def test_a_parlay_in_the_console(tmp_path: Path) -> None:
    out = io.StringIO()
    runtime = await build_console(console_settings(tmp_path), io.StringIO(), out)
    c = Console(runtime, out, (tmp_path / "files").resolve())
    try:
        await c.say(":as quinn")
        first, second = await c.market("moneyline", 2), await c.market("total", 3)
        assert "Added" in await c.say(f"parlay add {first} home")
        shown = await c.say(f"parlay add {second} over")
        assert "2 legs at +" in shown and "100 credits return" in shown
        assert "no leg 7" in await c.say("parlay remove 7")
        quote = await c.say("parlay bet 100")
        assert "Parlay slip #" in quote and "Quote holds: 60s" in quote and "Pays" in quote
        slip = int(quote.split("Parlay slip #")[1].split()[0])
        assert "Parlay placed" in await c.say(f"parlay confirm {slip}")
        assert "Already placed" in await c.say(f"parlay confirm {slip}")
        assert "open" in await c.say("parlay mine")
        assert "Your parlay slip is empty" in await c.say("parlay show")
        async with runtime.db.read() as session:
            parlay = await session.scalar(select(Parlay))
        assert parlay is not None and parlay.status == "open" and parlay.number == slip
    finally:
        await runtime.close()
