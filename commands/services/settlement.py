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
from typing import Any

from sqlalchemy import func, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncSession

import engine
from commands.errors import Conflict
from commands.format import credits
from storage import row_sets
from storage.ledger import Credit, InsufficientBalance, post_credits, post_entry
from storage.models import (
    BenchPlayer,
    Bet,
    LedgerEntry,
    Market,
    Matchup,
    Member,
    Selection,
    Starter,
    Week,
)


@dataclass(slots=True)
class SettlementSummary:
    week_id: int
    bets: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    staked: int = 0
    paid: int = 0


def market_result(
    kind: str,
    subject: str | None,
    home_score: float | None,
    away_score: float | None,
    points: dict[int, float | None],
) -> engine.MatchupResult | engine.PlayerResult:
    """What a market is graded from: the matchup's final scores, or a prop's player's points."""
    if kind == "prop":
        scored = points.get(int(subject or 0))
        return engine.PlayerResult(points=scored, played=scored is not None)
    return engine.MatchupResult(home_score=home_score or 0.0, away_score=away_score or 0.0)


async def _week_points(session: AsyncSession, matchup_ids: list[int]) -> dict[int, dict[int, float | None]]:
    """Per matchup, each rostered player's points by player id (None: did not play): what
    props grade from.

    A prop is about the player's real game, so a starter benched after the bet still grades
    on his points (his bench row has them); a player no roster of the matchup holds any more
    (dropped) has no points here, and his prop is void.
    """
    rosters = union_all(
        *(
            select(table.c.matchup_id, table.c.player_id, table.c.points).where(
                table.c.matchup_id.in_(matchup_ids)
            )
            for table in (Starter.__table__, BenchPlayer.__table__)
        )
    )
    points: dict[int, dict[int, float | None]] = {}
    for matchup_id, player_id, scored in await session.execute(rosters):
        points.setdefault(matchup_id, {})[player_id] = scored
    return points


# The hot path of a scheduler pass, which settles every league in turn: plain SQL sent
# through storage.row_sets.driver_executor (one driver hand-off per statement on SQLite),
# and every per-bet write as one statement over a JSON row set.
# Each open bet with what grades it: its side and line, its market, and the matchup's
# scores. Ordered by member, and on PostgreSQL locked FOR UPDATE, so a second settler or
# a concurrent void waits (always taking row locks in the same order) and then finds them
# settled. SQLite needs no row locks: the transaction holds the database's write lock.
_OPEN_BETS = """
SELECT bets.id, bets.member_id, bets.market_id, bets.stake, bets.odds, bets.line, selections.side,
       markets.kind, markets.subject, markets.matchup_id, matchups.home_score, matchups.away_score
FROM bets
JOIN selections ON selections.id = bets.selection_id
JOIN markets ON markets.id = bets.market_id
JOIN matchups ON matchups.id = markets.matchup_id
WHERE bets.week_id = :week_id AND bets.status = 'open' AND markets.status IN ('open', 'locked')
ORDER BY bets.member_id, bets.id
"""
_LOCK_BETS = {"postgresql": " FOR UPDATE OF bets"}
# Every graded bet in one statement; the WHERE still requires `open`, so a bet settled or
# voided meanwhile is left alone.
_MARK_BETS = """
UPDATE bets SET status = r.status, payout = r.payout, settled_at = :now, void_reason = NULL
FROM {rows} WHERE bets.id = r.id AND bets.status = 'open'
"""
_MARK_COLUMNS: row_sets.Columns = (("id", "bigint"), ("status", "text"), ("payout", "bigint"))
_CLOSE_MARKETS = (
    "UPDATE markets SET status = 'settled' WHERE week_id = :week_id AND status IN ('open', 'locked')"
)
_CLOSE_WEEK = """
UPDATE weeks SET status = 'settled', settled_at = :now, corrections_close_at = :corrections_close_at
WHERE id = :week_id
"""


