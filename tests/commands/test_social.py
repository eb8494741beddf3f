"""`notify` DMs queued exactly once per member and week, the outbox rules for DMs, and `export`."""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from datetime import timedelta

from sqlalchemy import select

from adapters.espn.demo.provider import DEMO_WEEK_START
from bot.demo import ensure_demo_league
from commands.clock import ManualClock
from commands.outbox import (
    DM_KIND,
    ROLE_KIND,
    OutboxLoop,
    dm_payload,
    enqueue,
    enqueue_post,
    role_changes,
    role_payload,
)
from commands.replies import Reply, Tone
from commands.serialize import reply_from_dict
from commands.services.lifecycle import regrade_due, settle_due
from commands.services.winner_role import queue_winner_role
from storage.models import AuditLog, Bet, League, LedgerEntry, Matchup, Member, OutboxMessage, Week
from tests.book import Book
from tests.outbox_callbacks import Callbacks, RefusedForGood


async def _dms(db) -> list[OutboxMessage]:
    async with db.read() as session:
        return list(
            (
                await session.scalars(
                    select(OutboxMessage).where(OutboxMessage.kind == DM_KIND).order_by(OutboxMessage.id)
                )
            ).all()
        )


async def _bets_and_settle(book: Book) -> None:
    """alex and blake opt in and bet; casey bets without opting in; drew opts in and never bets."""
    for user in ("alex", "blake", "drew"):
        assert (await book.run(user, "notify", dms="on")).tone is Tone.SUCCESS
    for user, kind, pick, stake in (
        ("alex", "moneyline", "home", 100),
        ("alex", "total", "over", 40),
        ("blake", "moneyline", "away", 100),
        ("casey", "moneyline", "home", 50),
    ):
        assert (await book.place(user, await book.market_number(kind, 0), pick, stake)).tone is Tone.SUCCESS
    book.clock.advance(timedelta(days=8))
    assert (await book.due()).settled


async def test_notify_turns_dms_on_and_off_and_reports_the_setting(db):
    book = await Book(db).open()
    assert "off" in (await book.run("alex", "notify")).text
    on = await book.run("alex", "notify", dms="ON")
    assert on.tone is Tone.SUCCESS and "direct message" in on.text
    assert "are on" in (await book.run("alex", "notify")).text
    assert (await book.run("alex", "notify", dms="off")).tone is Tone.SUCCESS
    async with db.read() as session:
        assert await session.scalar(select(Member.dm_opt_in).where(Member.user_id == "alex")) is False


async def test_bad_notify_inputs_are_refused_and_change_nothing(db):
    book = await Book(db).open()
    await book.run("alex", "notify")
    before = await book.snapshot()
    for args in ({"dms": "maybe"}, {"dms": "yes"}, {"dms": "on off"}, {"dms": "on", "loud": "yes"}):
        reply = await book.run("alex", "notify", **args)
        assert reply.tone is Tone.ERROR, args
        assert "Traceback" not in reply.text and reply.text
    assert "'maybe' isn't on or off" in (await book.run("alex", "notify", dms="maybe")).text
    assert await book.snapshot() == before


async def test_settlement_queues_one_dm_per_opted_in_bettor_and_never_twice(any_db):
    db = any_db
    book = await Book(db).open()
    await _bets_and_settle(book)
    dms = await _dms(db)
    assert sorted(m.payload["to"] for m in dms) == ["alex", "blake"]  # not casey (off), not drew (no bets)

    alex = next(m for m in dms if m.payload["to"] == "alex")
    reply = reply_from_dict(alex.payload)
    async with db.read() as session:
        bets = (await session.scalars(select(Bet).join(Member).where(Member.user_id == "alex"))).all()
    assert f"your balance is {await book.balance('alex'):,} credits" in reply.text
    assert {row[0] for row in reply.tables[0].rows} == {f"#{b.id}" for b in bets}
    assert {row[4] for row in reply.tables[0].rows} == {b.status for b in bets}
    net = sum((b.payout or 0) - b.stake for b in bets)
    assert f"Net {net:+,}" in reply.text

    # Settling again, forced, and a restarted process on the same database queue nothing more.
    league = await book.league()
    assert await settle_due(db, league, book.clock.now(), force=True) == []
    again = Book(db, book.clock)
    await again.open()
    assert [m.id for m in await _dms(db)] == [m.id for m in dms]

    # ESPN corrects matchup 1 so the other side wins: each opted-in member whose bet changed
    # gets one DM about it (casey's bet changed too, but casey did not opt in).
    async with db.write() as session:
        matchup = (await session.scalars(select(Matchup).order_by(Matchup.id))).first()
        assert matchup is not None
        home, away = matchup.home_score or 0, matchup.away_score or 0
        matchup.home_score, matchup.away_score = away - 50, home + 50
    corrections = await regrade_due(db, league, book.clock.now())
    assert len({c.member_id for c in corrections}) == 3
    regrades = [m for m in await _dms(db) if m.dedupe_key.startswith("dm:regrade:")]
    assert sorted(m.payload["to"] for m in regrades) == ["alex", "blake"]
    text = reply_from_dict(regrades[0].payload).text
    assert "ESPN corrected week 12" in text and "balance is" in text
    assert await regrade_due(db, league, book.clock.now()) == []  # nothing changed: nothing queued
    assert len(await _dms(db)) == 4


