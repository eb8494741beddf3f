"""A test harness around the command layer on the demo league."""

from __future__ import annotations

import itertools
from collections import defaultdict
from typing import Any

from sqlalchemy import func, select, text

import engine
from adapters.espn.demo.provider import DEMO_WEEK_START
from bot.app import provider_factory
from bot.demo import ensure_demo_league
from commands.clock import ManualClock
from commands.context import Invocation, Services
from commands.dispatch import dispatch
from commands.replies import Reply
from commands.services.lifecycle import DueReport, run_due
from storage.database import Database
from storage.models import Base, Bet, League, LedgerEntry, Market, Member, Selection

_ids = itertools.count(1)


class Book:
    def __init__(self, db: Database, clock: ManualClock | None = None, workspace: str = "demo") -> None:
        self.db = db
        self.clock = clock or ManualClock(DEMO_WEEK_START)
        self.workspace = workspace
        self.services = Services(db, self.clock, provider_factory(self.clock))
        self.league_id = 0

    async def open(self) -> Book:
        league = await ensure_demo_league(self.db, self.workspace, self.clock.now())
        self.league_id = league.id
        await self.due()
        return self

    async def league(self) -> League:
        async with self.db.read() as session:
            league = await session.get(League, self.league_id)
        assert league is not None
        return league

    async def due(self) -> DueReport:
        return await run_due(self.services, await self.league())

    def invocation(
        self,
        user: str,
        *,
        admin: bool = False,
        interaction: str | None = None,
        workspace: str | None = None,
    ) -> Invocation:
        return Invocation(
            platform="console",
            workspace_id=workspace or self.workspace,
            user_id=user,
            display_name=user,
            interaction_id=interaction or f"test-{next(_ids)}",
            is_admin=admin,
        )

    async def run(
        self,
        user: str,
        name: str,
        *,
        admin: bool = False,
        interaction: str | None = None,
        workspace: str | None = None,
        **args: Any,
    ) -> Reply:
        inv = self.invocation(user, admin=admin, interaction=interaction, workspace=workspace)
        return await dispatch(self.services, inv, name, args)

    async def market_id(self, kind: str = "moneyline", matchup_index: int = 0, subject: str = "") -> int:
        async with self.db.read() as session:
            ids = (
                await session.scalars(
                    select(Market.id)
                    .where(
                        Market.league_id == self.league_id,
                        Market.kind == kind,
                        Market.subject == subject if kind != "prop" else Market.subject != "",
                    )
                    .order_by(Market.matchup_id, Market.id)
                )
            ).all()
        return ids[matchup_index]

    async def quote_id(self, reply: Reply) -> int:
        assert reply.cards, f"expected a bet slip, got: {reply.text}"
        return int(reply.cards[0].title.split("#")[1])

    async def place(self, user: str, market: int, pick: str, stake: int | str) -> Reply:
        slip = await self.run(user, "bet", market=market, pick=pick, stake=stake)
        return await self.run(user, "confirm", quote=await self.quote_id(slip))

    async def balance(self, user: str) -> int:
        async with self.db.read() as session:
            value = await session.scalar(
                select(Member.balance).where(Member.league_id == self.league_id, Member.user_id == user)
            )
        return int(value or 0)

    async def snapshot(self) -> dict[str, list[tuple]]:
        """Every row of every table, to prove a refused command wrote nothing."""
        out: dict[str, list[tuple]] = {}
        async with self.db.read() as session:
            for table in Base.metadata.sorted_tables:
                rows = (await session.execute(text(f"SELECT * FROM {table.name} ORDER BY 1"))).all()
                out[table.name] = [tuple(r) for r in rows]
        return out

    async def ledger_sums(self) -> dict[str, int]:
        async with self.db.read() as session:
            by_kind = dict(
                (
                    await session.execute(
                        select(LedgerEntry.kind, func.sum(LedgerEntry.amount)).group_by(LedgerEntry.kind)
                    )
                ).all()
            )
            balances = await session.scalar(select(func.coalesce(func.sum(Member.balance), 0)))
            liabilities = await session.scalar(select(func.min(Selection.liability)))
        return {
            "balances": int(balances or 0),
            "min_liability": int(liabilities or 0),
            **{k: int(v) for k, v in by_kind.items()},
        }

    async def money_faults(self) -> list[str]:
        """Every way the books fail to reconcile; empty when they do.

        Per bet, the ledger entries carrying its id sum to exactly what its state owes
        (payout, 0 while open, less the stake) plus the shortfall it records (>= 0); per
        selection, the liability is what its open bets could win; no settled or void market
        has an open bet; each balance is its member's ledger, never negative.
        """
        faults: list[str] = []
        async with self.db.read() as session:
            held = dict(
                (
                    await session.execute(
                        select(LedgerEntry.bet_id, func.sum(LedgerEntry.amount))
                        .where(LedgerEntry.bet_id.is_not(None))
                        .group_by(LedgerEntry.bet_id)
                    )
                ).all()
            )
            bets = (
                await session.execute(select(Bet, Market.status).join(Market, Market.id == Bet.market_id))
            ).all()
            selections = dict((await session.execute(select(Selection.id, Selection.liability))).all())
            members = (await session.execute(select(Member.id, Member.balance))).all()
            ledger = dict(
                (
                    await session.execute(
                        select(LedgerEntry.member_id, func.sum(LedgerEntry.amount)).group_by(
                            LedgerEntry.member_id
                        )
                    )
                ).all()
            )
        exposure: dict[int, int] = defaultdict(int)
        for bet, market_status in bets:
            owed = (bet.payout or 0) - bet.stake
            if held.get(bet.id, 0) != owed + bet.shortfall or bet.shortfall < 0:
                faults.append(
                    f"bet #{bet.id} ({bet.status}): ledger {held.get(bet.id, 0)}, "
                    f"owes {owed} + shortfall {bet.shortfall}"
                )
            if bet.status == "open":
                exposure[bet.selection_id] += engine.liability(bet.stake, bet.odds)
                if market_status in ("settled", "void"):
                    faults.append(f"bet #{bet.id} is open on a {market_status} market")
        for selection_id, liability in selections.items():
            at_stake = exposure.get(selection_id, 0)
            if liability != at_stake:
                faults.append(f"selection #{selection_id}: liability {liability}, open bets {at_stake}")
        for member_id, balance in members:
            if balance < 0 or balance != ledger.get(member_id, 0):
                faults.append(f"member #{member_id}: balance {balance}, ledger {ledger.get(member_id, 0)}")
        return faults
