"""Grading and paying bets, voids and corrections.

Settlement is exactly-once by construction: a bet is moved out of `open` by a conditional
UPDATE and its payout's ledger entry has a dedupe key per bet, so a job that runs twice,
or two processes settling the same week, pay each bet once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Row, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

import engine
from commands.errors import Conflict
from commands.format import credits
from storage.ledger import Credit, InsufficientBalance, post_credits, post_entry
from storage.models import Bet, LedgerEntry, Market, Matchup, Member, Selection, Starter, Week


@dataclass(slots=True)
class SettlementSummary:
    week_id: int
    bets: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    staked: int = 0
    paid: int = 0


def market_result(
    market: Market, matchup: Matchup, starters: dict[int, Starter]
) -> engine.MatchupResult | engine.PlayerResult:
    if market.kind == "prop":
        starter = starters.get(int(market.subject))
        points = starter.points if starter is not None else None
        return engine.PlayerResult(points=points, played=points is not None)
    return engine.MatchupResult(home_score=matchup.home_score or 0.0, away_score=matchup.away_score or 0.0)


async def _week_starters(session: AsyncSession, matchup_ids: list[int]) -> dict[int, dict[int, Starter]]:
    """Per matchup, its starters by player id: what prop markets are graded from."""
    starters: dict[int, dict[int, Starter]] = {}
    for row in (await session.scalars(select(Starter).where(Starter.matchup_id.in_(matchup_ids)))).all():
        starters.setdefault(row.matchup_id, {})[row.player_id] = row
    return starters


async def _week_results(
    session: AsyncSession, week: Week
) -> tuple[dict[int, Matchup], dict[int, dict[int, Starter]]]:
    """The week's matchups and, per matchup, its starters by player id: what grading reads."""
    matchups = {
        m.id: m for m in (await session.scalars(select(Matchup).where(Matchup.week_id == week.id))).all()
    }
    return matchups, await _week_starters(session, list(matchups))


async def settle_week(session: AsyncSession, week: Week, now: datetime) -> SettlementSummary:
    """Grade every open bet of the week from its final scores and pay it, in the caller's txn.

    Set-based, because a league can hold thousands of bets and one statement per bet made
    settling 10,000 leagues take hours: the open bets are read (and on PostgreSQL locked,
    so a second settler or a concurrent void waits and then finds them settled) in one
    query, graded in Python by the engine, then marked with one executemany whose WHERE
    still requires `open`, and paid through post_credits, whose UNIQUE dedupe key per bet
    makes a rerun pay nothing twice. Everything happens in the caller's transaction, so a
    crash part-way leaves the week exactly as it was.
    """
    summary = SettlementSummary(week.id)
    # Markets and their matchups in one query: each statement is a round trip to the
    # driver's thread, paid once per league per pass.
    rows = (
        await session.execute(
            select(Market, Matchup)
            .join(Matchup, Matchup.id == Market.matchup_id)
            .where(Market.week_id == week.id, Market.status.in_(("open", "locked")))
        )
    ).all()
    markets = {market.id: market for market, _ in rows}
    if markets:
        matchups = {matchup.id: matchup for _, matchup in rows}
        starters = (
            await _week_starters(session, list(matchups))
            if any(m.kind == engine.MarketKind.PROP for m in markets.values())
            else {}
        )
        results = {
            m.id: market_result(m, matchups[m.matchup_id], starters.get(m.matchup_id, {}))
            for m in markets.values()
        }
        bets = (
            await session.execute(
                select(
                    Bet.id,
                    Bet.league_id,
                    Bet.member_id,
                    Bet.market_id,
                    Bet.stake,
                    Bet.odds,
                    Bet.line,
                    Selection.side,
                )
                .join(Selection, Selection.id == Bet.selection_id)
                .where(Bet.week_id == week.id, Bet.status == "open", Bet.market_id.in_(list(markets)))
                .order_by(Bet.member_id, Bet.id)
                .with_for_update(of=Bet)
            )
        ).all()
        await _pay_graded(session, week, bets, markets, results, now, summary)
    for market in markets.values():
        market.status = "settled"
    week.status = "settled"
    week.settled_at = now
    return summary


