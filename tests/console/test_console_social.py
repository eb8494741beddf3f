"""`notify` and `export` in the console: the DM is shown apart from the channel, once."""

from __future__ import annotations

import io

from bot.app import build_console
from tests.console.test_console_week import Console, console_settings


async def test_a_settlement_dm_is_shown_once_and_export_answers_the_commissioner(tmp_path):
    out = io.StringIO()
    runtime = await build_console(console_settings(tmp_path), io.StringIO(), out)
    files = (tmp_path / "files").resolve()
    c = Console(runtime, out, files)
    try:
        assert "'maybe' isn't on or off" in await c.say("notify maybe")
        assert "Notifications on" in await c.say("notify on")
        out_ = await c.say(f"bet {await c.market('moneyline', 1)} home 100")
        assert "Bet placed" in await c.say(f"confirm {await c.last_quote(out_)}")
        await c.say(":as blake")  # blake bets but keeps notifications off
        out_ = await c.say(f"bet {await c.market('moneyline', 1)} away 100")
        assert "Bet placed" in await c.say(f"confirm {await c.last_quote(out_)}")

        settled = await c.say(":advance 8d")
        assert "#league channel" in settled
        assert settled.count("--- direct message to") == 1
        dm = settled.split("--- direct message to alex ---", 1)[1]
        assert "Week 12 is settled" in dm and "your balance is" in dm
        assert "direct message" not in await c.say(":advance 1d")

        assert "commissioners only" in await c.say("export")
        await c.say(":admin")
        assert "Export of" in await c.say("export")
        # The console saves the two CSV files where chat would attach them.
        saved = sorted(p.name for p in files.iterdir() if p.suffix == ".csv")
        assert len(saved) == 2 and saved[0].endswith("-bets.csv") and saved[1].endswith("-ledger.csv")
        assert (files / saved[0]).read_text(encoding="utf-8-sig").startswith("bet_number,")
    finally:
        await runtime.close()