async def test_dms_go_once_a_refusal_is_final_and_channel_posts_never_wait_for_them(db):
    book = await Book(db).open()
    now = book.clock.now()
    async with db.write() as session:
        for user in ("alex", "blake"):
            reply = Reply(f"Week 12 is settled, {user}.", ephemeral=False)
            payload = dm_payload(user, reply)
            await enqueue(
                session,
                league_id=book.league_id,
                kind=DM_KIND,
                dedupe_key=f"dm:{user}",
                payload=payload,
                now=now,
            )
        await enqueue_post(
            session,
            league_id=book.league_id,
            kind="settled",
            dedupe_key="settled:test",
            reply=Reply("The week is settled.", ephemeral=False),
            now=now,
        )
    sent: list[str] = []
    flaky = {"blake": 2}

    async def send_dm(_league: League, user: str, reply: Reply) -> None:
        if user == "alex":
            raise RefusedForGood("Discord 50007: the member does not accept direct messages")
        if flaky.get(user):
            flaky[user] -= 1
            raise ConnectionError("network blip")
        sent.append(user)

    channel: list[str] = []

    async def post(_league: League, reply: Reply) -> str:
        channel.append(reply.text)
        return str(len(channel))

    outbox = OutboxLoop(db, book.clock, Callbacks(send_post=post, send_dm=send_dm))
    # Channel delivery takes no DM and is not held up by the failing ones.
    assert await outbox.deliver_posts() >= 1
    assert any("settled" in text.lower() for text in channel)
    assert await outbox.deliver_direct() == 0
    assert await outbox.deliver_direct() == 0
    assert await outbox.deliver_direct() == 1
    assert await outbox.deliver_direct() == 0  # nothing left: never twice
    assert sent == ["blake"]
    by_user = {m.payload["to"]: m for m in await _dms(db)}
    assert by_user["alex"].status == "failed" and by_user["alex"].attempts == 1
    assert "50007" in (by_user["alex"].last_error or "")
    assert by_user["blake"].status == "sent" and by_user["blake"].attempts == 3


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


async def test_export_gives_the_commissioner_every_bet_and_ledger_entry_as_csv(any_db):
    db = any_db
    book = await Book(db).open()
    other = await Book(db, book.clock, workspace="elsewhere").open()  # another tenant's league
    assert (
        await other.place("zed", await other.market_number("moneyline", 0), "home", 77)
    ).tone is Tone.SUCCESS
    # A member name a spreadsheet would run as a formula.
    assert (await book.place("=HYPERLINK(evil)", await book.market_number("spread", 1), "home", 30)).tone is (
        Tone.SUCCESS
    )
    await _bets_and_settle(book)
    adjusted = await book.run("boss", "adjust", admin=True, member="casey", amount=-25, reason="late fee")
    assert adjusted.tone is Tone.SUCCESS, adjusted.text

    reply = await book.run("boss", "export", admin=True)
    assert reply.tone is not Tone.ERROR and reply.ephemeral, reply.text
    bets_file, ledger_file = reply.files
    assert bets_file.filename.endswith("-bets.csv") and ledger_file.filename.endswith("-ledger.csv")
    assert bets_file.content_type == "text/csv"
    bets, ledger = _rows(bets_file.data), _rows(ledger_file.data)

    async with db.read() as session:
        league_bets = (await session.scalars(select(Bet).where(Bet.league_id == book.league_id))).all()
        entries = (
            await session.scalars(select(LedgerEntry).where(LedgerEntry.league_id == book.league_id))
        ).all()
        balances = {
            user: balance
            for user, balance in (
                await session.execute(
                    select(Member.user_id, Member.balance).where(Member.league_id == book.league_id)
                )
            ).all()
        }
        audited = await session.scalar(select(AuditLog).where(AuditLog.action == "export"))
    assert f"{len(league_bets)} bets and {len(entries)} ledger entries" in reply.text
    assert sorted(int(b["bet_number"]) for b in bets) == sorted(b.number for b in league_bets)
    assert "zed" not in bets_file.data.decode() + ledger_file.data.decode()
    assert len(ledger) == len(entries)

    # Totals reconcile: each member's entries sum to their balance, the running balance ends
    # there too, and every bet's stake and payout are its ledger rows.
    totals: dict[str, int] = defaultdict(int)
    last: dict[str, int] = {}
    for row in ledger:
        totals[row["user_id"]] += int(row["amount"])
        last[row["user_id"]] = int(row["balance_after"])
    names = {_csv_user(u): b for u, b in balances.items() if u != "boss"}  # boss has no entries
    assert dict(totals) == names and last == names
    for bet in bets:
        moved = Counter()
        for row in ledger:
            if row["bet_number"] == bet["bet_number"]:
                moved[row["kind"]] += int(row["amount"])
        assert moved["stake"] == -int(bet["stake"])
        assert moved["payout"] + moved["refund"] == int(bet["payout"] or 0)
    assert {b["status"] for b in bets} <= {"won", "lost", "push", "void"}
    assert any(r["kind"] == "adjustment" and r["memo"] == "late fee" for r in ledger)
    assert {b["member"] for b in bets} >= {"'=HYPERLINK(evil)", "alex"}  # neutralised formula
    assert audited is not None and audited.actor_user_id == "boss"


