"""The weekly recap, the locking-soon reminder and the bench data behind the awards.

The demo week is played through the command layer; each award's expected winner is
worked out here from the stored rows with plain loops, not with engine.awards.
"""

from __future__ import annotations

import io
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import select, update

from commands.replies import Reply, Tone
from commands.serialize import reply_from_dict
from storage.models import BenchPlayer, Bet, League, Market, Matchup, Member, OutboxMessage, Starter, Team
from tests.book import Book

DEMO_SLOTS = {"QB": 1, "RB": 2, "WR": 2, "TE": 1, "FLEX": 1, "D/ST": 1, "K": 1}


async def _configure(book: Book, **values: object) -> None:
    league = await book.league()
    async with book.db.write() as session:
        await session.execute(
            update(League)
            .where(League.id == league.id)
            .values(settings={**(league.settings or {}), **values})
        )


async def _posts(book: Book, kind: str) -> list[Reply]:
    async with book.db.read() as session:
        payloads = (
            await session.scalars(
                select(OutboxMessage.payload).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
            )
        ).all()
    return [reply_from_dict(p) for p in payloads]


async def _bet_and_settle(book: Book) -> None:
    for user, kind, index, pick, stake in (
        ("alex", "moneyline", 0, "home", 100),
        ("blake", "moneyline", 0, "away", 150),
        ("casey", "total", 1, "over", 60),
        ("drew", "spread", 2, "away", 80),
        ("alex", "moneyline", 3, "away", 40),
    ):
        reply = await book.place(user, await book.market_number(kind, index), pick, stake)
        assert reply.tone is Tone.SUCCESS, reply.text
    book.clock.advance(timedelta(days=8))
    assert (await book.due()).settled


def _field(reply: Reply, card: str, name: str) -> str:
    found = next(c for c in reply.cards if c.title == card)
    return next(f.value for f in found.fields if f.name == name)


async def test_sync_stores_the_bench_and_eligible_slots_and_pricing_ignores_them(db):
    book = await Book(db).open()
    async with db.read() as session:
        league = await session.get(League, book.league_id)
        starters = (await session.scalars(select(Starter))).all()
        bench = (await session.scalars(select(BenchPlayer))).all()
    assert league is not None and league.lineup_slots == DEMO_SLOTS
    assert bench and {b.slot for b in bench} <= {"BE", "IR"}
    assert all(s.eligible_slots and s.slot in s.eligible_slots for s in starters)
    assert all(b.eligible_slots for b in bench)
    assert {"RB", "FLEX"} <= {slot for b in bench if b.position == "RB" for slot in b.eligible_slots or ()}
    # Nobody is both: pricing reads starters only, and no reserve is among them.
    assert not {(s.matchup_id, s.player_id) for s in starters} & {(b.matchup_id, b.player_id) for b in bench}
    per_team = Counter((s.matchup_id, s.team_id) for s in starters)
    assert set(per_team.values()) <= {sum(DEMO_SLOTS.values())}


async def test_the_recap_replaces_the_settled_post_with_results_awards_boards_and_chart(any_db):
    db = any_db
    book = await Book(db).open()
    await _bet_and_settle(book)
    [recap] = await _posts(book, "settled")
    assert recap.text.startswith("Week 12 is settled: 5 bets")
    async with db.read() as session:
        teams = {t.id: t.name for t in (await session.scalars(select(Team))).all()}
        matchups = (await session.scalars(select(Matchup))).all()
        bets = (await session.scalars(select(Bet))).all()
        names = {m.id: m.display_name for m in (await session.scalars(select(Member))).all()}

    results = next(t for t in recap.tables if t.title == "Week 12 results")
    assert len(results.rows) == len(matchups)
    scores = [(m.home_score, teams[m.home_team_id]) for m in matchups]
    scores += [(m.away_score, teams[m.away_team_id]) for m in matchups]
    top = max(scores, key=lambda s: (s[0], [-ord(c) for c in s[1]]))
    bottom = min(scores)
    assert _field(recap, "Fantasy awards", "High score") == f"{top[1]} ({top[0]:.2f})"
    assert _field(recap, "Fantasy awards", "Low score") == f"{bottom[1]} ({bottom[0]:.2f})"
    margins = sorted((abs(m.home_score - m.away_score), m) for m in matchups if m.home_score != m.away_score)
    widest, narrowest = margins[-1][1], margins[0][1]
    assert f"by {abs(widest.home_score - widest.away_score):.2f}" in _field(
        recap, "Fantasy awards", "Biggest blowout"
    )
    assert f"by {abs(narrowest.home_score - narrowest.away_score):.2f}" in _field(
        recap, "Fantasy awards", "Closest win"
    )
    best = _field(recap, "Fantasy awards", "Best manager")
    assert "of a possible" in best and best.split(":")[0] in teams.values()

    won = [b for b in bets if b.status == "won"]
    lost = [b for b in bets if b.status == "lost"]
    assert won and lost  # both sides of matchup 0 were bet
    biggest = max(won, key=lambda b: (b.payout - b.stake, -b.id))
    assert _field(recap, "Bets of the week", "Biggest win").startswith(
        f"{names[biggest.member_id]}: +{biggest.payout - biggest.stake:,}"
    )
    beat = max(lost, key=lambda b: (b.fair_p, b.stake, -b.id))
    assert _field(recap, "Bets of the week", "Worst beat").startswith(f"{names[beat.member_id]}:")

    titles = [t.title for t in recap.tables]
    assert "Week 12 leaderboard" in titles and "2026 season leaderboard" in titles
    [chart] = recap.images
    assert chart.data.startswith(b"\x89PNG\r\n\x1a\n") and chart.filename.endswith(".png")


