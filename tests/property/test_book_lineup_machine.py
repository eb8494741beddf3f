"""The book's state machine through what a real NFL week brings: benchings, a game leaving the
period, balances spent before corrections, voids after them.

A sibling of test_book_state_machine.BookMachine (its invariants after every step,
Book.money_faults included) on a league that also offers one player prop per matchup. Two
users bet both sides of each prop and of each moneyline first; then, in any order hypothesis
finds, before the week settles: more bets, voids, and

- an owner benches a prop's player after bets on it, written as the next sync writes it (his
  starter row becomes a bench row, the prop is pulled: no new bets, the old ones stand). His
  prop still grades on his real points, from his bench line (README, "props");
- the NFL schedule moves a prop player's game out of the scoring period: at the week's end
  ESPN has no line for that game's players (no points, their team's score without them)
  and their props are void;
- a member's balance is spent down (an adjustment takes what they have);

and after it: balances spent down, so that a stat correction taking back a paid bet comes
up short and records the shortfall; a matchup's result flipping (scores swapped) or a
player's points corrected, re-grading paid bets; a bet, or its whole market, voided after a
correction. The rules are few on purpose, so short examples reach these sequences (the
`reached` invariant names them for `--hypothesis-show-statistics`).
"""

from __future__ import annotations

import os
import sqlite3

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, precondition, rule

from commands.services.lifecycle import regrade_due
from tests.property.test_book_state_machine import BookBase
from tests.template_book import MACHINE_USERS as USERS
from tests.template_book import apply_final_rows, correct_settled_matchup, lineup_template

PROPS = (0, 1)  # the template's prop of matchup 0 and of matchup 1
# Steps taken in the week before it must end: then the settlement is the only step left, so
# even short examples spend most of their steps after it, where corrections happen.
WEEK_STEPS = 3


def in_the_week(machine: LineupMachine) -> bool:
    return not machine.settled and machine.moves < WEEK_STEPS


def not_at_the_weeks_end(machine: LineupMachine) -> bool:
    return machine.settled or machine.moves < WEEK_STEPS