def _csv_user(user_id: str) -> str:
    return "'" + user_id if user_id.startswith("=") else user_id


async def test_members_cannot_export_and_nothing_is_written(db):
    book = await Book(db).open()
    await book.place("alex", await book.market_number(), "home", 10)
    before = await book.snapshot()
    reply = await book.run("alex", "export")
    assert reply.tone is Tone.ERROR and "commissioners only" in reply.text and not reply.files
    assert await book.snapshot() == before


async def test_winner_role_setting_takes_a_role_id_or_mention_and_is_inert_off_discord(db):
    book = await Book(db).open()
    role = "1234567890123456789"
    for bad in ("winners", "12", "<@&abc>", "@everyone"):
        reply = await book.run("boss", "config set", admin=True, setting="winner_role", value=bad)
        assert reply.tone is Tone.ERROR and "role id" in reply.text, bad
    reply = await book.run("boss", "config set", admin=True, setting="winner_role", value=f"<@&{role}>")
    assert reply.tone is Tone.SUCCESS and "only on Discord" in reply.text
    async with db.read() as session:
        assert (await session.get(League, book.league_id)).settings["winner_role"] == role
    async with db.write() as session:  # a console league: the setting does nothing here
        week = (await session.scalars(select(Week))).one()
        assert not await queue_winner_role(session, await book.league(), week, role, book.clock.now())
    await book.run("boss", "config set", admin=True, setting="winner_role", value="none")
    async with db.read() as session:
        assert (await session.get(League, book.league_id)).settings["winner_role"] == ""


async def test_winner_role_hand_over_takes_the_role_from_last_weeks_holders(db):
    clock = ManualClock(DEMO_WEEK_START)
    league = await ensure_demo_league(db, "424242424242424242", clock.now(), platform="discord")
    book = Book(db, clock, workspace="424242424242424242")
    book.league_id = league.id
    await book.due()
    old_role, new_role = "1111111111111111111", "2222222222222222222"
    async with db.write() as session:
        week = (await session.scalars(select(Week).where(Week.league_id == league.id))).one()
        await enqueue(
            session,
            league_id=league.id,
            kind=ROLE_KIND,
            dedupe_key="winner_role:week:earlier",
            payload=role_payload("424242424242424242", old_role, ["U1", "U2"], []),
            now=clock.now(),
        )
        # Nobody has a settled bet this week: no winner, so both holders lose the old role.
        assert await queue_winner_role(session, league, week, new_role, clock.now())
        assert not await queue_winner_role(session, league, week, new_role, clock.now())  # once per week
        payload = await session.scalar(
            select(OutboxMessage.payload).where(OutboxMessage.dedupe_key == f"winner_role:week:{week.id}")
        )
    changes = role_changes(payload)
    expected = [(old_role, "U1", False), (old_role, "U2", False)]
    assert [(c.role_id, c.user_id, c.add) for c in changes] == expected
    assert {c.guild_id for c in changes} == {"424242424242424242"}
