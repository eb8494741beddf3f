"""The one way a number a user typed (or a button carried) finds its market, slip, bet or
matchup.

Users only ever see a league's own numbers (storage/numbering.py), never rows' ids, so
every command that takes one resolves it here, inside the league: a number of another
league finds nothing, and reads exactly like one that was never given. Each lookup raises
the refusal a user reads, so every command says "no market #N" the same way. A matchup's
number is its place on its week's board (1 to the week's matchups, in the order ESPN's
schedule gave them): `odds 3` is the third row of `markets`.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from commands.errors import NotFound
from storage.models import Bet, Market, Matchup, Quote


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


def matchup_number(week_matchups: Sequence[Matchup], matchup: Matchup) -> int:
    """`matchup`'s number on its week's board; `week_matchups` are the week's, in id order."""
    return next(n for n, m in enumerate(week_matchups, 1) if m.id == matchup.id)


async def find_matchup(session: AsyncSession, week_id: int, number: int) -> Matchup | None:
    """The week's matchup #`number` (its place on the board), or None past the last one."""
    return await session.scalar(
        select(Matchup).where(Matchup.week_id == week_id).order_by(Matchup.id).offset(number - 1).limit(1)
    )