async def test_recap_off_posts_only_the_settled_totals(db):
    book = await Book(db).open()
    await _configure(book, recap=False)
    await _bet_and_settle(book)
    [post] = await _posts(book, "settled")
    assert post.text.startswith("Week 12 is settled") and not post.cards and not post.images
    assert [t.title for t in post.tables] == ["Week 12 results"]


async def _first_lock(book: Book) -> datetime:
    async with book.db.read() as session:
        return await session.scalar(select(Market.lock_at).order_by(Market.lock_at).limit(1))


async def test_locking_soon_is_posted_once_per_lock_time_and_never_late(any_db):
    db = any_db
    book = await Book(db).open()
    lock = await _first_lock(book)
    book.clock.set(lock - timedelta(minutes=90))
    assert (await book.due()).reminders == 0  # not yet: the default is 60 minutes before
    book.clock.set(lock - timedelta(minutes=45))
    assert (await book.due()).reminders == 1
    book.clock.set(lock - timedelta(minutes=10))
    assert (await book.due()).reminders == 0  # same lock time: the outbox already has it
    [reminder] = await _posts(book, "reminder")
    assert reminder.text.startswith("Locking soon:") and "(in 45 min)" in reminder.text
    assert not reminder.ephemeral
    # The next lock group gets its own, once.
    async with db.read() as session:
        later = await session.scalar(
            select(Market.lock_at).where(Market.lock_at > lock).order_by(Market.lock_at).limit(1)
        )
    book.clock.set(later - timedelta(minutes=5))
    assert (await book.due()).reminders == 1
    assert len(await _posts(book, "reminder")) == 2


async def test_no_reminder_when_off_or_after_the_lock(db):
    book = await Book(db).open()
    lock = await _first_lock(book)
    await _configure(book, lock_reminder_minutes=0)
    book.clock.set(lock - timedelta(minutes=30))
    assert (await book.due()).reminders == 0
    await _configure(book, lock_reminder_minutes=60)
    book.clock.set(lock + timedelta(minutes=1))  # the scheduler was down through the window
    await book.due()
    async with db.read() as session:
        keys = (
            await session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.kind == "reminder"))
        ).all()
    assert not [k for k in keys if k.endswith(f"{lock:%Y%m%dT%H%M%S}")]


def test_reply_with_chart_survives_the_outbox_round_trip(tmp_path):
    from commands.charts import profit_chart
    from commands.serialize import reply_to_dict

    image = profit_chart([1, 2], {"ann": [5, -3], "bob": [0, 10]}, "t", "c.png")
    back = reply_from_dict(reply_to_dict(Reply("x", images=(image,))))
    assert back.images[0].data == image.data
    assert io.BytesIO(back.images[0].data).read(8) == b"\x89PNG\r\n\x1a\n"


async def test_the_scheduler_tick_posts_the_reminder_without_a_sync_being_due(db):
    from bot.scheduler import BookScheduler

    book = await Book(db).open()
    lock = await _first_lock(book)
    scheduler = BookScheduler(book.services, ["console"])
    book.clock.set(lock - timedelta(minutes=59))
    await scheduler.tick()  # syncs (an hour has passed) and reminds
    assert len(await _posts(book, "reminder")) == 1
    book.clock.set(lock - timedelta(minutes=58))
    await scheduler.tick()  # no sync due a minute later, and still only one reminder
    assert len(await _posts(book, "reminder")) == 1


async def test_lines_opening_inside_the_reminder_window_are_reminded_in_the_same_pass(db):
    """The scheduler's reading of lock times comes before the sync; a sync that opens a
    week whose first lock is within the window must ask again (due_jobs.locks_soon) and
    post the reminder then, not a tick later. One that opens days ahead posts none."""
    from bot.demo import ensure_demo_league
    from commands.league_settings import LeagueSettings
    from commands.services.due_jobs import MaybeDue
    from commands.services.lifecycle import run_due

    nothing_due_before = MaybeDue(locks=False, settle=False, recap=False, corrections=False)
    book = Book(db)
    league = await ensure_demo_league(db, book.workspace, book.clock.now())
    book.league_id = league.id
    provider = book.services.providers(league)
    data = await provider.fetch_league()
    week = await provider.fetch_week(data.current_matchup_period)
    first_kickoff = min(game.kickoff for game in week.pro_games)
    opens = (first_kickoff - timedelta(minutes=30)).astimezone(LeagueSettings.of(league.settings).tz)
    await _configure(book, lines_open=f"{opens:%a} {opens:%H:%M}".lower(), lock_reminder_minutes=60)
    book.clock.set(opens - timedelta(days=1))
    report = await run_due(book.services, await book.league(), due=nothing_due_before)
    assert report.sync is not None and not report.sync.opened and report.reminders == 0
    book.clock.set(opens + timedelta(seconds=1))
    report = await run_due(book.services, await book.league(), due=nothing_due_before)
    assert report.sync is not None and report.sync.opened
    assert report.reminders == 1
    [reminder] = await _posts(book, "reminder")
    assert reminder.text.startswith("Locking soon:")
