"""A whole (short) Yahoo season through the book: the real YahooClient against the fake Yahoo.

The simulated season the ESPN and Sleeper lifecycle tests play, served as a three-week Yahoo
league in Yahoo's JSON, with the NFL's kickoffs and finals from the fake ESPN as in production:
`setup yahoo <id>` gives a consent link, then links with the pasted code; lines open every
week, markets lock at kickoff, every week is settled exactly once from Yahoo's scores, a stat
correction Yahoo makes after week 1 is re-graded with its notice; access
tokens expire every hour and are refreshed mid-season (and stored); Yahoo throttles once (999)
and the process backs off; the commissioner revokes the grant mid-week, the league is told
once, nothing is priced or settled meanwhile and Yahoo is not asked again, and a second
`setup yahoo` with a new code picks the season up where it was. On SQLite and PostgreSQL.

Lean on purpose (the suite's time budget): three weeks, and only the instants where something
is due (lines, first kickoff, the week's end, settlement).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import func, select

import engine
from adapters.espn.client import EspnClient
from adapters.yahoo.access import YahooOAuthAccess
from adapters.yahoo.client import YahooClient
from adapters.yahoo.oauth import YahooApp
from adapters.yahoo.throttle import Throttle
from bot.app import provider_factory
from commands.clock import ManualClock
from commands.context import Services
from commands.dispatch import dispatch
from commands.replies import Tone
from commands.serialize import reply_from_dict
from commands.services.lifecycle import run_due
from commands.views import YAHOO_PRICING_NOTE
from storage.models import (
    Bet,
    League,
    LedgerEntry,
    Market,
    Matchup,
    OutboxMessage,
    Selection,
    Starter,
    Team,
    Week,
)
from tests.bot.test_espn_season_lifecycle import EASTERN, bet_on_open_week, check_locks, invocation
from tests.fakes.espn_fake import FakeEspn
from tests.fakes.espn_season import SeasonSim
from tests.fakes.yahoo_fake import CLIENT_ID, CLIENT_SECRET, FakeYahoo, yahoo_player_id

WEEKS = 3
REVOKED_IN = 2
CORRECTED = 1


async def correct_a_result(db, sim: SeasonSim) -> dict[int, int]:
    """Yahoo corrects a starter of a week-1 game we bet on so that its moneyline flips; the
    bets' payouts before, by bet id."""
    async with db.read() as session:
        week = await session.scalar(select(Week).where(Week.matchup_period == CORRECTED))
        bets = (
            await session.scalars(
                select(Bet).join(Market, Market.id == Bet.market_id).where(Market.week_id == week.id)
            )
        ).all()
        market = await session.get(Market, bets[0].market_id)
        matchup = await session.get(Matchup, market.matchup_id)
        starters = (await session.scalars(select(Starter).where(Starter.matchup_id == matchup.id))).all()
    loser = matchup.away_team_id if matchup.home_score > matchup.away_score else matchup.home_team_id
    gap = abs(matchup.home_score - matchup.away_score)
    star = max((s for s in starters if s.team_id == loser), key=lambda s: s.points or 0)
    sim_ids = {yahoo_player_id(p): p.player_id for roster in sim.rosters.values() for p in roster}
    sim.correct_stat(CORRECTED, sim_ids[star.player_id], round((star.points or 0) + gap + 10, 2))
    return {b.id: b.payout for b in bets}


def lean_timeline(sim: SeasonSim, weeks: int) -> list[datetime]:
    """Lines (Wednesday, and again two hours later), just after the first kickoff, the week's
    end, settlement (Tuesday)."""
    instants = {sim.preseason}
    for week in range(1, weeks + 1):
        first, end = sim.nfl.first_kickoff(week), sim.nfl.end_of(week)
        wednesday = first.astimezone(EASTERN) - timedelta(days=(first.astimezone(EASTERN).weekday() - 2) % 7)
        lines = wednesday.replace(hour=10, minute=1, second=0, microsecond=0).astimezone(first.tzinfo)
        instants.update({lines, lines + timedelta(hours=2)})  # a week opened late opens the next tick
        instants.update({first + timedelta(minutes=1), end + timedelta(minutes=1)})
        tuesday = end.astimezone(EASTERN) + timedelta(days=(1 - end.astimezone(EASTERN).weekday()) % 7)
        instants.add(tuesday.replace(hour=9, minute=1, second=0, microsecond=0).astimezone(end.tzinfo))
    return sorted(instants)


