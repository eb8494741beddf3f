"""Commands that must not act on a copy of a row read before another process changed it.

The race suite (test_race_suite.py) finds these among many interleavings on PostgreSQL;
here each is pinned down on its own, deterministically: a second bot process is a second
Services with its own Database on the same SQLite file, and every caller cache runs on a
clock that never moves, so a copy it holds stays as it was for the whole test (in the bot it
lives for two seconds, which is enough).

- `config set` of one setting must keep a setting another process changed meanwhile (and
  an admin another process removed stays removed);
- the commissioner's `sync` runs the week's jobs, so while another process holds the
  league's job lease it must stand aside (a plain "busy" error) and change nothing;
- a slip confirmed right after its member was linked to a team follows the own-matchup
  rule for that team: refused against it, snapshotted for it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import provider_factory
from commands.callers import CallerCache
from commands.context import Services
from commands.dispatch import dispatch
from commands.league_settings import LeagueSettings
from commands.replies import Reply, Tone
from storage import leases
from storage.database import Database
from storage.models import Bet, Market, Matchup, Member, Team
from tests.book import Book
from tests.commands.test_week_lifecycle import MONDAY_GAME_OVER, SETTLE_TIME
from tests.template_book import fresh_book


def frozen_callers() -> CallerCache:
    return CallerCache(monotonic=lambda: 0.0)


class OtherProcess:
    """Another bot process on the same database: its own engine and caller cache."""

    def __init__(self, book: Book) -> None:
        self.book = book
        self.db = Database(str(book.db.url))
        self.services = Services(self.db, book.clock, provider_factory(book.clock), callers=frozen_callers())

    async def run(self, user: str, name: str, *, admin: bool = False, **args: object) -> Reply:
        return await dispatch(self.services, self.book.invocation(user, admin=admin), name, args)


@pytest.fixture
async def book(tmp_path) -> AsyncIterator[Book]:
    book = await fresh_book(tmp_path)
    book.services.callers = frozen_callers()
    try:
        yield book
    finally:
        await book.db.dispose()


@pytest.fixture
async def other(book: Book) -> AsyncIterator[OtherProcess]:
    process = OtherProcess(book)
    try:
        yield process
    finally:
        await process.db.dispose()


@pytest.mark.parametrize(
    ("here", "there"),
    [(("margin_pct", "6"), ("admins", "carol")), (("admins", "carol"), ("margin_pct", "6"))],
    ids=["a-setting-changed-meanwhile", "an-admin-removed-meanwhile"],
)
async def test_config_set_keeps_what_another_process_set_meanwhile(book, other, here, there) -> None:
    assert (await book.run("boss", "config set", admin=True, setting="admins", value="carol,dave")).text
    assert (await other.run("boss", "config show", admin=True)).tables  # the other has the league now
    done = await book.run("boss", "config set", admin=True, setting=here[0], value=here[1])
    assert done.tone is Tone.SUCCESS, done.text
    done = await other.run("boss", "config set", admin=True, setting=there[0], value=there[1])
    assert done.tone is Tone.SUCCESS, done.text
    settings = LeagueSettings.model_validate((await book.league()).settings)
    assert (settings.margin_pct, settings.admin_ids) == (6.0, {"carol"}), "a `config set` was lost"


async def test_sync_stands_aside_while_another_process_runs_the_leagues_jobs(book) -> None:
    """The week is final and due to settle; another replica's tick holds the league's lease."""
    book.clock.set(MONDAY_GAME_OVER)
    report = await book.due()
    assert report.sync is not None and report.sync.went_final
    book.clock.set(SETTLE_TIME)
    await book.run("boss", "balance")  # the commissioner is a member already: nothing to create
    name = leases.league_lease(book.league_id)
    assert await leases.claim(book.db, name, "another-replica", book.clock.now(), leases.LEAGUE_LEASE_TTL)
    before = await book.snapshot()
    reply = await book.run("boss", "sync", admin=True)
    assert reply.tone is Tone.ERROR and "busy" in reply.text.lower(), reply.text
    assert await book.snapshot() == before, "a sync that stood aside changed the database"
    await leases.release(book.db, name, "another-replica", book.clock.now())
    book.clock.advance(timedelta(minutes=1))
    assert "1 week" in (await book.run("boss", "sync", admin=True)).text  # and runs once it is free


@pytest.mark.parametrize("linked_by", ["this process", "another process"])
async def test_a_slip_confirmed_right_after_a_link_follows_the_own_matchup_rule(
    book, other, linked_by
) -> None:
    assert (await book.run("boss", "config set", admin=True, setting="own_matchup", value="not_against")).text
    market_id = await book.market_id("moneyline", 0)
    async with book.db.read() as session:
        market = await session.get(Market, market_id)
        assert market is not None
        matchup = await session.get(Matchup, market.matchup_id)
        assert matchup is not None
        team = await session.get(Team, matchup.home_team_id)
        assert team is not None
    # zoe owns no team yet: both sides of the matchup are open to her, and she takes a slip of each.
    against = await book.quote_id(await book.run("zoe", "bet", market=market_id, pick="away", stake=50))
    mine = await book.quote_id(await book.run("zoe", "bet", market=market_id, pick="home", stake=50))
    linker = book if linked_by == "this process" else other
    linked = await linker.run("boss", "link", admin=True, member="zoe", team=team.abbrev)
    assert linked.tone is Tone.SUCCESS, linked.text
    refused = await book.run("zoe", "confirm", quote=against)
    assert refused.tone is Tone.ERROR and "against their own team" in refused.text, refused.text
    placed = await book.run("zoe", "confirm", quote=mine)
    assert placed.text.startswith("Bet placed"), placed.text
    async with book.db.read() as session:
        bets = (
            await session.execute(
                select(Bet.lineup_snapshot)
                .join(Member, Member.id == Bet.member_id)
                .where(Member.user_id == "zoe")
            )
        ).all()
    assert len(bets) == 1
    [(snapshot,)] = bets
    assert snapshot is not None and snapshot["team_id"] == team.id, snapshot
    assert await book.money_faults() == []