async def _pay_graded(
    session: AsyncSession,
    week: Week,
    bets: Sequence[Row[tuple[int, int, int, int, int, int, float | None, str]]],
    markets: dict[int, Market],
    results: dict[int, engine.MatchupResult | engine.PlayerResult],
    now: datetime,
    summary: SettlementSummary,
) -> None:
    # Many bets share a selection and line, and many a stake and price: grade and price each
    # combination once.
    grades: dict[tuple[int, str, float | None], engine.Outcome] = {}
    payouts: dict[tuple[int, int, engine.Outcome], int] = {}
    marks: list[dict[str, object]] = []
    credits: list[Credit] = []
    for bet_id, league_id, member_id, market_id, stake, odds, line, side in bets:
        outcome = grades.get((market_id, side, line))
        if outcome is None:
            market = markets[market_id]
            outcome = engine.grade(
                engine.MarketKind(market.kind), side, line, market.subject or None, results[market_id]
            )
            grades[(market_id, side, line)] = outcome
        amount = payouts.get((stake, odds, outcome))
        if amount is None:
            amount = payouts[(stake, odds, outcome)] = engine.payout(stake, odds, outcome)
        marks.append({"b_id": bet_id, "b_status": outcome.value, "b_payout": amount})
        if amount:
            credits.append(
                Credit(
                    league_id=league_id,
                    member_id=member_id,
                    kind="payout" if outcome is engine.Outcome.WON else "refund",
                    amount=amount,
                    dedupe_key=f"settle:bet:{bet_id}",
                    bet_id=bet_id,
                    week_id=week.id,
                    memo=outcome.value,
                )
            )
        summary.outcomes[outcome.value] += 1
        summary.staked += stake
        summary.paid += amount
    summary.bets += len(marks)
    if not marks:
        return
    table = Bet.__table__
    await session.execute(
        update(table)
        .where(table.c.id == bindparam("b_id"), table.c.status == "open")
        .values(status=bindparam("b_status"), payout=bindparam("b_payout"), settled_at=now, void_reason=None),
        marks,
    )
    await post_credits(session, credits, now)


async def _pay(
    session: AsyncSession,
    bet: Bet,
    outcome: engine.Outcome,
    now: datetime,
    summary: SettlementSummary,
    reason: str | None = None,
) -> None:
    amount = engine.payout(bet.stake, bet.odds, outcome)
    moved = await session.execute(
        update(Bet)
        .where(Bet.id == bet.id, Bet.status == "open")
        .values(status=outcome.value, payout=amount, settled_at=now, void_reason=reason)
    )
    if moved.rowcount != 1:
        return  # someone else settled it
    if amount:
        await post_entry(
            session,
            league_id=bet.league_id,
            member_id=bet.member_id,
            kind="payout" if outcome is engine.Outcome.WON else "refund",
            amount=amount,
            dedupe_key=f"settle:bet:{bet.id}",
            bet_id=bet.id,
            week_id=bet.week_id,
            memo=reason or outcome.value,
            now=now,
        )
    summary.bets += 1
    summary.outcomes[outcome.value] += 1
    summary.staked += bet.stake
    summary.paid += amount


async def void_bets(session: AsyncSession, bets: list[Bet], reason: str, now: datetime) -> SettlementSummary:
    """Refund open bets; reverse settled ones with a correction entry.

    A settled winner that is voided gives back its winnings; if the member has already
    spent them the void is refused rather than driving the balance below zero.
    """
    summary = SettlementSummary(bets[0].week_id if bets else 0)
    for bet in bets:
        if bet.status == "open":
            await _pay(session, bet, engine.Outcome.VOID, now, summary, reason=reason)
            await session.execute(
                update(Selection)
                .where(Selection.id == bet.selection_id)
                .values(liability=Selection.liability - engine.liability(bet.stake, bet.odds))
            )
        elif bet.status in ("won", "lost", "push"):
            delta = bet.stake - (bet.payout or 0)
            if delta:
                try:
                    await post_entry(
                        session,
                        league_id=bet.league_id,
                        member_id=bet.member_id,
                        kind="correction",
                        amount=delta,
                        dedupe_key=f"void:bet:{bet.id}",
                        bet_id=bet.id,
                        week_id=bet.week_id,
                        memo=f"voided: {reason}",
                        now=now,
                    )
                except InsufficientBalance as exc:
                    member = await session.get(Member, bet.member_id)
                    name = member.display_name if member else "the member"
                    raise Conflict(
                        f"Can't void bet #{bet.id}: {name} has {credits(exc.balance)} and would owe "
                        f"{credits(-delta)} back. Adjust their credits first or leave it."
                    ) from None
            bet.status, bet.payout, bet.void_reason, bet.settled_at = "void", bet.stake, reason, now
            summary.bets += 1
            summary.outcomes["void"] += 1
    return summary


