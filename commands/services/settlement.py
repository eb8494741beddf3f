"""Grading and paying bets, voids and corrections, and the lock order they share.

Settlement is exactly-once by construction: a bet is moved out of `open` by a conditional
UPDATE and its payout's ledger entry has a dedupe key per bet, so a job that runs twice,
or two processes settling the same week, pay each bet once. Per bet, the ledger entries
carrying its id always sum to exactly what its state owes (payout less stake) plus the
shortfall it records (what a clawback could not take back).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, func, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncSession

import engine
from commands.services.multiway import MULTIWAY, multiway_scores, settle_multiway
from storage import keys, row_sets
from storage.ledger import Clawback, Credit, post_clawback, post_credits, post_entry
from storage.models import BenchPlayer, Bet, LedgerEntry, Market, Matchup, NflGame, Selection, Starter, Week
from storage.statuses import GRADED_BETS, BetStatus, MarketStatus


@dataclass(slots=True)
class SettlementSummary:
    week_id: int
    bets: int = 0
    matchup_period: int = 0  # the week's number, once read back (week_recap.week_summary)
    outcomes: Counter[str] = field(default_factory=Counter)
    staked: int = 0
    paid: int = 0


def market_result(
    kind: str,
    subject: str | None,
    home_score: float | None,
    away_score: float | None,
    points: dict[str, float | None],
    completed: bool = True,
) -> engine.MatchupResult | engine.PlayerResult:
    """What a market is graded from: the matchup's (or NFL game's) final scores, or a prop's
    player's points. `completed` is False for an NFL game not played to the end."""
    if kind == "prop":
        scored = points.get(subject or "")
        return engine.PlayerResult(points=scored, played=scored is not None)
    return engine.MatchupResult(
        home_score=home_score or 0.0, away_score=away_score or 0.0, completed=completed
    )


async def _week_points(session: AsyncSession, matchup_ids: list[int]) -> dict[int, dict[str, float | None]]:
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
    points: dict[int, dict[str, float | None]] = {}
    for matchup_id, player_id, scored in await session.execute(rosters):
        points.setdefault(matchup_id, {})[player_id] = scored
    return points


# The hot path of a scheduler pass, which settles every league in turn: plain SQL sent
# through storage.row_sets.driver_executor (one driver call per statement on SQLite),
# and every per-bet write as one statement over a JSON row set.
#
# The lock order every money path that moves bets out of a state shares (settling,
# voiding a market or a bet, re-grading), so that on PostgreSQL they queue rather than
# deadlock, and each decides from rows it holds: settlement's claim of the week row (no
# other money path writes weeks), then the market rows (in id order), then their bet rows
# (in id order), then selections (liability), then members (balances, in id order).
# Whoever takes a market first finishes with it before the other looks at its bets: a
# void that waited on settlement finds the bets settled and reverses them, and a
# settlement that waited on a void finds the market void and leaves it alone. A cancel
# moves one open bet of an open market (its bet, selection, member, in that order), and a
# placement shares the market row (FOR KEY SHARE, storage.bet_rules) so a void waits for
# the bet being placed and then voids it too. SQLite needs no row locks: a write
# transaction holds the whole database.
#
# Close the week's markets that are still taking or holding bets, locking them first. The
# locking sub-select skips a market voided meanwhile (its row is re-checked once the lock
# is held), so the bets read next are exactly those of the markets closed here.
_CLOSE_MARKETS = {
    "postgresql": """
UPDATE markets SET status = 'settled' WHERE id IN (
    SELECT id FROM markets WHERE week_id = :week_id AND status IN ('open', 'locked') ORDER BY id FOR UPDATE)
""",
    "sqlite": """
UPDATE markets SET status = 'settled' WHERE week_id = :week_id AND status IN ('open', 'locked')
""",
}


class OpenBet(NamedTuple):
    """An open bet with what grades it: its side and line, its market, the matchup's scores."""

    id: int
    member_id: int
    market_id: int
    stake: int
    odds: int
    line: float | None
    side: str
    kind: str
    subject: str | None
    matchup_id: int | None
    home_score: float | None
    away_score: float | None
    completed: bool


