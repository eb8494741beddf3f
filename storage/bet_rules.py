"""The rules a bet must pass, written once as SQL conditions.

A bet is placed by conditional writes whose WHERE clauses are these rules, so the
database decides at the instant of the write, under any concurrency (storage.placement).
The same conditions are composed into both forms of the bet writer (the statement
sequence SQLite runs, and PostgreSQL's one statement) and into the query that says which
rule refused, which is also what a slip is checked against when it is quoted. So a rule
changes in one place, and the reason a member reads is the rule that actually failed.

Each condition is SQL text with `{name}` placeholders for its inputs; `render` fills them
with bind parameters (`:now`) or, in PostgreSQL's statement, with positional parameters
and columns of an earlier step (`$4`, `claim.liability`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from storage.ledger import BALANCE_COVERS

Refusal = Literal[
    "no_slip",  # no slip with that number in this league
    "not_yours",  # the slip is another member's
    "not_pending",  # the slip was placed or discarded already
    "expired",  # the slip's price no longer holds
    "team_changed",  # the member's team link is not the one the own-matchup rule was applied for
    "paused",  # the commissioner paused betting
    "market_closed",  # the market locked, settled or was voided
    "not_offered",  # this side has no price (too likely to price fairly)
    "liability",  # the side would lose more than the cap if it won
    "balance",  # the member's balance does not cover the stake
]
REFUSALS: frozenset[str] = frozenset(get_args(Refusal))


@dataclass(frozen=True, slots=True)
class Rule:
    refusal: Refusal
    condition: str


# The slip, by its number in the league (storage/numbering.py): not a rule (no slip is
# "no_slip"), the row the rules read. A number of another league finds nothing here.
SLIP = "quotes.number = {slip} AND quotes.league_id = {league_id}"
CLAIM_RULES: tuple[Rule, ...] = (
    Rule("not_yours", "quotes.member_id = {member_id}"),
    Rule("not_pending", "quotes.status = 'pending'"),
    Rule("expired", "quotes.expires_at > {now}"),
    # The own-matchup rule (and the lineup snapshot it may require) was applied in Python
    # for the team the member owned when the confirmation read it; a `link` committed since
    # then must not carry a bet past it. 0 stands for no team (ids start at 1).
    Rule(
        "team_changed",
        "(SELECT COALESCE(members.team_id, 0) FROM members WHERE members.id = quotes.member_id) = {team_id}",
    ),
)
# A market takes bets, and its bets may be cancelled, only while this holds.
MARKET_TAKES_BETS = "markets.status = 'open' AND markets.lock_at > {now}"
# On the selections row of the slip's side, with the slip's liability added.
SIDE_RULES: tuple[Rule, ...] = (
    Rule(
        "paused",
        "EXISTS (SELECT 1 FROM markets JOIN leagues ON leagues.id = markets.league_id"
        " WHERE markets.id = selections.market_id AND leagues.paused = false)",
    ),
    # {share} is FOR KEY SHARE in PostgreSQL's bet statement: the bet waits for a void (or a
    # settlement) holding the market, then sees it closed; a void waits for the bet, then
    # voids it too (see the lock order in commands/services/settlement.py).
    Rule(
        "market_closed",
        "EXISTS (SELECT 1 FROM markets WHERE markets.id = selections.market_id"
        f" AND {MARKET_TAKES_BETS}{{share}})",
    ),
    Rule("not_offered", "selections.odds IS NOT NULL"),
    Rule("liability", "selections.liability + {liability} <= {max_liability}"),
)
# On the members row; the same condition every debit of the ledger obeys.
BALANCE_RULE = Rule("balance", BALANCE_COVERS)
# On the bets row: the bettor may cancel while the bet's market still takes bets.
CANCEL_RULE = Rule(
    "market_closed",
    f"EXISTS (SELECT 1 FROM markets WHERE markets.id = bets.market_id AND {MARKET_TAKES_BETS})",
)

# Bind parameters for the statements sent with named parameters.
NAMED: Mapping[str, str] = {
    name: f":{name}"
    for name in (
        "slip",
        "league_id",
        "member_id",
        "now",
        "liability",
        "max_liability",
        "amount",
        "team_id",
    )
} | {"share": ""}


def render(sql: str, values: Mapping[str, str]) -> str:
    return sql.format_map(values)


def all_of(rules: Sequence[Rule], values: Mapping[str, str]) -> str:
    """Every rule, as one condition: what a conditional write requires."""
    return " AND ".join(f"({render(rule.condition, values)})" for rule in rules)


def first_failed(rules: Sequence[Rule], values: Mapping[str, str], otherwise: Refusal | None) -> str:
    """An SQL expression naming the first rule the row fails, in order (`otherwise` if none).

    After a refused write, `otherwise` is for a row that passes every rule as this query
    sees it: on PostgreSQL the write saw a newer version (a concurrent bet raised the
    liability, a concurrent confirmation took the slip), which is what `otherwise` names.
    Before any write (checking a slip as it is quoted) it is None: NULL, nothing failed.
    """
    cases = " ".join(f"WHEN NOT ({render(rule.condition, values)}) THEN '{rule.refusal}'" for rule in rules)
    return f"CASE {cases} ELSE {'NULL' if otherwise is None else repr(otherwise)} END"
