"""The one way a number a user typed (or a button carried) finds its market, slip or bet.

Users only ever see a league's own numbers (storage/numbering.py), never rows' ids, so
every command that takes one resolves it here, inside the league: a number of another
league finds nothing, and reads exactly like one that was never given. Each lookup raises
the refusal a user reads, so every command says "no market #N" the same way.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from commands.errors import NotFound
from storage.models import Bet, Market, Quote


def no_market(number: int) -> NotFound:
    return NotFound(f"There's no market #{number} in this league. `odds <matchup>` lists them.")


def no_slip(number: int) -> NotFound:
    return NotFound(f"There's no bet slip #{number}. Use `bet` to get a new one.")


def no_bet(number: int, *, yours: bool) -> NotFound:
    if yours:
        return NotFound(f"You have no bet #{number}. `mybets` lists yours.")
    return NotFound(f"There's no bet #{number} in this league.")


async def find_market(session: AsyncSession, league_id: int, number: int, *, lock: bool = False) -> Market:
    """The league's market #`number`; with `lock`, its row held (FOR UPDATE) and re-read."""
    query = select(Market).where(Market.league_id == league_id, Market.number == number)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    market = await session.scalar(query)
    if market is None:
        raise no_market(number)
    return market


async def find_slip(session: AsyncSession, league_id: int, number: int) -> Quote:
    """The league's slip #`number` (whoever's it is: the caller says what that means)."""
    quote = await session.scalar(select(Quote).where(Quote.league_id == league_id, Quote.number == number))
    if quote is None:
        raise no_slip(number)
    return quote


async def find_bet(
    session: AsyncSession, league_id: int, number: int, *, member_id: int | None = None
) -> Bet:
    """The league's bet #`number`; given `member_id`, only if it is that member's (another
    member's bet reads as one they don't have)."""
    query = select(Bet).where(Bet.league_id == league_id, Bet.number == number)
    if member_id is not None:
        query = query.where(Bet.member_id == member_id)
    bet = await session.scalar(query)
    if bet is None:
        raise no_bet(number, yours=member_id is not None)
    return bet
