"""Settlement pays exactly what the odds say, once; admin actions are audited."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

import engine
from commands.replies import Tone
from commands.services.lifecycle import settle_due
from storage import leases
from storage.models import AuditLog, Bet, LedgerEntry, Market, Matchup, Member, Selection
from tests.book import Book


async def _settle(book: Book) -> None:
    book.clock.advance(timedelta(days=8))
    report = await book.due()
    assert report.settled


async def test_settlement_grades_from_final_scores_and_pays_once(db):
    book = await Book(db).open()
    stakes = {}
    for user, kind, pick, stake in (
        ("alex", "moneyline", "home", 100),
        ("blake", "moneyline", "away", 100),
        ("alex", "total", "over", 37),
        ("blake", "total", "under", 41),
        ("casey", "spread", "home", 55),
        ("casey", "prop", "over", 20),
    ):
        reply = await book.place(user, await book.market_number(kind, 0), pick, stake)
        assert reply.tone is Tone.SUCCESS, reply.text
        stakes[user] = stakes.get(user, 0) + stake
    await _settle(book)

    async with db.read() as session:
        rows = (
            await session.execute(
                select(Bet, Market, Selection, Matchup)
                .join(Market, Market.id == Bet.market_id)
                .join(Selection, Selection.id == Bet.selection_id)
                .join(Matchup, Matchup.id == Market.matchup_id)
            )
        ).all()
        assert len(rows) == 6
        for bet, market, selection, matchup in rows:
            assert matchup.home_score is not None and matchup.away_score is not None
            if market.kind == "prop":
                continue
            expected = engine.grade(
                engine.MarketKind(market.kind),
                selection.side,
                bet.line,
                market.subject or None,
                engine.MatchupResult(matchup.home_score, matchup.away_score),
            )
            assert bet.status == expected.value
            assert bet.payout == engine.payout(bet.stake, bet.odds, expected)
        ml_bets = [b for b, m, _, _ in rows if m.kind == "moneyline"]
        assert sorted(b.status for b in ml_bets) in (["lost", "won"], ["push", "push"])
        payouts = await session.scalar(
            select(func.sum(LedgerEntry.amount)).where(LedgerEntry.kind.in_(("payout", "refund")))
        )
        assert payouts == sum(b.payout for b, *_ in rows)

    before = await book.snapshot()
    league = await book.league()
    assert await settle_due(db, league, book.clock.now(), force=True) == []
    await book.due()
    assert await book.snapshot() == before
    assert "already settled" in (await book.run("alex", "settle", admin=True)).text


async def test_void_market_refunds_open_and_reverses_settled_bets(db):
    book = await Book(db).open()
    ml = await book.market_number("moneyline", 0)
    await book.place("alex", ml, "home", 100)
    await book.place("blake", ml, "away", 100)
    await _settle(book)
    before = {u: await book.balance(u) for u in ("alex", "blake")}
    reply = await book.run("casey", "void market", admin=True, market=ml, reason="scoring error")
    assert reply.tone is Tone.SUCCESS, reply.text
    after = {u: await book.balance(u) for u in ("alex", "blake")}
    # whoever won gives back the winnings, whoever lost gets the stake back: both end at 1000
    assert after == {"alex": 1000, "blake": 1000}
    assert before != after
    async with db.read() as session:
        assert (
            await session.scalar(
                select(func.count()).select_from(AuditLog).where(AuditLog.action == "void.market")
            )
        ) == 1
        statuses = set((await session.scalars(select(Bet.status))).all())
        ledger = await session.scalar(select(func.sum(LedgerEntry.amount)))
        balances = await session.scalar(select(func.sum(Member.balance)))
    assert statuses == {"void"} and ledger == balances
    again = await book.run("casey", "void market", admin=True, market=ml, reason="again")
    assert "already void" in again.text


async def test_void_open_bet_refunds_and_frees_liability(db):
    book = await Book(db).open()
    ml = await book.market_number("moneyline", 0)
    placed = await book.place("alex", ml, "home", 80)
    bet_id = int(placed.text.split("#")[1].split(",")[0])
    reply = await book.run("blake", "void bet", admin=True, bet=bet_id, reason="duplicate")
    assert reply.tone is Tone.SUCCESS
    assert await book.balance("alex") == 1000
    assert (await book.ledger_sums())["min_liability"] == 0


async def test_admin_adjust_config_and_pause_are_audited(db):
    book = await Book(db).open()
    await book.run("blake", "balance")
    assert (
        "Gave 250 credits to blake"
        in (
            await book.run(
                "alex", "adjust", admin=True, member="blake", amount="250", reason="won the draft lottery"
            )
        ).text
    )
    assert await book.balance("blake") == 1250
    assert (
        "Took 50 credits from blake"
        in (
            await book.run("alex", "adjust", admin=True, member="@blake", amount="-50", reason="late fee")
        ).text
    )
    assert (
        "`margin_pct` is now 3.0"
        in (await book.run("alex", "config set", admin=True, setting="margin_pct", value="3")).text
    )
    assert (
        "`props` is now off (was on)"
        in (await book.run("alex", "config set", admin=True, setting="props", value="off")).text
    )
    await book.run("alex", "pause", admin=True)
    await book.run("alex", "resume", admin=True)
    async with db.read() as session:
        actions = (await session.scalars(select(AuditLog.action).order_by(AuditLog.id))).all()
    assert actions == ["adjust", "adjust", "config.set", "config.set", "pause", "resume"]
    shown = await book.run("alex", "config show", admin=True)
    assert ("margin_pct", "3.0") in {row[:2] for row in shown.tables[0].rows}


async def test_expired_quote_is_requoted_not_accepted(db):
    book = await Book(db).open()
    slip = await book.run("alex", "bet", market=await book.market_number("total", 0), pick="over", stake=30)
    quote = await book.slip_number(slip)
    book.clock.advance(timedelta(seconds=61))
    before_balance = await book.balance("alex")
    reply = await book.run("alex", "confirm", quote=quote)
    assert "expired before you confirmed, so nothing was placed" in reply.text
    fresh = await book.slip_number(reply)
    assert fresh != quote
    assert await book.balance("alex") == before_balance
    placed = await book.run("alex", "confirm", quote=fresh)
    assert placed.text.startswith("Bet placed")
    assert "discarded" in (await book.run("alex", "confirm", quote=quote)).text


async def test_cancel_refunds_before_lock(db):
    book = await Book(db).open()
    placed = await book.place("alex", await book.market_number("moneyline", 2), "away", 60)
    bet_id = int(placed.text.split("#")[1].split(",")[0])
    assert "refunded" in (await book.run("alex", "cancel", bet=bet_id)).text
    assert await book.balance("alex") == 1000
    assert "only open bets" in (await book.run("alex", "cancel", bet=bet_id)).text


async def test_all_in_is_capped_at_max_stake(db):
    book = await Book(db).open()
    slip = await book.run(
        "alex", "bet", market=await book.market_number("moneyline", 0), pick="home", stake="all"
    )
    assert ("Stake", "250 credits") in {(f.name, f.value) for f in slip.cards[0].fields}


async def test_unexpected_errors_show_a_reference_not_internals(db, caplog, monkeypatch):
    book = await Book(db).open()
    from commands.handlers import HANDLERS

    async def broken(ctx, args):
        raise RuntimeError("database password is hunter2")

    monkeypatch.setitem(HANDLERS, "balance", broken)
    reply = await book.run("alex", "balance")
    assert reply.tone is Tone.ERROR and "(ref " in reply.text and "hunter2" not in reply.text
    ref = reply.text.split("(ref ")[1].split(")")[0]
    assert any(ref in r.getMessage() for r in caplog.records)


async def test_public_tickets_post_each_bet_once(db):
    from sqlalchemy import select

    from storage.models import OutboxMessage

    book = await Book(db).open()
    await book.run("alex", "config set", admin=True, setting="public_tickets", value="on")
    slip = await book.slip_number(
        await book.run("blake", "bet", market=await book.market_number("total", 1), pick="under", stake=15)
    )
    await book.run("blake", "confirm", quote=slip)
    await book.run("blake", "confirm", quote=slip)
    async with db.read() as session:
        tickets = (await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "ticket"))).all()
    assert len(tickets) == 1 and "blake put 15 credits on Under" in tickets[0].payload["text"]


async def test_admin_list_settings_parse_and_clear(db):
    book = await Book(db).open()
    reply = await book.run("alex", "config set", admin=True, setting="admins", value="U1, U2")
    assert reply.tone is Tone.SUCCESS
    from commands.league_settings import LeagueSettings

    league = await book.league()
    assert LeagueSettings.model_validate(league.settings).admin_ids == {"U1", "U2"}
    await book.run("alex", "config set", admin=True, setting="admins", value="none")
    league = await book.league()
    assert LeagueSettings.model_validate(league.settings).admin_ids == frozenset()


async def test_settle_waits_for_another_process_working_on_the_league(db):
    """A commissioner's `settle` takes the league's job lease, as every scheduler pass does."""
    book = await Book(db).open()
    assert (
        await book.place("alex", await book.market_number("moneyline", 0), "home", 100)
    ).tone is Tone.SUCCESS
    book.clock.advance(timedelta(days=8))
    league = await book.league()
    name = leases.league_lease(league.id)
    assert await leases.claim(db, name, "another-replica", book.clock.now(), timedelta(minutes=10))
    before = await book.snapshot()
    busy = await book.run("alex", "settle", admin=True)
    assert busy.tone is Tone.ERROR and "busy with this league" in busy.text
    assert await book.snapshot() == before

    await leases.release(db, name, "another-replica", book.clock.now())
    done = await book.run("alex", "settle", admin=True)
    assert done.tone is Tone.SUCCESS, done.text
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Bet).where(Bet.status == "open")) == 0