# The open bets of the markets just closed, with OpenBet's columns, locked (PostgreSQL). A
# market is a fantasy matchup's or an NFL game's (the games board): the scores are whichever
# it has, and a game counts only if it was played to the end.
_OPEN_BETS = """
SELECT bets.id, bets.member_id, bets.market_id, bets.stake, bets.odds, bets.line, selections.side,
       markets.kind, markets.subject, markets.matchup_id,
       COALESCE(matchups.home_score, nfl_games.home_score),
       COALESCE(matchups.away_score, nfl_games.away_score),
       COALESCE(nfl_games.completed, true)
FROM bets
JOIN selections ON selections.id = bets.selection_id
JOIN markets ON markets.id = bets.market_id
LEFT JOIN matchups ON matchups.id = markets.matchup_id
LEFT JOIN nfl_games ON nfl_games.id = markets.game_id
WHERE bets.week_id = :week_id AND bets.status = 'open' AND markets.status = 'settled'
ORDER BY bets.id
"""
_LOCK_BETS = {"postgresql": " FOR UPDATE OF bets"}
# Every graded bet in one statement; the WHERE still requires `open`, so a bet settled or
# voided meanwhile is left alone.
_MARK_BETS = """
UPDATE bets SET status = r.status, payout = r.payout, settled_at = :now, void_reason = NULL
FROM {rows} WHERE bets.id = r.id AND bets.status = 'open'
"""
_MARK_COLUMNS: row_sets.Columns = (("id", "bigint"), ("status", "text"), ("payout", "bigint"))
# The closed markets' sides have no open bets left, so nothing at stake: a side's liability
# is always what its open bets could win.
_RELEASE_LIABILITY = """
UPDATE selections SET liability = 0 WHERE liability != 0
  AND market_id IN (SELECT id FROM markets WHERE week_id = :week_id AND status = 'settled')
"""
# The week is claimed first, by a conditional write: whoever settles it takes its row (and,
# on PostgreSQL, its lock) before anything else, so a second settlement of the same week
# (another process, a commissioner's `settle` at that moment) finds it settled, writes
# nothing and reports nothing, instead of re-stamping it and posting a summary of 0 bets.
_CLAIM_WEEK = """
UPDATE weeks SET status = 'settled', settled_at = :now, corrections_close_at = :corrections_close_at
WHERE id = :week_id AND status != 'settled'
RETURNING id
"""


async def settle_week(
    session: AsyncSession,
    week_id: int,
    league_id: int,
    now: datetime,
    *,
    corrections_close_at: datetime | None,
) -> SettlementSummary | None:
    """Grade every open bet of the week from its final scores and pay it, in the caller's txn.

    Set-based, because a league can hold thousands of bets and one statement per bet made
    settling 10,000 leagues take hours: the week's markets are closed (and locked) first,
    their open bets read in one query, graded in Python by the engine, then marked by one
    UPDATE whose WHERE still requires `open`, their sides' liability released, and paid
    through post_credits, whose UNIQUE dedupe key per bet makes a rerun pay nothing twice.
    Everything happens in the caller's transaction, so a crash part-way leaves the week
    exactly as it was. The week row is claimed first (status, settle time, and when stat
    corrections stop being applied); None if another settlement already had it.
    """
    execute = await row_sets.driver_executor(session)
    dialect = session.get_bind().dialect.name
    week = {"week_id": week_id}
    if not await execute(_CLAIM_WEEK, week | {"now": now, "corrections_close_at": corrections_close_at}):
        return None
    summary = SettlementSummary(week_id)
    await execute(_CLOSE_MARKETS[dialect], week)
    rows = await execute(_OPEN_BETS + _LOCK_BETS.get(dialect, ""), week)
    if rows:
        bets = list(map(OpenBet._make, rows))
        points = (
            await _week_points(session, list({bet.matchup_id for bet in bets if bet.matchup_id is not None}))
            if any(bet.kind == engine.MarketKind.PROP for bet in bets)
            else {}
        )
        fields = await multiway_scores(session, list({b.market_id for b in bets if b.kind in MULTIWAY}))
        marks, credits = _grade(week_id, league_id, bets, points, summary, fields)
        await execute(
            row_sets.with_rows(_MARK_BETS, dialect, _MARK_COLUMNS),
            {"rows": row_sets.rows_param(marks), "now": now},
        )
        await execute(_RELEASE_LIABILITY, week)
        await post_credits(session, credits, now)
    return summary