async def settle_week(
    session: AsyncSession,
    week_id: int,
    league_id: int,
    now: datetime,
    *,
    corrections_close_at: datetime | None,
) -> SettlementSummary:
    """Grade every open bet of the week from its final scores and pay it, in the caller's txn.

    Set-based, because a league can hold thousands of bets and one statement per bet made
    settling 10,000 leagues take hours: the open bets are read in one query, graded in
    Python by the engine, then marked by one UPDATE whose WHERE still requires `open`, and
    paid through post_credits, whose UNIQUE dedupe key per bet makes a rerun pay nothing
    twice. Everything happens in the caller's transaction, so a crash part-way leaves the
    week exactly as it was. The week row is written here too (status, settle time, and
    when stat corrections stop being applied).
    """
    summary = SettlementSummary(week_id)
    execute = await row_sets.driver_executor(session)
    dialect = session.bind.dialect.name
    bets = await execute(_OPEN_BETS + _LOCK_BETS.get(dialect, ""), {"week_id": week_id})
    if bets:
        points = (
            await _week_points(session, list({bet[9] for bet in bets}))
            if any(bet[7] == engine.MarketKind.PROP for bet in bets)
            else {}
        )
        marks, credits = _grade(week_id, league_id, bets, points, summary)
        await execute(
            row_sets.with_rows(_MARK_BETS, dialect, _MARK_COLUMNS),
            {"rows": row_sets.rows_param(marks), "now": now},
        )
        await post_credits(session, credits, now)
    # Every market of the week closes, with or without bets on it.
    await execute(_CLOSE_MARKETS, {"week_id": week_id})
    await execute(_CLOSE_WEEK, {"week_id": week_id, "now": now, "corrections_close_at": corrections_close_at})
    return summary


def _grade(
    week_id: int,
    league_id: int,
    bets: Sequence[Sequence[Any]],
    points: dict[int, dict[int, float | None]],
    summary: SettlementSummary,
) -> tuple[list[tuple[int, str, int]], list[Credit]]:
    """Each bet's outcome and payout (the marks) and the credits they pay."""
    # Many bets share a selection and line, and many a stake and price: grade and price each
    # combination once.
    grades: dict[tuple[int, str, float | None], engine.Outcome] = {}
    payouts: dict[tuple[int, int, engine.Outcome], int] = {}
    marks: list[tuple[int, str, int]] = []
    credits: list[Credit] = []
    won = engine.Outcome.WON
    for bet_id, member_id, market_id, stake, odds, line, side, kind, subject, matchup_id, home, away in bets:
        outcome = grades.get((market_id, side, line))
        if outcome is None:
            result = market_result(kind, subject, home, away, points.get(matchup_id, {}))
            outcome = engine.grade(engine.MarketKind(kind), side, line, subject or None, result)
            grades[(market_id, side, line)] = outcome
        amount = payouts.get((stake, odds, outcome))
        if amount is None:
            amount = payouts[(stake, odds, outcome)] = engine.payout(stake, odds, outcome)
        marks.append((bet_id, outcome.value, amount))
        if amount:
            credits.append(
                {
                    "league_id": league_id,
                    "member_id": member_id,
                    "kind": "payout" if outcome is won else "refund",
                    "amount": amount,
                    "dedupe_key": f"settle:bet:{bet_id}",
                    "bet_id": bet_id,
                    "week_id": week_id,
                    "memo": outcome.value,
                }
            )
        summary.outcomes[outcome.value] += 1
        summary.staked += stake
        summary.paid += amount
    summary.bets += len(marks)
    return marks, credits


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
    matchups = {
        m.id: m for m in (await session.scalars(select(Matchup).where(Matchup.week_id == week.id))).all()
    }
    points = await _week_points(session, list(matchups))
    markets = (
        await session.scalars(select(Market).where(Market.week_id == week.id, Market.status == "settled"))
    ).all()
    corrections: list[Correction] = []
    for market in markets:
        matchup = matchups[market.matchup_id]
        result = market_result(
            market.kind, market.subject, matchup.home_score, matchup.away_score, points.get(matchup.id, {})
        )
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
