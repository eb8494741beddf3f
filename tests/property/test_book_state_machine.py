"""A hypothesis state machine over the command layer: the ledger's invariants hold after every step.

Members bet (quote then confirm), cancel, get voided and adjusted; the week settles and ESPN
corrects scores (a regrade), in any order hypothesis finds. After every step the books must
balance: each member's ledger sums to their balance and none is negative, every bet's stake
was taken once and it was paid at most once, its entries sum to exactly what its state owes
plus the shortfall it records, every side's liability is exactly what its open bets could
win, no settled or void market has an open bet, and every graded bet carries the payout its
grade is worth (a prop's on its player's points, wherever the rosters hold him). Book.money_faults
is checked too: the same per bet and per selection, and credits in = credits out.

test_book_lineup_machine.py runs the same invariants through benchings, a game leaving the
period, balances spent before corrections and voids after them.
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import tempfile
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

import engine
from commands.replies import Tone
from commands.services.lifecycle import settle_due
from storage.database import Database
from tests.book import BOOKS_SQL, Book, books_faults
from tests.template_book import MACHINE_KINDS as KINDS
from tests.template_book import MACHINE_USERS as USERS
from tests.template_book import apply_final_rows, correct_settled_matchup, machine_template

PICKS = {
    "moneyline": ("home", "away"),
    "spread": ("home", "away"),
    "total": ("over", "under"),
    "prop": ("over", "under"),
}
INTERNAL_ERROR = "something went wrong on our side"


class BookBase(RuleBasedStateMachine):
    """The machine's league, what its steps share, and the invariants checked after every step.

    The steps are its subclasses': BookMachine here, and test_book_lineup_machine's.
    """

    TEMPLATE = staticmethod(machine_template)

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.folder = Path(tempfile.mkdtemp(prefix="sidebet-machine-"))
        self.template = self.run(self.TEMPLATE())
        self.path = str(self.folder / "book.db")
        shutil.copyfile(self.template.path, self.path)
        self.book = Book(Database(f"sqlite+aiosqlite:///{self.path}"))
        self.book.league_id = self.template.league_id
        self.markets = self.template.markets
        self.bets: list[int] = []
        self.settled = False

    def run(self, coro):
        return self.loop.run_until_complete(coro)

    def teardown(self) -> None:
        self.run(self.book.db.dispose())
        self.loop.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def command(self, user: str, name: str, *, admin: bool = False, **args: object) -> str:
        reply = self.run(self.book.run(user, name, admin=admin, **args))
        assert INTERNAL_ERROR not in reply.text, reply.text
        return reply.text if reply.tone is not Tone.ERROR else ""

    def place(self, user: str, kind: str, matchup: int, side: int, stake: object) -> bool:
        """Quote and confirm a bet; whether it was placed."""
        slip = self.run(
            self.book.run(
                user, "bet", market=self.markets[(kind, matchup)], pick=PICKS[kind][side], stake=stake
            )
        )
        assert INTERNAL_ERROR not in slip.text
        if not slip.cards:
            return False  # refused (locked, over a limit, out of credits): nothing to confirm
        placed = self.command(user, "confirm", quote=int(slip.cards[0].title.split("#")[1]))
        if placed.startswith("Bet placed"):
            self.bets.append(int(placed.split("#")[1].split(",")[0]))
            return True
        return False

    def settle_week(self) -> None:
        """The end-of-week sync's result (final scores) is written as that sync wrote it once,
        then the product's own settlement runs."""
        self.book.clock.advance(timedelta(days=8))
        self.write_final_scores()
        done = self.run(settle_due(self.book.db, self.run(self.book.league()), self.book.clock.now()))
        assert done
        self.settled = True

    def write_final_scores(self) -> None:
        apply_final_rows(self.path, self.template.final_rows)

    async def correct_scores(self, index: int, home: float, away: float) -> None:
        """Move a settled matchup's scores by (home, away), as ESPN's correction would; re-grade."""
        await correct_settled_matchup(
            self.book, index, lambda m: ((m.home_score or 0) + home, (m.away_score or 0) + away)
        )

    # --- the invariants ---------------------------------------------------------------
    @invariant()
    def books_balance(self) -> None:
        with sqlite3.connect(self.path) as conn:
            ledger = dict(conn.execute("SELECT member_id, SUM(amount) FROM ledger GROUP BY member_id"))
            balances = dict(conn.execute("SELECT id, balance FROM members"))
            assert all(b >= 0 for b in balances.values()), balances
            assert {m: ledger.get(m, 0) for m in balances} == balances
            bets = conn.execute(
                "SELECT b.id, b.stake, b.odds, b.status, b.payout, b.shortfall, b.selection_id, b.line, "
                "m.status, m.kind, s.side, mu.home_score, mu.away_score, m.subject, m.matchup_id FROM bets b "
                "JOIN markets m ON m.id = b.market_id JOIN selections s ON s.id = b.selection_id "
                "JOIN matchups mu ON mu.id = m.matchup_id"
            ).fetchall()
            entries: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
            for bet_id, kind, amount in conn.execute(
                "SELECT bet_id, kind, amount FROM ledger WHERE bet_id IS NOT NULL"
            ):
                entries[bet_id][kind].append(amount)
            liabilities = dict(conn.execute("SELECT id, liability FROM selections"))
            # What a prop grades on: the player's points wherever the matchup's rosters hold him
            # now, the starting lineup or the bench (None: he did not play).
            points = (
                {
                    (matchup, str(player)): scored
                    for matchup, player, scored in conn.execute(
                        "SELECT matchup_id, player_id, points FROM starters UNION ALL "
                        "SELECT matchup_id, player_id, points FROM bench_players"
                    )
                }
                if any(row[9] == "prop" for row in bets)
                else {}
            )
        open_liability: dict[int, int] = defaultdict(int)
        for (
            bet_id,
            stake,
            odds,
            status,
            payout,
            shortfall,
            selection,
            line,
            market_status,
            kind,
            side,
            home,
            away,
            subject,
            matchup,
        ) in bets:
            rows = entries[bet_id]
            assert rows["stake"] == [-stake], (bet_id, rows)  # debited exactly once
            assert len(rows["payout"]) + len(rows["refund"]) <= 1, (bet_id, rows)  # paid at most once
            paid = sum(rows["payout"]) + sum(rows["refund"]) + sum(rows["correction"])
            # What a clawback could not take back is recorded apart, never guessed at.
            assert shortfall >= 0, (bet_id, shortfall)
            if status == "open":
                assert paid == 0 and shortfall == 0
                assert market_status in ("open", "locked"), (bet_id, market_status)
                open_liability[selection] += engine.liability(stake, odds)
                continue
            if status in ("void", "cancelled"):
                # the stake, back once (less what the member no longer had to give back)
                assert payout == stake and paid == stake + shortfall, (bet_id, status, paid, shortfall)
                continue
            assert paid == payout + shortfall, (bet_id, status, paid, payout, shortfall)
            assert payout == engine.payout(stake, odds, engine.Outcome(status))
            if kind == "prop":
                scored = points.get((matchup, subject))
                result: engine.PlayerResult | engine.MatchupResult = engine.PlayerResult(
                    scored, scored is not None
                )
            else:
                result = engine.MatchupResult(home or 0.0, away or 0.0)
            grade = engine.grade(engine.MarketKind(kind), side, line, subject or None, result)
            assert status == grade.value, (bet_id, status, grade)  # graded from the current scores
        for selection, liability in liabilities.items():
            assert liability == open_liability.get(selection, 0), (selection, liability)

    @invariant()
    def books_reconcile(self) -> None:
        """Book.money_faults: per bet, per selection, per market and week, and credits in = out."""
        with sqlite3.connect(self.path) as conn:
            rows = [conn.execute(sql).fetchall() for sql in BOOKS_SQL]
        assert books_faults(*rows) == []