def _grade(
    week_id: int,
    league_id: int,
    bets: Sequence[OpenBet],
    points: dict[int, dict[str, float | None]],
    summary: SettlementSummary,
    fields: dict[int, dict[str, float | None]] | None = None,
) -> tuple[list[tuple[int, str, int]], list[Credit]]:
    """Each bet's outcome and payout (the marks) and the credits they pay.

    A multi-way bet (high score, MVP) is graded from its market's `fields` (every entrant's
    score) under the dead-heat rule (commands/services/multiway.py).
    """
    # Many bets share a selection and line, and many a stake and price: grade and price each
    # combination once.
    grades: dict[tuple[int, str, float | None], engine.Outcome] = {}
    payouts: dict[tuple[int, int, engine.Outcome], int] = {}
    marks: list[tuple[int, str, int]] = []
    credits: list[Credit] = []
    won = engine.Outcome.WON
    for bet in bets:
        stake = bet.stake
        if bet.kind in MULTIWAY:
            scores = (fields or {}).get(bet.market_id, {})
            outcome, amount = settle_multiway(bet.kind, bet.side, stake, bet.odds, scores)
        else:
            outcome, amount = _two_way(bet, points, grades, payouts)
        bet_id = bet.id
        marks.append((bet_id, outcome.value, amount))
        if amount:
            credits.append(
                {
                    "league_id": league_id,
                    "member_id": bet.member_id,
                    "kind": "payout" if outcome is won else "refund",
                    "amount": amount,
                    "dedupe_key": keys.settle(bet_id),
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


def _two_way(
    bet: OpenBet,
    points: dict[int, dict[str, float | None]],
    grades: dict[tuple[int, str, float | None], engine.Outcome],
    payouts: dict[tuple[int, int, engine.Outcome], int],
) -> tuple[engine.Outcome, int]:
    """A two-way bet's outcome and payout, each combination graded and priced once."""
    graded = (bet.market_id, bet.side, bet.line)
    outcome = grades.get(graded)
    if outcome is None:
        result = market_result(
            bet.kind,
            bet.subject,
            bet.home_score,
            bet.away_score,
            points.get(bet.matchup_id or 0, {}),
            bool(bet.completed),
        )
        outcome = grades[graded] = engine.grade(
            engine.MarketKind(bet.kind), bet.side, bet.line, bet.subject or None, result
        )
    priced = (bet.stake, bet.odds, outcome)
    amount = payouts.get(priced)
    if amount is None:
        amount = payouts[priced] = engine.payout(*priced)
    return outcome, amount


# What a commissioner's void may move out of: an open bet, or one already graded.
VOIDABLE = (BetStatus.OPEN, BetStatus.WON, BetStatus.LOST, BetStatus.PUSH)


@dataclass(frozen=True, slots=True)
class Voided:
    bet_id: int
    bet_number: int  # the bet's number in the league, as its member knows it
    member_id: int
    stake: int
    was: BetStatus  # the status the void moved it out of
    moved: int  # credits the void moved (the stake back for an open bet; + or - for a graded one)
    shortfall: int  # winnings the member no longer had, so could not be taken back


_HELD = (
    select(LedgerEntry.bet_id, func.sum(LedgerEntry.amount))
    .where(LedgerEntry.bet_id.in_(bindparam("bet_ids", expanding=True)))
    .group_by(LedgerEntry.bet_id)
)


async def void_locked_bets(
    session: AsyncSession, bets: Sequence[Bet], reason: str, now: datetime
) -> list[Voided]:
    """Void bets the caller holds locked (their market first, see the lock order above).

    A void owes the member exactly their stake back, so what it moves is what the ledger
    actually moved for the bet so far, reversed: the stake of an open bet, and for a graded
    one its payout, refund and corrections less the stake. Never the recorded payout: a
    stat correction whose clawback came up short left the member holding more than it says.
    Winnings taken back take at most the member's balance (post_clawback); what is left is
    the bet's shortfall. Each bet moves out of the status it was read in by a conditional
    UPDATE, and one that moved meanwhile is left alone with nothing else changed.
    """
    ids = [bet.id for bet in bets]
    held = dict((await session.execute(_HELD, {"bet_ids": ids})).all()) if ids else {}
    done: list[Voided] = []
    for bet in sorted(bets, key=lambda b: (b.member_id, b.id)):  # balances in member id order
        was = bet.status
        moved_out = await session.execute(
            update(Bet)
            .where(Bet.id == bet.id, Bet.status == was)
            .values(status=BetStatus.VOID, payout=Bet.stake, void_reason=reason, settled_at=now)
            .execution_options(synchronize_session=False)
        )
        if row_sets.rows_changed(moved_out) != 1:
            continue
        owed = -int(held.get(bet.id) or 0)  # a void bet nets zero: stake out, stake back
        if was == BetStatus.OPEN:
            await session.execute(
                update(Selection)
                .where(Selection.id == bet.selection_id)
                .values(liability=Selection.liability - bet.liability)
            )
            await post_entry(
                session,
                league_id=bet.league_id,
                member_id=bet.member_id,
                kind="refund",
                amount=owed,
                dedupe_key=keys.settle(bet.id),
                bet_id=bet.id,
                week_id=bet.week_id,
                memo=reason,
                now=now,
            )
            back = Clawback(owed, 0)
        elif owed:
            back = await post_clawback(
                session,
                league_id=bet.league_id,
                member_id=bet.member_id,
                amount=owed,
                dedupe_key=keys.void_reversal(bet.id),
                bet_id=bet.id,
                week_id=bet.week_id,
                memo=f"voided: {reason}",
                now=now,
            )
        else:
            back = Clawback(0, 0)
        if back.shortfall != bet.shortfall:
            await session.execute(update(Bet).where(Bet.id == bet.id).values(shortfall=back.shortfall))
        done.append(Voided(bet.id, bet.number, bet.member_id, bet.stake, was, back.moved, back.shortfall))
    return done


@dataclass(frozen=True, slots=True)
class Correction:
    bet_id: int
    bet_number: int  # the bet's number in the league, as its member knows it
    member_id: int
    label: str
    was: str
    now: str
    amount: int  # credits actually moved
    shortfall: int  # what could not be taken back because the balance ran out
    number: int  # this bet's n-th correction (its ledger key's n when credits moved)


def corrections_digest(changed: list[Correction]) -> str:
    """What a re-grade changed, as the outbox keys of its notices spell it (storage.keys)."""
    return keys.correction_digest((c.bet_id, c.number, c.was, c.now) for c in changed)


async def lock_market_bets(
    session: AsyncSession, market_ids: Sequence[int], statuses: Iterable[BetStatus]
) -> Sequence[Bet]:
    """The markets' bets in `statuses`, locked in the shared lock order (by id) and re-read.

    Call it with the markets' rows already locked: a money path takes the markets, then
    their bets (see the lock order above), and decides from these rows as they are once
    held. One statement whatever the number of markets, so re-grading a week costs the
    same few reads for 1 market as for 200.
    """
    return (
        await session.scalars(
            select(Bet)
            .where(Bet.market_id.in_(market_ids), Bet.status.in_(tuple(statuses)))
            .order_by(Bet.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).all()


async def regrade_week(session: AsyncSession, week: Week, now: datetime) -> list[Correction]:
    """Re-grade a settled week from its current scores; every change is a correction entry.

    A correction that takes credits back takes at most what the member has left: a balance
    never goes below zero, the bet records the shortfall, and the notice says how much
    could not be recovered. The week's markets, then each market's bets, are locked in the
    shared lock order (see above) before anything is decided from them.
    """
    matchups = {
        m.id: m for m in (await session.scalars(select(Matchup).where(Matchup.week_id == week.id))).all()
    }
    points = await _week_points(session, list(matchups))
    markets = (
        await session.scalars(
            select(Market)
            .where(Market.week_id == week.id, Market.status == MarketStatus.SETTLED)
            .order_by(Market.id)
            .with_for_update()
        )
    ).all()
    if not markets:
        return []
    games = (
        {g.id: g for g in (await session.scalars(select(NflGame).where(NflGame.week_id == week.id))).all()}
        if any(market.game_id is not None for market in markets)
        else {}
    )
    results = {
        market.id: _result_of(market, matchups, games, points)
        for market in markets
        if market.kind not in MULTIWAY
    }
    fields = await multiway_scores(session, [market.id for market in markets if market.kind in MULTIWAY])
    by_id = {market.id: market for market in markets}
    sides = {
        s.id: s
        for s in (await session.scalars(select(Selection).where(Selection.market_id.in_(list(by_id))))).all()
    }
    corrections: list[Correction] = []
    for bet in await lock_market_bets(session, list(by_id), GRADED_BETS):
        if bet.status == BetStatus.VOID and bet.void_reason is not None:
            continue  # voided by a commissioner, not by the scores
        market, selection = by_id[bet.market_id], sides[bet.selection_id]
        if market.kind in MULTIWAY:
            outcome, amount = settle_multiway(
                market.kind, selection.side, bet.stake, bet.odds, fields[market.id]
            )
        else:
            outcome = engine.grade(
                engine.MarketKind(market.kind),
                selection.side,
                bet.line,
                market.subject or None,
                results[market.id],
            )
            amount = engine.payout(bet.stake, bet.odds, outcome)
        if outcome.value == bet.status and amount == bet.payout:
            continue
        corrections.append(await _correct(session, bet, selection.label, outcome, amount, now))
    return corrections


def _result_of(
    market: Market,
    matchups: dict[int, Matchup],
    games: dict[int, NflGame],
    points: dict[int, dict[str, float | None]],
) -> engine.MatchupResult | engine.PlayerResult:
    """A settled market's result from its matchup's scores, or its NFL game's (games board)."""
    if market.game_id is not None:
        game = games[market.game_id]
        return market_result(
            market.kind, market.subject, game.home_score, game.away_score, {}, game.completed
        )
    assert market.matchup_id is not None
    matchup = matchups[market.matchup_id]
    return market_result(
        market.kind, market.subject, matchup.home_score, matchup.away_score, points.get(market.matchup_id, {})
    )


async def _correct(
    session: AsyncSession, bet: Bet, label: str, outcome: engine.Outcome, amount: int, now: datetime
) -> Correction:
    # What the member holds for this bet is what the ledger moved for it, not the recorded
    # payout: a clawback that could not be fully recovered must not be re-paid in full later.
    held, previous = (
        await session.execute(
            select(
                func.coalesce(func.sum(LedgerEntry.amount), 0),
                func.count(LedgerEntry.id).filter(LedgerEntry.kind == "correction"),
            ).where(LedgerEntry.bet_id == bet.id)
        )
    ).one()
    owed = amount - bet.stake
    delta = owed - int(held)
    number = int(previous) + 1
    back = Clawback(0, 0)
    if delta:
        back = await post_clawback(
            session,
            league_id=bet.league_id,
            member_id=bet.member_id,
            amount=delta,
            dedupe_key=keys.regrade(bet.id, number),
            bet_id=bet.id,
            week_id=bet.week_id,
            memo=f"stat correction: {bet.status} -> {outcome.value}",
            now=now,
        )
    was = bet.status
    bet.status, bet.payout, bet.settled_at = BetStatus(outcome), amount, now
    bet.shortfall = int(held) + back.moved - owed
    return Correction(
        bet.id, bet.number, bet.member_id, label, was, outcome.value, back.moved, back.shortfall, number
    )
