"""`setup sleeper <league id>`: through the command layer against the fake Sleeper, and as each
adapter reads it (console and Slack words, Discord options); ESPN stays the default."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from adapters.console.repl import bind_arguments
from adapters.discord.command_tree import STRING, option_payload, visible_options
from adapters.espn.client import EspnClient
from adapters.slack.parsing import parse
from adapters.sleeper.client import SleeperClient
from bot.app import provider_factory, season_detector
from commands.catalogue import BY_NAME
from commands.clock import ManualClock
from commands.context import Invocation, Services
from commands.dispatch import dispatch
from commands.replies import Tone
from storage.models import AuditLog, League, Team
from tests.fakes.espn_fake import FakeEspn
from tests.fakes.espn_season import SeasonSim
from tests.fakes.sleeper_fake import FakeSleeper
from tests.virtual_time import Ticker

SETUP = BY_NAME["setup"]


def boss(workspace: str = "guild-9") -> Invocation:
    return Invocation("discord", workspace, "boss", "boss", f"setup-{workspace}", True, "chan-9")


@pytest.fixture
async def world(db):
    sim = SeasonSim(882010, 2026, teams=12, seed=4)
    clock = ManualClock(sim.preseason)
    async with FakeEspn(now=clock.now, odds=True) as espn_fake, FakeSleeper(now=clock.now) as fake:
        espn_fake.add_league(sim)
        league_id = fake.add_league(sim)
        espn = EspnClient(espn_fake.fantasy_base, espn_fake.site_base, cache_ttl=0, retries=0)
        ticker = Ticker()  # the rate limit's clock: no test waits in real time
        sleeper = SleeperClient(
            fake.base, cache_ttl=0, retries=1, backoff=0.0, timeout=0.2, monotonic=ticker, sleep=ticker.sleep
        )
        services = Services(
            db,
            clock,
            provider_factory(clock, espn, None, sleeper),
            detect_season=season_detector(clock, espn),
        )
        yield services, fake, league_id, sim
        await sleeper.aclose()
        await espn.aclose()


async def writes(services: Services) -> tuple[int, int]:
    async with services.db.read() as session:
        return (
            await session.scalar(select(func.count()).select_from(League)),
            await session.scalar(select(func.count()).select_from(AuditLog)),
        )


async def test_setup_sleeper_names_the_league_and_lists_teams_with_owners(world):
    services, _fake, league_id, _sim = world
    reply = await dispatch(services, boss(), "setup", {"platform": "sleeper", "league": league_id})
    assert reply.tone is Tone.SUCCESS, reply.text
    assert reply.text.startswith("Linked Sim League 882010 (2026, 12 teams)")
    [table] = reply.tables
    assert table.columns == ("Team", "Name", "Sleeper owner") and len(table.rows) == 12
    assert table.rows[0] == ("ALEX", "Gridiron Gurus", "alex")
    async with services.db.read() as session:
        league = await session.scalar(select(League))
        audit = await session.scalar(select(AuditLog))
    assert (league.source, league.sleeper_league_id, league.espn_league_id, league.season) == (
        "sleeper",
        league_id,
        None,
        2026,
    )
    assert audit.detail == {"sleeper_league_id": league_id, "season": 2026}
    # members are matched to their teams by Sleeper display name, as ESPN owners are
    synced = await dispatch(services, boss(), "sync", {})
    assert synced.tone is Tone.SUCCESS, synced.text
    alex = Invocation("discord", "guild-9", "u-alex", "alex", "alex-1", False, "chan-9")
    mine = await dispatch(services, alex, "balance", {})
    assert mine.tone is not Tone.ERROR
    async with services.db.read() as session:
        teams = (await session.scalars(select(Team))).all()
    assert len(teams) == 12


@pytest.mark.parametrize(
    ("change", "fragment", "retry"),
    [
        (lambda fake, lid: "999999999999999999", "Sleeper has no league 999999999999999999", False),
        (lambda fake, lid: _other(fake, lid, sport="nba"), "NBA league", False),
        (lambda fake, lid: _other(fake, lid, status="pre_draft"), "has not drafted yet", True),
        (lambda fake, lid: _fault(fake, lid, "down"), "down or too slow", True),
        (lambda fake, lid: _fault(fake, lid, "slow"), "down or too slow", True),
        (lambda fake, lid: _fault(fake, lid, "truncated"), "cut off", True),
        (lambda fake, lid: _fault(fake, lid, "broken", "/rosters"), "could not read", True),
    ],
    ids=["unknown", "another-sport", "not-drafted", "down", "slow", "truncated", "broken"],
)
async def test_setup_sleeper_refusals_are_plain_and_write_nothing(world, change, fragment, retry):
    services, fake, league_id, _sim = world
    target = change(fake, league_id)
    before = await writes(services)
    reply = await dispatch(services, boss(), "setup", {"platform": "sleeper", "league": target})
    assert reply.tone is Tone.ERROR and fragment in reply.text, reply.text
    assert ("Nothing is linked yet" in reply.text) is retry
    assert "http" not in reply.text.lower() and "Traceback" not in reply.text
    assert await writes(services) == before


def _other(fake: FakeSleeper, league_id: str, **changes: str) -> str:
    other = str(int(league_id) + 7)
    fake.other_leagues[other] = {
        **fake.league(league_id, fake.leagues[league_id]),
        "league_id": other,
        **changes,
    }
    return other


def _fault(fake: FakeSleeper, league_id: str, fault: str, match: str | None = None) -> str:
    fake.fault, fake.fault_match, fake.slow_delay = fault, match, 1.0
    return league_id


async def test_setup_sleeper_takes_no_season_or_cookies(world):
    services, _fake, league_id, _sim = world
    for extra in ({"season": 2026}, {"espn_s2": "s2", "swid": "{x}"}):
        reply = await dispatch(
            services, boss(), "setup", {"platform": "sleeper", "league": league_id, **extra}
        )
        assert reply.tone is Tone.ERROR and "needs only its id" in reply.text


async def test_a_sleeper_id_is_too_long_for_espn(world):
    services = world[0]
    reply = await dispatch(services, boss(), "setup", {"league": "9" * 20})
    assert reply.tone is Tone.ERROR and "too long to be an ESPN league id" in reply.text


# ----------------------------------------------------------------------- how adapters read it


@pytest.mark.parametrize(
    ("words", "args"),
    [
        ("12345", {"league": "12345"}),
        ("12345 2026", {"league": "12345", "season": "2026"}),
        ("espn 12345 2026", {"platform": "espn", "league": "12345", "season": "2026"}),
        ("sleeper 1048291839281745920", {"platform": "sleeper", "league": "1048291839281745920"}),
        ("Sleeper 1048291839281745920", {"platform": "Sleeper", "league": "1048291839281745920"}),
    ],
)
def test_typed_setup_takes_the_platform_first_or_not_at_all(words, args):
    visible = [o for o in SETUP.options if not o.secret]
    typed = type(SETUP)(SETUP.path, SETUP.summary, tuple(visible), SETUP.audience)
    assert bind_arguments(typed, words.split()) == args
    assert parse(f"setup {words}").args == args


def test_discord_offers_the_platform_as_a_choice_and_takes_a_long_league_id_as_text():
    options = {o.name: option_payload(o) for o in visible_options(SETUP)}
    assert options["platform"]["choices"] == [
        {"name": "espn", "value": "espn"},
        {"name": "sleeper", "value": "sleeper"},
        {"name": "yahoo", "value": "yahoo"},
    ]
    assert options["league"]["type"] == STRING and options["league"]["required"]
    assert next(iter(options)) == "league"  # required options first, Discord's rule


@settings(max_examples=200, deadline=None, database=None)
@given(
    words=st.lists(
        st.sampled_from(["sleeper", "espn", "ESPN", "yahoo", "Yahoo", "12345", "2026", "x", "-1", "١٢"]),
        max_size=4,
    )
)
def test_typed_setup_words_never_bind_a_platform_that_is_not_one(words):
    visible = [o for o in SETUP.options if not o.secret]
    typed = type(SETUP)(SETUP.path, SETUP.summary, tuple(visible), SETUP.audience)
    try:
        args = bind_arguments(typed, list(words))
    except ValueError:
        return
    assert args.get("platform", "espn").lower() in ("espn", "sleeper", "yahoo")


async def test_a_sleeper_league_gets_the_nfl_games_board(world):
    """The games board is read from ESPN's public scoreboard, whatever the league's platform.

    A commissioner turns it on; after the week's lines open, `games` lists that week's NFL
    games with prices, as for an ESPN league.
    """
    services, _fake, league_id, sim = world
    assert (
        await dispatch(services, boss(), "setup", {"platform": "sleeper", "league": league_id})
    ).tone is Tone.SUCCESS
    on = await dispatch(services, boss(), "config set", {"setting": "nfl_games", "value": "on"})
    assert on.tone is Tone.SUCCESS, on.text
    clock = services.clock
    assert isinstance(clock, ManualClock)
    first = sim.nfl.first_kickoff(1)
    clock.advance(first - timedelta(hours=6) - clock.now())  # the week's lines are open by now
    synced = await dispatch(services, boss(), "sync", {})
    assert synced.tone is Tone.SUCCESS, synced.text
    games = await dispatch(services, boss(), "games", {})
    assert games.tone is not Tone.ERROR, games.text
    assert games.tables and len(games.tables[0].rows) >= 10, games.text