class BookMachine(BookBase):
    """Bets, cancels, voids, adjustments, the settlement and stat corrections, in any order."""

    @rule(
        user=st.sampled_from(USERS),
        kind=st.sampled_from(KINDS),
        matchup=st.integers(0, 1),
        side=st.integers(0, 1),
        stake=st.sampled_from([1, 7, 50, 250, "25%", "all"]),
    )
    def bet(self, user: str, kind: str, matchup: int, side: int, stake: object) -> None:
        self.place(user, kind, matchup, side, stake)

    @precondition(lambda self: self.bets)
    @rule(data=st.data(), user=st.sampled_from(USERS))
    def cancel(self, data: st.DataObject, user: str) -> None:
        self.command(user, "cancel", bet=data.draw(st.sampled_from(self.bets)))

    @precondition(lambda self: self.bets)
    @rule(data=st.data())
    def void_bet(self, data: st.DataObject) -> None:
        self.command("boss", "void bet", admin=True, bet=data.draw(st.sampled_from(self.bets)), reason="test")

    @rule(kind=st.sampled_from(KINDS), matchup=st.integers(0, 1))
    def void_market(self, kind: str, matchup: int) -> None:
        self.command("boss", "void market", admin=True, market=self.markets[(kind, matchup)], reason="test")

    @rule(user=st.sampled_from(USERS), amount=st.integers(-1500, 500))
    def adjust(self, user: str, amount: int) -> None:
        self.command("boss", "adjust", admin=True, member=user, amount=amount, reason="test")

    @precondition(lambda self: not self.settled)
    @rule()
    def settle(self) -> None:
        self.settle_week()

    @precondition(lambda self: self.settled)
    @rule(matchup=st.integers(0, 1), home=st.floats(-30, 30), away=st.floats(-30, 30))
    def stat_correction(self, matchup: int, home: float, away: float) -> None:
        self.run(self.correct_scores(matchup, round(home, 1), round(away, 1)))


BookMachine.TestCase.settings = settings(
    max_examples=int(__import__("os").environ.get("SIDEBET_MACHINE_EXAMPLES", "1000")),
    stateful_step_count=5,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestBookMachine = BookMachine.TestCase
