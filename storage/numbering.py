"""Handing out the numbers users see: a league's markets #1, #2, ... and its slips and bets.

Rows' primary keys run across every league of the database, so they are never shown. Each
league row counts instead: `last_market_number` for its markets, `last_bet_number` for its
slips (a bet keeps the number of the slip it was placed from, so "slip #7" becomes "bet
#7"). A block of numbers is reserved by one conditional write that bumps the counter and
returns its new value, inside the transaction that stores the rows. The bump holds the
league row until that transaction ends, so two writers can never be handed the same block
on either back end (SQLite has one writer at a time anyway); a rolled-back transaction
gives its block back. Unique indexes on (league_id, number) back this up in the schema.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Update, bindparam, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import League


class Counter(StrEnum):
    """Which of a league's counters; the value is its column on `leagues`."""

    MARKETS = "last_market_number"
    BETS = "last_bet_number"  # slips, and the bets placed from them


def _bump(counter: Counter) -> Update:
    column = getattr(League, counter.value)
    return (
        update(League)
        .where(League.id == bindparam("league"))
        .values({column: column + bindparam("count")})
        .returning(column)
        .execution_options(synchronize_session=False)
    )


# Built once: every slip, bet and week of markets bumps a counter.
_BUMPS = {counter: _bump(counter) for counter in Counter}


async def reserve(session: AsyncSession, league_id: int, counter: Counter, count: int = 1) -> int:
    """The first of `count` consecutive numbers no other row of the league has or will get.

    One statement whatever `count` is: a week's hundreds of new markets cost the same single
    bump as one slip.
    """
    if count < 1:
        raise ValueError(f"reserve at least one number, not {count}")
    last = await session.scalar(_BUMPS[counter], {"league": league_id, "count": count})
    if last is None:
        raise LookupError(f"no league {league_id} to number rows in")
    return int(last) - count + 1