class LineupMachine(BookBase):
    TEMPLATE = staticmethod(lineup_template)

    def __init__(self) -> None:
        super().__init__()
        self.benched: set[int] = set()  # props whose player left the starting lineup
        self.moved: set[str] = set()  # NFL games moved out of the scoring period
        self.moves = 0  # steps taken before the week's end
        with sqlite3.connect(self.path) as conn:
            # Per prop: its market, matchup, player and the player's team and NFL game.
            self.props = {
                index: conn.execute(
                    "SELECT m.id, m.matchup_id, s.player_id, s.team_id, s.game_id FROM markets m "
                    "JOIN starters s ON s.matchup_id = m.matchup_id "
                    "AND CAST(s.player_id AS TEXT) = m.subject WHERE m.number = ?",
                    (self.markets[("prop", index)],),
                ).fetchone()
                for index in PROPS
            }

    # --- the steps --------------------------------------------------------------------
    @initialize()
    def both_sides_bet(self) -> None:
        for kind in ("prop", "moneyline"):
            for index in PROPS:
                for user, side in zip(USERS, (0, 1), strict=False):
                    assert self.place(user, kind, index, side, 50)

    @precondition(in_the_week)
    @rule(
        user=st.sampled_from(USERS),
        kind=st.sampled_from(("prop", "moneyline", "spread")),
        matchup=st.integers(0, 1),
        side=st.integers(0, 1),
        stake=st.sampled_from([5, 120, "all"]),
    )
    def bet(self, user: str, kind: str, matchup: int, side: int, stake: object) -> None:
        self.moves += 1
        placed = self.place(user, kind, matchup, side, stake)
        assert not (placed and kind == "prop" and matchup in self.benched), "a pulled prop took a bet"

    @precondition(not_at_the_weeks_end)
    @rule(data=st.data())
    def void_bet(self, data: st.DataObject) -> None:
        self.moves += 1
        self.command("boss", "void bet", admin=True, bet=data.draw(st.sampled_from(self.bets)), reason="test")

    @precondition(lambda self: not self.settled)
    @rule(benched=st.sets(st.sampled_from(PROPS)), moved=st.sets(st.sampled_from(PROPS)))
    def settle(self, benched: set[int], moved: set[int]) -> None:
        """The week ends, after Sunday's lineup news (if any) as the last syncs wrote it."""
        for prop in sorted(benched):
            self.bench(prop)
        for prop in sorted(moved):
            self.game_leaves_the_period(prop)
        self.settle_week()

    @precondition(in_the_week)
    @rule(prop=st.sampled_from(PROPS))
    def bench(self, prop: int) -> None:
        """The owner benches the player before his kickoff; the next sync writes it so."""
        self.moves += 1
        if prop in self.benched:
            return
        market, matchup, player, _team, _game = self.props[prop]
        with sqlite3.connect(self.path) as conn:
            # As commands/services/weeks.py stores a lineup change before the player's kickoff:
            # his starter row goes, his bench row comes (no points yet), and
            # pricing.apply_plans pulls the prop (locked before its lock time).
            row = conn.execute(
                "SELECT id, team_id, name, position, eligible_slots, projection FROM starters "
                "WHERE matchup_id = ? AND player_id = ?",
                (matchup, player),
            ).fetchone()
            conn.execute("DELETE FROM starters WHERE id = ?", (row[0],))
            conn.execute(
                "INSERT INTO bench_players (matchup_id, team_id, player_id, name, position, slot, "
                "eligible_slots, projection, points) VALUES (?, ?, ?, ?, ?, 'BE', ?, ?, NULL)",
                (matchup, row[1], player, row[2], row[3], row[4], row[5]),
            )
            conn.execute("UPDATE markets SET status = 'locked' WHERE id = ? AND status = 'open'", (market,))
        self.benched.add(prop)

    @precondition(in_the_week)
    @rule(prop=st.sampled_from(PROPS))
    def game_leaves_the_period(self, prop: int) -> None:
        """The schedule moves the player's NFL game to another week: it shows at the week's end."""
        self.moves += 1
        self.moved.add(self.props[prop][4])

    @precondition(not_at_the_weeks_end)
    @rule(user=st.sampled_from(USERS), keep=st.sampled_from([0, 1, 10]))
    def spend_down(self, user: str, keep: int) -> None:
        """The member's balance goes (down to `keep`), as spending it on bets elsewhere would."""
        self.moves += 1
        with sqlite3.connect(self.path) as conn:
            balance = conn.execute("SELECT balance FROM members WHERE user_id = ?", (user,)).fetchone()[0]
        if balance > keep:
            taken = self.command(
                "boss", "adjust", admin=True, member=user, amount=keep - balance, reason="spent"
            )
            assert taken, f"could not take {balance - keep} of {balance}"

    @precondition(lambda self: self.settled)
    @rule(matchup=st.integers(0, 1))
    def result_flips(self, matchup: int) -> None:
        """ESPN corrects the matchup the other way round: its scores swapped."""
        self.run(self._flip(matchup))

    async def _flip(self, index: int) -> None:
        await correct_settled_matchup(self.book, index, lambda m: (m.away_score or 0, m.home_score or 0))

    @precondition(lambda self: self.settled)
    @rule(prop=st.sampled_from(PROPS), delta=st.sampled_from([-12.0, -3.5, 2.0, 15.0]))
    def player_stat_correction(self, prop: int, delta: float) -> None:
        """ESPN corrects the prop player's points, wherever the rosters hold him."""
        _market, matchup, player, _team, _game = self.props[prop]
        with sqlite3.connect(self.path) as conn:
            for table in ("starters", "bench_players"):
                conn.execute(
                    f"UPDATE {table} SET points = MAX(points + ?, 0) "
                    "WHERE matchup_id = ? AND player_id = ? AND points IS NOT NULL",
                    (delta, matchup, player),
                )
        self.run(regrade_due(self.book.db, self.run(self.book.league()), self.book.clock.now()))

    @precondition(lambda self: self.settled)
    @rule(data=st.data(), whole_market=st.booleans())
    def void_after_correction(self, data: st.DataObject, whole_market: bool) -> None:
        with sqlite3.connect(self.path) as conn:
            corrected = conn.execute(
                "SELECT DISTINCT b.number, m.number, b.id FROM bets b JOIN markets m ON m.id = b.market_id"
                " JOIN ledger l ON l.bet_id = b.id WHERE l.kind = 'correction' ORDER BY b.id"
            ).fetchall()
        if not corrected:
            return
        bet, market, _ = data.draw(st.sampled_from(corrected))  # numbers, as the commissioner types them
        if whole_market:
            self.command("boss", "void market", admin=True, market=market, reason="after a correction")
        else:
            self.command("boss", "void bet", admin=True, bet=bet, reason="after a correction")

    @invariant()
    def reached(self) -> None:
        """Name the sequences this machine exists for, when an example reaches them
        (`--hypothesis-show-statistics` counts them)."""
        with sqlite3.connect(self.path) as conn:
            short, after, graded, void = conn.execute(
                "SELECT "
                "(SELECT COUNT(*) FROM bets WHERE shortfall > 0), "
                "(SELECT COUNT(*) FROM bets b WHERE b.status = 'void' AND b.void_reason IS NOT NULL "
                " AND EXISTS (SELECT 1 FROM ledger l WHERE l.bet_id = b.id"
                " AND l.dedupe_key LIKE 'regrade:%')), "
                "(SELECT COUNT(*) FROM bets b JOIN markets m ON m.id = b.market_id JOIN bench_players p "
                " ON p.matchup_id = m.matchup_id AND CAST(p.player_id AS TEXT) = m.subject "
                " WHERE b.status IN ('won', 'lost', 'push')), "
                "(SELECT COUNT(*) FROM bets b JOIN markets m ON m.id = b.market_id "
                " WHERE m.kind = 'prop' AND b.status = 'void' AND b.void_reason IS NULL)"
            ).fetchone()
        for count, what in (
            (short, "a correction's clawback came up short"),
            (after, "a bet voided after a correction"),
            (graded, "a benched player's prop graded on his points"),
            (void, "a prop void: its game left the period"),
        ):
            if count:
                event(what)

    # --- the week's end as ESPN reports it ------------------------------------------------
    def write_final_scores(self) -> None:
        apply_final_rows(self.path, self.template.final_rows)
        with sqlite3.connect(self.path) as conn:
            # A game moved out of the period: no line for its players, their points out of
            # their team's score (adapters/espn/parse.py `_lines`).
            for game in self.moved:
                for row_id, matchup, team, points in conn.execute(
                    "SELECT id, matchup_id, team_id, points FROM starters WHERE game_id = ?", (game,)
                ).fetchall():
                    _take_points(conn, matchup, team, points)
                    conn.execute(
                        "UPDATE starters SET points = NULL, game_state = NULL WHERE id = ?", (row_id,)
                    )
            # A benched player: ESPN lists him on the bench with his real points (none if his
            # game left the period), and they do not count for his team.
            for prop in self.benched:
                _market, matchup, player, _team, _game = self.props[prop]
                row_id, team, points = conn.execute(
                    "SELECT id, team_id, points FROM starters WHERE matchup_id = ? AND player_id = ?",
                    (matchup, player),
                ).fetchone()
                _take_points(conn, matchup, team, points)
                conn.execute("DELETE FROM starters WHERE id = ?", (row_id,))
                conn.execute(
                    "UPDATE bench_players SET points = ? WHERE matchup_id = ? AND player_id = ?",
                    (points, matchup, player),
                )


def _take_points(conn: sqlite3.Connection, matchup: int, team: int, points: float | None) -> None:
    if not points:
        return
    conn.execute(
        "UPDATE matchups "
        "SET home_score = CASE WHEN home_team_id = :team THEN home_score - :p ELSE home_score END, "
        "away_score = CASE WHEN away_team_id = :team THEN away_score - :p ELSE away_score END "
        "WHERE id = :m",
        {"team": team, "p": points, "m": matchup},
    )


LineupMachine.TestCase.settings = settings(
    max_examples=int(os.environ.get("SIDEBET_LINEUP_MACHINE_EXAMPLES", "50")),
    stateful_step_count=10,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestLineupMachine = LineupMachine.TestCase
