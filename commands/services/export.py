"""A commissioner's CSV export of every bet and every ledger entry of their league.

Two files, because a bet and a ledger entry are different things: `bets.csv` has one row
per bet as placed and graded, `ledger.csv` one row per credit movement with each member's
running balance, so a spreadsheet can reconcile either against the other (a bet's stake,
payout, refund and corrections are the ledger rows carrying its bet number, and they sum to its
payout less its stake, plus its shortfall: what a clawback could not take back). Everything is
read in one snapshot and filtered by league, never by id alone.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from commands.replies import Attachment
from commands.services.journal import audit
from commands.services.parlay_rows import parlay_export_rows
from storage.database import Database
from storage.models import Bet, League, LedgerEntry, Market, Member, Selection, Week

# Bets and markets by their numbers in the league, as members saw them (never row ids,
# which run across every league of the database); ledger entries by their order.
BET_COLUMNS = (
    "bet_number",
    "placed_at",
    "season",
    "week",
    "member",
    "user_id",
    "market_number",
    "market",
    "pick",
    "line",
    "odds",
    "fair_p",
    "stake",
    "status",
    "payout",
    "shortfall",
    "settled_at",
    "void_reason",
)
LEDGER_COLUMNS = (
    "entry",
    "created_at",
    "season",
    "week",
    "member",
    "user_id",
    "kind",
    "amount",
    "balance_after",
    "bet_number",
    "memo",
)
# A cell starting with one of these is a formula to Excel or Sheets; names and reasons
# are typed by members and commissioners, so such text is prefixed with a quote.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class Export:
    bets: int
    entries: int
    files: tuple[Attachment, Attachment]


def _text(value: str | None) -> str:
    if not value:
        return ""
    return "'" + value if value.startswith(FORMULA_START) else value


def _time(value: datetime | None) -> str:
    return value.isoformat() if value is not None else ""


def _csv(columns: tuple[str, ...], rows: list[tuple[object, ...]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(rows)
    # utf-8-sig: Excel opens a BOM-marked file as UTF-8, so names keep their accents.
    return out.getvalue().encode("utf-8-sig")


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "league"


async def export_league(session: AsyncSession, league_id: int, league_name: str, now: datetime) -> Export:
    members = {
        m.id: m for m in (await session.scalars(select(Member).where(Member.league_id == league_id))).all()
    }
    weeks = {
        w.id: (w.season, w.matchup_period)
        for w in (await session.scalars(select(Week).where(Week.league_id == league_id))).all()
    }
    bet_rows = (
        await session.execute(
            select(Bet, Market.number, Market.label, Selection.label)
            .join(Market, Market.id == Bet.market_id)
            .join(Selection, Selection.id == Bet.selection_id)
            .where(Bet.league_id == league_id)
            .order_by(Bet.id)
        )
    ).all()
    bets = [
        (
            bet.number,
            _time(bet.placed_at),
            *weeks.get(bet.week_id, ("", "")),
            _text(members[bet.member_id].display_name),
            _text(members[bet.member_id].user_id),
            market_number,
            _text(market_label),
            _text(pick),
            "" if bet.line is None else bet.line,
            bet.odds,
            round(bet.fair_p, 6),
            bet.stake,
            bet.status,
            "" if bet.payout is None else bet.payout,
            bet.shortfall,
            _time(bet.settled_at),
            _text(bet.void_reason),
        )
        for bet, market_number, market_label, pick in bet_rows
    ]
    bets += await parlay_export_rows(session, league_id, members, weeks, _text, _time)
    bet_numbers = {bet.id: bet.number for bet, *_ in bet_rows}
    running: dict[int, int] = defaultdict(int)
    entries = []
    ledger = await session.scalars(
        select(LedgerEntry).where(LedgerEntry.league_id == league_id).order_by(LedgerEntry.id)
    )
    for order, entry in enumerate(ledger.all(), 1):
        running[entry.member_id] += entry.amount
        member = members[entry.member_id]
        entries.append(
            (
                order,
                _time(entry.created_at),
                *weeks.get(entry.week_id or 0, ("", "")),
                _text(member.display_name),
                _text(member.user_id),
                entry.kind,
                entry.amount,
                running[entry.member_id],
                "" if entry.bet_id is None else bet_numbers.get(entry.bet_id, ""),
                _text(entry.memo),
            )
        )
    stem = f"sidebet-{_slug(league_name)}-{now:%Y%m%d-%H%M}"
    return Export(
        bets=len(bets),
        entries=len(entries),
        files=(
            Attachment(f"{stem}-bets.csv", _csv(BET_COLUMNS, bets), "text/csv", "Every bet of the league"),
            Attachment(
                f"{stem}-ledger.csv",
                _csv(LEDGER_COLUMNS, entries),
                "text/csv",
                "Every credit movement, with running balances",
            ),
        ),
    )


async def audited_export(db: Database, league: League, actor: str, now: datetime) -> Export:
    """The commissioner's `export`: both files from one snapshot, and an audit entry saying so."""
    async with db.write() as session:
        # One snapshot for all of it, so the two files reconcile even while bets come in:
        # SQLite's transaction is one already; PostgreSQL's default isolation is per statement.
        if session.get_bind().dialect.name == "postgresql":
            await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        done = await export_league(session, league.id, league.name, now)
        await audit(
            session,
            league_id=league.id,
            actor=actor,
            action="export",
            detail={"bets": done.bets, "ledger_entries": done.entries},
            now=now,
        )
    return done
