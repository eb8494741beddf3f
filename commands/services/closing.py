"""Closing prices: what each selection was priced at when its market locked.

Price history keeps every price a selection had. The closing price is the last one
recorded at or before the market's lock time; a market first priced after its lock (the
bot was down through the kickoff) closes at its first price, the only one it had.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Market, PriceHistory, Selection


@dataclass(frozen=True, slots=True)
class ClosingPrice:
    selection_id: int
    market_id: int
    side: str
    fair_p: float
    line: float | None
    odds: int | None


async def closing_prices(session: AsyncSession, *where: ColumnElement[bool]) -> dict[int, ClosingPrice]:
    """Closing prices of the selections matching `where` (conditions on Market/Selection)."""
    rows = (
        await session.execute(
            select(PriceHistory, Market.lock_at, Market.id, Selection.side)
            .join(Selection, Selection.id == PriceHistory.selection_id)
            .join(Market, Market.id == Selection.market_id)
            .where(*where)
            .order_by(PriceHistory.selection_id, PriceHistory.recorded_at, PriceHistory.id)
        )
    ).all()
    closing: dict[int, ClosingPrice] = {}
    for history, lock_at, market_id, side in rows:
        sid = history.selection_id
        if sid not in closing or history.recorded_at <= lock_at:
            closing[sid] = ClosingPrice(sid, market_id, side, history.fair_p, history.line, history.odds)
    return closing
