"""The parlay tables: slips being built, quoted slips, placed parlays and their legs.

Kept apart from storage/models.py (imported at its end, so they share its metadata) so
that parlays stay one module to read. A parlay is numbered from the league's bet counter
(storage/numbering.py), so "bet #7" and "parlay #8" never collide, and keeps its slip's
number. Its decimal odds are an exact fraction (numerator/denominator): the payout is
floor(stake * odds) with integer arithmetic, as for singles.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, Id
from storage.statuses import BetStatus, QuoteStatus
from storage.types import StatusColumn, UTCDateTime


class ParlayPick(Base):
    """A selection on a member's parlay slip while it is being built (`parlay add`)."""

    __tablename__ = "parlay_picks"
    __table_args__ = (UniqueConstraint("member_id", "selection_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    selection_id: Mapped[int] = mapped_column(ForeignKey("selections.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ParlaySlip(Base):
    """A priced parlay, honoured until it expires; `legs` holds each leg as priced."""

    __tablename__ = "parlay_slips"
    __table_args__ = (
        UniqueConstraint("league_id", "idempotency_key"),
        Index("ix_parlay_slips_league_number", "league_id", "number", unique=True),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    league_id: Mapped[int] = mapped_column(ForeignKey("leagues.id"))
    number: Mapped[int] = mapped_column(BigInteger)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    week_id: Mapped[int] = mapped_column(ForeignKey("weeks.id"))
    stake: Mapped[int] = mapped_column(BigInteger)
    odds_num: Mapped[int] = mapped_column(BigInteger)
    odds_den: Mapped[int] = mapped_column(BigInteger)
    fair_p: Mapped[float] = mapped_column(Float)
    liability: Mapped[int] = mapped_column(BigInteger)
    legs: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    idempotency_key: Mapped[str] = mapped_column(String(100))
    status: Mapped[QuoteStatus] = mapped_column(StatusColumn(QuoteStatus), default=QuoteStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Parlay(Base):
    __tablename__ = "parlays"
    __table_args__ = (
        Index("ix_parlays_league_number", "league_id", "number", unique=True),
        UniqueConstraint("slip_id"),
        CheckConstraint("stake > 0", name="stake_positive"),
        CheckConstraint("shortfall >= 0", name="shortfall_not_negative"),
        Index("ix_parlays_week_status", "week_id", "status"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    league_id: Mapped[int] = mapped_column(ForeignKey("leagues.id"))
    number: Mapped[int] = mapped_column(BigInteger)
    slip_id: Mapped[int] = mapped_column(ForeignKey("parlay_slips.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    week_id: Mapped[int] = mapped_column(ForeignKey("weeks.id"))
    stake: Mapped[int] = mapped_column(BigInteger)
    odds_num: Mapped[int] = mapped_column(BigInteger)
    odds_den: Mapped[int] = mapped_column(BigInteger)
    fair_p: Mapped[float] = mapped_column(Float)
    liability: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[BetStatus] = mapped_column(StatusColumn(BetStatus), default=BetStatus.OPEN)
    payout: Mapped[int | None] = mapped_column(BigInteger)
    # Like bets.shortfall: what a clawback could not take back. The ledger entries of a
    # parlay sum to (payout or 0) - stake + shortfall, exactly.
    shortfall: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    corrections: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    void_reason: Mapped[str | None] = mapped_column(Text)


class ParlayLeg(Base):
    """One leg, with what re-prices it without the model (engine.parlay.PricedLeg)."""

    __tablename__ = "parlay_legs"
    __table_args__ = (UniqueConstraint("parlay_id", "position"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    parlay_id: Mapped[int] = mapped_column(ForeignKey("parlays.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    market_id: Mapped[int] = mapped_column(ForeignKey("markets.id"), index=True)
    selection_id: Mapped[int] = mapped_column(ForeignKey("selections.id"))
    event: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(32), default="")
    side: Mapped[str] = mapped_column(String(16))
    line: Mapped[float | None] = mapped_column(Float)
    odds: Mapped[int] = mapped_column(Integer)
    fair_p: Mapped[float] = mapped_column(Float)
    loading: Mapped[list[float]] = mapped_column(JSON)
    z: Mapped[float] = mapped_column(Float)
    label: Mapped[str] = mapped_column(String(160))
    outcome: Mapped[str | None] = mapped_column(String(8))  # the leg's grade once known
