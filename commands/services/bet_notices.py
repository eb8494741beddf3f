"""Direct messages to members who opted in (`notify on`) when their bets settle or are re-graded.

Each DM is queued in the outbox inside the transaction that settled or re-graded the
week, under a dedupe key naming the week and the member, so a crash either keeps both the
results and the DM or neither, and running settlement again (a restart, a second process)
never queues a second copy. Delivery is the outbox loop's (commands/outbox/).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from commands.format import credits, odds, plural, signed_credits
from commands.outbox import DM_KIND, dm_payload, enqueue
from commands.replies import Reply, Table, Tone
from commands.services.settlement import Correction, corrections_digest
from storage import keys
from storage.models import Bet, Member, Selection, Week
from storage.statuses import GRADED_BETS

SETTLED = GRADED_BETS


def settlement_dm(week: Week, rows: list[Any], balance: int) -> Reply:
    """One member's results for the week: every settled bet, the net and the new balance."""
    counts: defaultdict[str, int] = defaultdict(int)
    for row in rows:
        counts[row.status] += 1
    net = sum((row.payout or 0) - row.stake for row in rows)
    tally = ", ".join(f"{counts[s]} {s}" for s in SETTLED if counts[s])
    table = Table(
        ("Bet", "Pick", "Odds", "Stake", "Result", "Paid"),
        tuple(
            (
                f"#{row.number}",
                row.label,
                odds(row.odds),
                f"{row.stake:,}",
                row.status,
                f"{row.payout or 0:,}",
            )
            for row in rows
        ),
        title=f"Week {week.matchup_period}: your bets",
        numeric=(3, 5),
    )
    return Reply(
        f"Week {week.matchup_period} is settled. Your {plural(len(rows), 'bet')}: {tally}. "
        f"Net {signed_credits(net)}; your balance is {credits(balance)}.",
        tables=(table,),
        ephemeral=False,
        tone=Tone.SUCCESS if net > 0 else Tone.INFO,
        notes=("`notify off` stops these messages.",),
    )


async def queue_settlement_dms(session: AsyncSession, league_id: int, week: Week, now: datetime) -> int:
    """After `week` settled: one DM per opted-in member with settled bets in it. Returns how many queued."""
    rows = (
        await session.execute(
            select(
                Bet.number,
                Bet.member_id,
                Bet.stake,
                Bet.odds,
                Bet.status,
                Bet.payout,
                Selection.label,
                Member.user_id,
                Member.balance,
            )
            .join(Selection, Selection.id == Bet.selection_id)
            .join(Member, Member.id == Bet.member_id)
            .where(
                Bet.league_id == league_id,
                Bet.week_id == week.id,
                Bet.status.in_(SETTLED),
                Member.dm_opt_in.is_(True),
            )
            .order_by(Bet.member_id, Bet.number)
        )
    ).all()
    by_member: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        by_member[row.member_id].append(row)
    queued = 0
    for member_id, bets in by_member.items():
        reply = settlement_dm(week, bets, bets[0].balance)
        queued += await enqueue(
            session,
            league_id=league_id,
            kind=DM_KIND,
            dedupe_key=f"dm:settled:week:{week.id}:member:{member_id}",
            payload=dm_payload(bets[0].user_id, reply),
            now=now,
        )
    return queued


async def queue_correction_dms(
    session: AsyncSession, league_id: int, week: Week, changed: list[Correction], now: datetime
) -> int:
    """After a re-grade changed bets: one DM per opted-in member whose bets changed."""
    members = {
        row.id: row
        for row in (
            await session.execute(
                select(Member.id, Member.user_id, Member.balance).where(
                    Member.id.in_({c.member_id for c in changed}), Member.dm_opt_in.is_(True)
                )
            )
        ).all()
    }
    by_member: dict[int, list[Correction]] = defaultdict(list)
    for correction in changed:
        if correction.member_id in members:
            by_member[correction.member_id].append(correction)
    queued, digest = 0, corrections_digest(changed)
    for member_id, mine in by_member.items():
        member = members[member_id]
        moved = sum(c.amount for c in mine)
        reply = Reply(
            f"ESPN corrected week {week.matchup_period} stats and {len(mine)} of your bets "
            f"changed: {signed_credits(moved)} {'credit' if abs(moved) == 1 else 'credits'}. "
            f"Your balance is {credits(member.balance)}.",
            tables=(
                Table(
                    ("Bet", "Pick", "Result", "Credits"),
                    tuple(
                        (
                            f"#{c.bet_number}",
                            c.label,
                            f"{c.was} -> {c.now}",
                            signed_credits(c.amount)
                            + (f" ({c.shortfall:,} not recoverable)" if c.shortfall else ""),
                        )
                        for c in mine
                    ),
                ),
            ),
            ephemeral=False,
            tone=Tone.WARNING,
        )
        queued += await enqueue(
            session,
            league_id=league_id,
            kind=DM_KIND,
            dedupe_key=keys.correction_dm(week.id, member_id, digest),
            payload=dm_payload(member.user_id, reply),
            now=now,
        )
    return queued
