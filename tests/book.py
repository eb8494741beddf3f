"""A test harness around the command layer on the demo league."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, NamedTuple

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
from storage import keys
from storage.database import Database
from storage.models import Base, League, LedgerEntry, Market, Member, Selection

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
        /,
        *,
        admin: bool = False,
        interaction: str | None = None,
        workspace: str | None = None,
        **args: Any,
    ) -> Reply:
        # `user` and `name` are positional-only: a command may have an option called `name`.
        inv = self.invocation(user, admin=admin, interaction=interaction, workspace=workspace)
        return await dispatch(self.services, inv, name, args)

    async def market_number(self, kind: str = "moneyline", matchup_index: int = 0, subject: str = "") -> int:
        """The league number of a market of this kind, by its matchup's order: what a user types."""
        async with self.db.read() as session:
            ids = (
                await session.scalars(
                    select(Market.number)
                    .where(
                        Market.league_id == self.league_id,
                        Market.kind == kind,
                        Market.subject == subject if kind != "prop" else Market.subject != "",
                    )
                    .order_by(Market.matchup_id, Market.id)
                )
            ).all()
        return ids[matchup_index]

    async def slip_number(self, reply: Reply) -> int:
        assert reply.cards, f"expected a bet slip, got: {reply.text}"
        return int(reply.cards[0].title.split("#")[1])

    async def place(self, user: str, market: int, pick: str, stake: int | str) -> Reply:
        slip = await self.run(user, "bet", market=market, pick=pick, stake=stake)
        return await self.run(user, "confirm", quote=await self.slip_number(slip))

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

        Per bet: exactly one stake entry (-stake, its own key), every entry carrying its id
        is its member's and of a bet kind with a key naming it, and they sum to exactly what
        its final state owes (payout less stake, 0 paid while open) plus the shortfall it
        records apart (>= 0); its payout is what its state is worth (engine.payout for a
        grade, the stake back for a void or a cancel), and its state is one its entries allow
        (a cancelled bet was never settled, an open one has only its stake). Per selection,
        the stored liability is what its open bets could win (each bet's stored liability,
        itself engine.liability of its stake and odds). No settled or void market, and no
        settled week, has an open bet; a graded bet sits on a settled market, a void
        market holds only void and cancelled bets. Each balance is its member's ledger and
        never negative. And credits in = credits out, per league: the sum of the balances is
        what came in from outside the book (grants, rebuys, adjustments, less weekly resets)
        plus, over every bet, what its final state owes plus its shortfall; so no entry moves
        credits outside these kinds (a correction with no bet, a payout to someone else).
        """
        async with self.db.read() as session:
            rows = [(await session.execute(text(sql))).all() for sql in BOOKS_SQL]
        return books_faults(*rows)


# What money_faults reads, as plain SQL that SQLite and PostgreSQL both run (a test that
# holds a sqlite3 connection runs it there: the state machine, after every step).
BOOKS_SQL = (
    "SELECT league_id, member_id, kind, amount, bet_id, dedupe_key FROM ledger ORDER BY id",
    "SELECT b.id, b.league_id, b.member_id, b.selection_id, b.stake, b.odds, b.status, b.payout, "
    "b.shortfall, b.liability, m.status, w.status, m.kind FROM bets b "
    "JOIN markets m ON m.id = b.market_id JOIN weeks w ON w.id = b.week_id",
    "SELECT id, liability FROM selections",
    "SELECT id, league_id, balance FROM members",
    "SELECT w.id, count(m.id) FROM weeks w JOIN markets m ON m.week_id = w.id "
    "WHERE w.status = 'settled' AND m.status IN ('open', 'locked') GROUP BY w.id",
)


class BetRow(NamedTuple):
    id: int
    league_id: int
    member_id: int
    selection_id: int
    stake: int
    odds: int
    status: str
    payout: int | None
    shortfall: int
    liability: int
    market_status: str
    week_status: str
    market_kind: str = ""


def books_faults(
    entries: Sequence[Sequence[Any]],
    bet_rows: Sequence[Sequence[Any]],
    selection_rows: Sequence[Sequence[Any]],
    members: Sequence[Sequence[Any]],
    unsettled_rows: Sequence[Sequence[Any]],
) -> list[str]:
    """Book.money_faults on the rows BOOKS_SQL reads (Book.money_faults says what is checked)."""
    faults: list[str] = []
    bets = [BetRow(*row) for row in bet_rows]
    selections = dict(selection_rows)
    unsettled_markets = dict(unsettled_rows)
    by_bet: dict[int, list[tuple[int, str, int, str]]] = defaultdict(list)
    ledger: dict[int, int] = defaultdict(int)
    outside: dict[int, int] = defaultdict(int)  # per league: grants, rebuys, adjustments, resets
    for league_id, member_id, kind, amount, bet_id, key in entries:
        ledger[member_id] += amount
        faults += _entry_faults(kind, amount, bet_id, key)
        if kind in _BET_KINDS and bet_id is not None:
            by_bet[bet_id].append((member_id, kind, amount, key))
        elif kind in _OUTSIDE_KINDS:
            outside[league_id] += amount
    exposure: dict[int, int] = defaultdict(int)
    owed_by_league: dict[int, int] = defaultdict(int)
    known = set()
    for bet in bets:
        known.add(bet.id)
        rows = by_bet.get(bet.id, [])
        held = sum(amount for _, _, amount, _ in rows)
        owed = (bet.payout or 0) - bet.stake
        owed_by_league[bet.league_id] += owed + bet.shortfall
        where = f"bet #{bet.id} ({bet.status})"
        if held != owed + bet.shortfall or bet.shortfall < 0:
            faults.append(f"{where}: ledger {held}, owes {owed} + shortfall {bet.shortfall}")
        stakes = [(amount, key) for _, kind, amount, key in rows if kind == "stake"]
        if stakes != [(-bet.stake, keys.stake(bet.id))]:
            faults.append(f"{where}: stake {bet.stake}, stake entries {stakes}")
        strangers = {member for member, _, _, _ in rows if member != bet.member_id}
        if strangers:
            faults.append(f"{where}: entries of members {sorted(strangers)}, not of #{bet.member_id}")
        faults += _state_faults(bet, where, {key for _, _, _, key in rows})
        if bet.liability != engine.liability(bet.stake, bet.odds):
            faults.append(
                f"{where}: liability {bet.liability}, odds say {engine.liability(bet.stake, bet.odds)}"
            )
        if bet.status == "open":
            exposure[bet.selection_id] += bet.liability
    for bet_id in sorted(set(by_bet) - known):
        faults.append(f"ledger entries for bet #{bet_id}, which does not exist")
    for week_id, count in unsettled_markets.items():
        faults.append(f"week #{week_id} is settled with {count} markets still open or locked")
    for selection_id, liability in selections.items():
        at_stake = exposure.get(selection_id, 0)
        if liability != at_stake:
            faults.append(f"selection #{selection_id}: liability {liability}, open bets {at_stake}")
    balances: dict[int, int] = defaultdict(int)
    for member_id, league_id, balance in members:
        balances[league_id] += balance
        if balance < 0 or balance != ledger.get(member_id, 0):
            faults.append(f"member #{member_id}: balance {balance}, ledger {ledger.get(member_id, 0)}")
    for league_id in sorted(set(balances) | set(outside) | set(owed_by_league)):
        came_in, bets_net = outside.get(league_id, 0), owed_by_league.get(league_id, 0)
        if balances.get(league_id, 0) != came_in + bets_net:
            faults.append(
                f"league #{league_id}: balances {balances.get(league_id, 0)} != {came_in} in from "
                f"grants, rebuys, adjustments and resets + {bets_net} owed by bets"
            )
    return faults


# Ledger kinds that belong to a bet (its stake, what settling or a void paid, a cancel's
# refund, corrections) and those that bring credits in or out of the book from outside.
_BET_KINDS = {"stake", "payout", "refund", "correction"}
_OUTSIDE_KINDS = {"grant", "reset", "rebuy", "adjustment"}


# Each kind's dedupe key prefixes, taken from the keys module (storage/keys.py).
def _prefix(key: str) -> str:
    return key.partition("7")[0]


_KEY_PREFIXES = {
    "stake": (keys.STAKE_PREFIX,),
    "payout": (keys.SETTLE_PREFIX,),
    "refund": (keys.SETTLE_PREFIX, _prefix(keys.cancel_refund(7))),
    "correction": (_prefix(keys.regrade(7, 1)), _prefix(keys.void_reversal(7))),
    "grant": (_prefix(keys.grant(7)),),
    "reset": (_prefix(keys.reset(7)),),
    "rebuy": (_prefix(keys.rebuy(7)),),
    "adjustment": (_prefix(keys.adjust("7")),),
}
_SIGNS = {"stake": -1, "payout": 1, "refund": 1, "grant": 1, "rebuy": 1, "reset": -1}


def _entry_faults(kind: str, amount: int, bet_id: int | None, key: str) -> list[str]:
    where = f"ledger {kind} {amount:+} ({key})"
    prefixes = _KEY_PREFIXES.get(kind)
    if prefixes is None:
        return [f"{where}: no such kind"]
    faults = []
    prefix = next((p for p in prefixes if key.startswith(p)), None)
    if prefix is None:
        faults.append(f"{where}: key not of a {kind}")
    if (kind in _BET_KINDS) != (bet_id is not None):
        faults.append(f"{where}: bet id {bet_id}")
    elif bet_id is not None and prefix is not None and key[len(prefix) :].split(":")[0] != str(bet_id):
        faults.append(f"{where}: key names another bet than #{bet_id}")
    if amount == 0 or amount * _SIGNS.get(kind, amount) < 0:
        faults.append(f"{where}: wrong sign")
    return faults


def _dead_heats(bet: BetRow) -> list[int]:
    """What a multi-way win returns in a dead heat of 2, 3, ... entrants."""
    return [
        engine.dead_heat_payout(bet.stake, bet.odds, engine.MultiwayGrade(engine.Outcome.WON, k))
        for k in range(2, 40)
    ]


def _state_faults(bet: BetRow, where: str, keys_held: set[str]) -> list[str]:
    """What the bet's state says against the entries it has and the market and week it is on."""
    market, week = bet.market_status, bet.week_status
    cancelled, reversed_ = keys.cancel_refund(bet.id), keys.void_reversal(bet.id)
    faults = []
    if bet.status == "open":
        if keys_held != {keys.stake(bet.id)} or bet.shortfall:
            faults.append(f"{where}: open with entries {sorted(keys_held)}, shortfall {bet.shortfall}")
        if market in ("settled", "void") or week == "settled":
            faults.append(f"{where} is open on a {market} market of a {week} week")
    elif bet.status == "cancelled":
        if keys_held != {keys.stake(bet.id), cancelled} or bet.payout != bet.stake:
            faults.append(f"{where}: entries {sorted(keys_held)}, payout {bet.payout}")
    elif bet.status == "void":
        if cancelled in keys_held or bet.payout != bet.stake:
            faults.append(f"{where}: entries {sorted(keys_held)}, payout {bet.payout}")
    else:  # graded: won, lost, push
        worth = engine.payout(bet.stake, bet.odds, engine.Outcome(bet.status))
        if bet.status == "won" and bet.market_kind in ("high_score", "mvp") and bet.payout != worth:
            # a dead heat: a winner's return split among the k tied for the top
            worth = next((w for w in _dead_heats(bet) if w == bet.payout), worth)
        if bet.payout != worth:
            faults.append(f"{where}: payout {bet.payout}, its grade is worth {worth}")
        if cancelled in keys_held or reversed_ in keys_held:
            faults.append(f"{where}: graded but cancelled or voided: {sorted(keys_held)}")
        if market != "settled":
            faults.append(f"{where} is graded on a {market} market")
    if market == "void" and bet.status not in ("void", "cancelled"):
        faults.append(f"{where} on a void market")
    return faults