@dataclass(frozen=True, slots=True)
class Correction:
    bet_id: int
    member_id: int
    label: str
    was: str
    now: str
    amount: int  # credits actually moved
    shortfall: int  # what could not be taken back because the balance ran out


async def regrade_week(session: AsyncSession, week: Week, now: datetime) -> list[Correction]:
    """Re-grade a settled week from its current scores; every change is a correction entry.

    A correction that takes credits back takes at most what the member has left: a balance
    never goes below zero, and the notice says how much could not be recovered.
    """
    matchups, starters = await _week_results(session, week)
    markets = (
        await session.scalars(select(Market).where(Market.week_id == week.id, Market.status == "settled"))
    ).all()
    corrections: list[Correction] = []
    for market in markets:
        result = market_result(market, matchups[market.matchup_id], starters.get(market.matchup_id, {}))
        selections = {
            s.id: s
            for s in (await session.scalars(select(Selection).where(Selection.market_id == market.id))).all()
        }
        bets = (
            await session.scalars(
                select(Bet)
                .where(Bet.market_id == market.id, Bet.status.in_(("won", "lost", "push", "void")))
                .order_by(Bet.id)
            )
        ).all()
        for bet in bets:
            if bet.status == "void" and bet.void_reason is not None:
                continue  # voided by a commissioner, not by the scores
            selection = selections[bet.selection_id]
            outcome = engine.grade(
                engine.MarketKind(market.kind), selection.side, bet.line, market.subject or None, result
            )
            amount = engine.payout(bet.stake, bet.odds, outcome)
            if outcome.value == bet.status and amount == bet.payout:
                continue
            corrections.append(await _correct(session, bet, selection.label, outcome, amount, now))
    return corrections


async def _correct(
    session: AsyncSession, bet: Bet, label: str, outcome: engine.Outcome, amount: int, now: datetime
) -> Correction:
    # What the member holds for this bet is what the ledger paid them, not the recorded
    # payout: a clawback that could not be fully recovered must not be re-paid in full later.
    received = await session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
            LedgerEntry.bet_id == bet.id, LedgerEntry.kind.in_(("payout", "refund", "correction"))
        )
    )
    delta = amount - int(received or 0)
    previous = await session.scalar(
        select(func.count())
        .select_from(LedgerEntry)
        .where(LedgerEntry.bet_id == bet.id, LedgerEntry.kind == "correction")
    )
    key = f"regrade:bet:{bet.id}:{(previous or 0) + 1}"
    memo = f"stat correction: {bet.status} -> {outcome.value}"

    async def post(credits_moved: int, note: str) -> None:
        await post_entry(
            session,
            league_id=bet.league_id,
            member_id=bet.member_id,
            kind="correction",
            amount=credits_moved,
            dedupe_key=key,
            bet_id=bet.id,
            week_id=bet.week_id,
            memo=note,
            now=now,
        )

    moved, shortfall = delta, 0
    if delta:
        try:
            await post(delta, memo)
        except InsufficientBalance as exc:
            moved, shortfall = -exc.balance, -delta - exc.balance
            if moved:
                await post(moved, f"{memo}; {shortfall} not recoverable")
    was = bet.status
    bet.status, bet.payout, bet.settled_at = outcome.value, amount, now
    return Correction(bet.id, bet.member_id, label, was, outcome.value, moved, shortfall)
