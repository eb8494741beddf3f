"""The credit economy: what a member's bankroll becomes each week, and rebuys.

Everything that moves credits goes through storage.ledger (post_entry, or post_credits for
a whole league's grants at once) with a dedupe key, so
opening a week twice (a restart, a second process, the console's `:advance`) resets, grants
and draws nothing twice:

- carry-over (the default): the allowance is added to what is left;
- weekly reset: what is left is taken away by a `reset` entry, then the allowance is
  granted, so every week starts at exactly the allowance;
- a rebuy is a `rebuy` entry, at most one per member per week (its dedupe key);
- pools (commands.services.pools) are drawn in the same transaction that opens the week.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from commands.context import Context
from commands.errors import Conflict, NotAllowed
from commands.format import credits
from commands.league_settings import LeagueSettings
from commands.services.tenancy import allowance_credit, current_week, grant_allowance
from storage import keys
from storage.ledger import post_credits, post_entry
from storage.models import League, LedgerEntry, Member, Week
from storage.statuses import WeekStatus


async def open_bankroll(
    session: AsyncSession, league: League, week: Week, member_id: int, settings: LeagueSettings, now: datetime
) -> bool:
    """Start a member's week per the bankroll mode; False if it was already started.

    In weekly-reset mode the leftover is removed only if this week's grant has not been
    posted yet, so a second run cannot sweep away what the member has won since.
    """
    if settings.bankroll_mode == "weekly_reset":
        granted = await session.scalar(
            select(LedgerEntry.id).where(
                LedgerEntry.member_id == member_id, LedgerEntry.dedupe_key == keys.grant(week.id)
            )
        )
        if granted is not None:
            return False
        # FOR UPDATE (PostgreSQL) so no other write moves this balance between read and reset.
        balance = await session.scalar(select(Member.balance).where(Member.id == member_id).with_for_update())
        if balance:
            await post_entry(
                session,
                league_id=league.id,
                member_id=member_id,
                kind="reset",
                amount=-balance,
                dedupe_key=keys.reset(week.id),
                week_id=week.id,
                memo=f"Week {week.matchup_period} reset: last week's {balance:,} left over",
                now=now,
            )
    return await grant_allowance(session, league, week, member_id, settings.allowance, now)


async def open_bankrolls(
    session: AsyncSession,
    league: League,
    week: Week,
    member_ids: Sequence[int],
    settings: LeagueSettings,
    now: datetime,
) -> None:
    """Start every member's week when its lines open.

    In the default mode that is only the allowance: every member's grant goes in as one
    set-based write (storage.ledger.post_credits; the grant's dedupe key keeps a rerun
    from paying twice), not two statements per member. Weekly-reset leagues take each
    member's leftover away first, which reads and locks each balance, one member at a time.
    """
    if settings.bankroll_mode == "weekly_reset":
        for member_id in member_ids:
            await open_bankroll(session, league, week, member_id, settings, now)
        return
    await post_credits(
        session,
        [allowance_credit(league, week, member_id, settings.allowance) for member_id in member_ids],
        now,
    )


def rebuy_cutoff_passed(week: Week, settings: LeagueSettings) -> bool:
    """Rebuys stop after `rebuy_until`'s matchup period, or at the playoffs when it is 0."""
    if settings.rebuy_until == 0:
        return week.is_playoff
    return week.matchup_period > settings.rebuy_until


@dataclass(frozen=True, slots=True)
class Rebought:
    amount: int
    balance: int
    week: int


async def rebuy(ctx: Context) -> Rebought:
    """Give the caller `rebuy_amount` credits once this week, if every rule allows it."""
    settings = ctx.settings
    if not settings.rebuy:
        raise NotAllowed("Rebuys are off in this league.")
    async with ctx.db.write() as session:
        week = await current_week(session, ctx.league.id)
        if week is None or not week.markets_open or week.status != WeekStatus.OPEN:
            raise Conflict("Rebuys are only possible while a week's betting is open.")
        if rebuy_cutoff_passed(week, settings):
            last = (
                "the end of the regular season"
                if settings.rebuy_until == 0
                else (f"week {settings.rebuy_until}")
            )
            raise Conflict(f"Rebuys closed after {last}.")
        already = await session.scalar(
            select(LedgerEntry.id).where(
                LedgerEntry.member_id == ctx.member.id, LedgerEntry.dedupe_key == keys.rebuy(week.id)
            )
        )
        if already is not None:
            raise Conflict(f"You've already rebought in week {week.matchup_period}; one rebuy a week.")
        balance = (
            await session.scalar(select(Member.balance).where(Member.id == ctx.member.id).with_for_update())
            or 0
        )
        if balance >= settings.min_stake:
            raise Conflict(
                f"You have {credits(balance)}, enough for the minimum stake of "
                f"{credits(settings.min_stake)}; a rebuy is for when you can't place a bet."
            )
        done = await post_entry(
            session,
            league_id=ctx.league.id,
            member_id=ctx.member.id,
            kind="rebuy",
            amount=settings.rebuy_amount,
            dedupe_key=keys.rebuy(week.id),
            week_id=week.id,
            memo=f"Week {week.matchup_period} rebuy",
            now=ctx.now,
        )
        if not done:
            raise Conflict(f"You've already rebought in week {week.matchup_period}; one rebuy a week.")
        return Rebought(settings.rebuy_amount, balance + settings.rebuy_amount, week.matchup_period)
