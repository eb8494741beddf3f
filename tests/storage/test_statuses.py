"""Statuses are StrEnums stored as the plain strings they always were.

Rows load with enum members, raw SQL still sees (and may write) the strings, a string
that is no status is refused before it reaches the database, and the bet statuses a
grading can produce are exactly the engine's outcomes.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import StatementError

from engine import Outcome
from storage.models import Bet, Market, OutboxMessage, Quote, Week
from storage.statuses import GRADED_BETS, BetStatus, MarketStatus, OutboxStatus, QuoteStatus, WeekStatus
from storage.types import StatusColumn
from tests.book import Book


def test_graded_bets_are_the_engines_outcomes() -> None:
    assert {s.value for s in GRADED_BETS} == {o.value for o in Outcome}
    for outcome in Outcome:
        assert BetStatus(outcome) is BetStatus[outcome.name]
        assert BetStatus(outcome) == outcome.value


@pytest.mark.parametrize("enum", [BetStatus, MarketStatus, WeekStatus, QuoteStatus, OutboxStatus])
def test_every_status_fits_the_column(enum: type) -> None:
    assert all(len(member.value) <= 16 for member in enum)


def test_the_column_type_binds_strings_and_loads_members() -> None:
    column = StatusColumn(BetStatus)
    dialect = None
    assert column.process_bind_param(BetStatus.PUSH, dialect) == "push"
    assert type(column.process_bind_param("push", dialect)) is str
    assert column.process_result_value("push", dialect) is BetStatus.PUSH
    assert column.process_bind_param(None, dialect) is None
    with pytest.raises(ValueError):
        column.process_bind_param("pushed", dialect)
    with pytest.raises(ValueError):
        column.process_result_value("pushed", dialect)


async def test_rows_round_trip_as_members_and_strings(any_db) -> None:
    book = await Book(any_db).open()
    market_id = await book.market_number()
    async with any_db.read() as session:
        market = await session.get_one(Market, market_id)
        week = await session.get_one(Week, market.week_id)
        assert market.status is MarketStatus.OPEN
        assert week.status in WeekStatus
        assert type(week.status) is WeekStatus
        assert await session.scalar(select(Market.status).where(Market.id == market_id)) is MarketStatus.OPEN
        raw = await session.scalar(text("SELECT status FROM markets WHERE id = :id"), {"id": market_id})
        assert raw == "open"
        assert type(raw) is str
    async with any_db.write() as session:
        market = await session.get_one(Market, market_id)
        market.status = MarketStatus.LOCKED
    async with any_db.read() as session:
        raw = await session.scalar(text("SELECT status FROM markets WHERE id = :id"), {"id": market_id})
        assert (raw, type(raw)) == ("locked", str)
        assert (
            await session.scalar(select(Market.status).where(Market.id == market_id)) is MarketStatus.LOCKED
        )
        by_strings = select(func.count()).where(Market.id == market_id, Market.status.in_(("locked", "void")))
        assert await session.scalar(by_strings) == 1


async def test_a_string_that_is_no_status_is_refused(any_db) -> None:
    book = await Book(any_db).open()
    market_id = await book.market_number()
    with pytest.raises(StatementError, match="'closed' is not a valid MarketStatus"):
        async with any_db.write() as session:
            market = await session.get_one(Market, market_id)
            market.status = "closed"
    async with any_db.read() as session:
        assert (await session.get_one(Market, market_id)).status is MarketStatus.OPEN


def test_the_models_use_the_enums() -> None:
    assert Bet.__table__.c.status.type.enum is BetStatus
    assert Market.__table__.c.status.type.enum is MarketStatus
    assert Week.__table__.c.status.type.enum is WeekStatus
    assert Quote.__table__.c.status.type.enum is QuoteStatus
    assert OutboxMessage.__table__.c.status.type.enum is OutboxStatus