class VirtualTime:
    """The throttle's and retries' clock: sleeping advances it, nobody waits."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


async def _league(db) -> League:
    async with db.read() as session:
        return await session.scalar(select(League))


async def _week_status(db, period: int) -> str | None:
    async with db.read() as session:
        return await session.scalar(select(Week.status).where(Week.matchup_period == period))


async def _count(db, model) -> int:
    async with db.read() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def test_a_yahoo_season_with_a_refreshed_and_a_revoked_grant(any_db):
    db = any_db
    sim = SeasonSim(771001, 2026, teams=10, seed=7)
    clock = ManualClock(sim.preseason)
    virtual = VirtualTime()
    async with FakeEspn(now=clock.now) as espn_fake, FakeYahoo(now=clock.now, end_week=WEEKS) as fake:
        espn_fake.add_league(sim)
        league_id = fake.add_league(sim)
        espn = EspnClient(espn_fake.fantasy_base, espn_fake.site_base, cache_ttl=0, retries=0)
        app = YahooApp(CLIENT_ID, CLIENT_SECRET, auth_base=fake.auth_base)
        throttle = Throttle(monotonic=virtual.monotonic, sleep=virtual.sleep, base=30.0)
        yahoo = YahooClient(
            app, fake.api_base, retries=2, now=clock.now, sleep=virtual.sleep, throttle=throttle
        )
        services = Services(
            db,
            clock,
            provider_factory(clock, espn, None, None, yahoo, db),
            yahoo=YahooOAuthAccess(yahoo, clock.now),
        )

        async def setup(key: str, code: str | None):
            args = {"platform": "yahoo", "league": league_id, "code": code}
            return await dispatch(services, invocation("boss", key, admin=True), "setup", args)

        ask = await setup("ask", None)
        assert fake.auth_base + "/request_auth?client_id=" in ask.text and "paste" in ask.text, ask.text
        assert ask.ephemeral and CLIENT_SECRET not in ask.text
        linked = await setup("link", fake.issue_code())
        assert linked.tone is Tone.SUCCESS and "10 teams" in linked.text, linked.text
        assert YAHOO_PRICING_NOTE in linked.text
        assert linked.tables[0].columns[2] == "Yahoo manager" and linked.tables[0].rows[0][2] == "alex"
        first_token = (await _league(db)).yahoo_access_token
        for user in ("ann", "bob"):
            await dispatch(services, invocation(user, "hello"), "balance", {})

        betted: set[int] = set()
        errors: Counter[str] = Counter()
        revoked_at: datetime | None = None
        relinked = False
        board_seen = False
        corrected: dict[int, int] = {}
        for instant in lean_timeline(sim, WEEKS):
            clock.set(instant)
            if instant == sim.nfl.first_kickoff(1) + timedelta(minutes=1):
                fake.throttle = 1  # Yahoo's 999 once: every request waits, then carries on
            if revoked_at is None and instant == sim.nfl.first_kickoff(REVOKED_IN) + timedelta(minutes=1):
                fake.revoke()  # the commissioner removed Sidebet in his Yahoo account
                revoked_at = instant
                frozen = (await _count(db, Market), await _count(db, Week), fake.requests["token"])
            if (
                revoked_at is not None
                and not relinked
                and instant > sim.nfl.end_of(REVOKED_IN) + timedelta(hours=1)
            ):
                # Nothing was priced or settled, and Yahoo was asked once (the refused refresh).
                assert (await _count(db, Market), await _count(db, Week)) == frozen[:2]
                assert fake.requests["token"] == frozen[2] + 1
                again = await setup("relink", fake.issue_code())
                assert again.tone is Tone.SUCCESS, again.text
                relinked = True
            report = await run_due(services, await _league(db))
            if report.sync_error is not None:
                errors[report.sync_error.kind] += 1
            await check_locks(db, instant)
            await bet_on_open_week(services, db, instant, betted)
            if not corrected and (await _week_status(db, CORRECTED)) == "settled":
                corrected = await correct_a_result(db, sim)
            if not board_seen and betted:
                board = await dispatch(services, invocation("ann", f"board-{instant}"), "markets", {})
                assert YAHOO_PRICING_NOTE in board.text, board.text
                board_seen = True
        await espn.aclose()
        await yahoo.aclose()

    async with db.read() as session:
        weeks = (await session.scalars(select(Week).order_by(Week.matchup_period))).all()
        bets = (await session.scalars(select(Bet))).all()
        posts = Counter((await session.scalars(select(OutboxMessage.kind))).all())
        sync_errors = (
            await session.scalars(select(OutboxMessage.payload).where(OutboxMessage.kind == "sync_error"))
        ).all()
        league = await session.scalar(select(League))
        markets = {m.id: m for m in (await session.scalars(select(Market))).all()}
        sides = {s.id: s.side for s in (await session.scalars(select(Selection))).all()}
        matchups = {m.id: m for m in (await session.scalars(select(Matchup))).all()}
        team_of = {t.id: t.espn_team_id for t in (await session.scalars(select(Team))).all()}
        corrections = (
            await session.scalars(select(LedgerEntry).where(LedgerEntry.kind == "correction"))
        ).all()

    assert [(w.matchup_period, w.status) for w in weeks] == [(p, "settled") for p in range(1, WEEKS + 1)], (
        posts
    )
    assert league.source == "yahoo" and league.yahoo_league_key == f"473.l.{league_id}" and league.season_over
    assert posts["lines_up"] == WEEKS and posts["settled"] == WEEKS and posts["season_over"] == 1
    # Refreshed mid-season (tokens last an hour; syncs are days apart) and stored each time.
    assert fake.refreshes >= 4 and league.yahoo_access_token != first_token
    # Throttled once: one pause of the whole process, then the sync carried on.
    assert throttle.throttles == 1 and sum(virtual.slept) >= 30.0 and throttle.waited > 0
    # The revoked grant: failed syncs, but one post, telling the commissioner to run setup again.
    assert errors["grant_revoked"] >= 2 and set(errors) == {"grant_revoked"}
    assert len(sync_errors) == 1 and "setup yahoo" in reply_from_dict(sync_errors[0]).text
    assert len(betted) == WEEKS and bets and all(b.status in ("won", "lost", "push") for b in bets)
    # The correction: one notice, one entry per re-graded bet, of exactly the difference.
    assert corrected and posts["correction"] == 1
    assert sorted(e.bet_id for e in corrections) == sorted(corrected)
    for entry in corrections:
        assert entry.amount == next(b.payout for b in bets if b.id == entry.bet_id) - corrected[entry.bet_id]
    for bet in bets:  # every moneyline graded from Yahoo's final scores, which are the sim's
        market = markets[bet.market_id]
        m = matchups[market.matchup_id]
        period = next(w.matchup_period for w in weeks if w.id == m.week_id)
        home, away = team_of[m.home_team_id], team_of[m.away_team_id]
        assert (m.home_score, m.away_score) == (sim.team_points(home, period), sim.team_points(away, period))
        result = engine.MatchupResult(m.home_score, m.away_score)
        expected = engine.grade(engine.MarketKind.MONEYLINE, sides[bet.selection_id], None, None, result)
        assert market.kind == "moneyline" and bet.status == expected.value
