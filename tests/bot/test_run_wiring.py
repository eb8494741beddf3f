"""`sidebet run` wiring: ESPN parsing in a process pool, and plain errors for missing settings."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from datetime import timedelta

from adapters.espn.client import EspnClient
from adapters.espn.provider import EspnLeagueProvider
from bot.cli import main
from tests.fakes.espn_fake import FakeEspn
from tests.fakes.espn_season import SeasonSim


async def test_espn_weeks_parse_in_a_process_pool():
    sim = SeasonSim(61, 2026)
    now = sim.first_kickoff + timedelta(days=2)
    async with FakeEspn(now=lambda: now) as fake:
        fake.add_league(sim)
        client = EspnClient(fake.fantasy_base, fake.site_base)
        with ProcessPoolExecutor(max_workers=1) as pool:
            provider = EspnLeagueProvider(client, 61, 2026, None, lambda: now, parse_executor=pool)
            league = await provider.fetch_league()
            week = await provider.fetch_week(league.current_matchup_period)
        await client.aclose()
    assert len(league.teams) == 10 and len(week.matchups) == 5
    assert all(len(m.home_lineup) >= 9 for m in week.matchups)


def test_run_names_a_missing_setting_without_its_neighbours_values(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SIDEBET_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("SIDEBET_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'run.db'}")
    monkeypatch.setenv("SIDEBET_LOG_FILE", str(tmp_path / "run.log"))
    monkeypatch.setenv("SIDEBET_SLACK__BOT_TOKEN", "xoxb-not-a-real-token-123")
    monkeypatch.setenv("SIDEBET_SLACK__MODE", "socket")
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "app_token" in err and "xoxb-not-a-real-token-123" not in err
    assert "xoxb-not-a-real-token-123" not in (tmp_path / "run.log").read_text()
