"""Every exactly-once key, built in one place.

A ledger entry's dedupe key is UNIQUE per member, and an outbox post's per league: that
is what makes a retried job, a second process or a repeated click move no credit and
post nothing twice. The guarantee holds only if every writer and every reader of one
kind of key spells it the same way, so the keys are built here and nowhere else (a test
scans the source tree for key literals elsewhere), and SQL that builds a key from a
column takes the prefix from here too.

Ledger keys (UNIQUE (member_id, dedupe_key)):
  grant:week:<week>        the weekly allowance
  reset:week:<week>        what a weekly-reset league takes away before the grant
  rebuy:week:<week>        the one rebuy a week
  stake:bet:<bet>          the stake taken when the bet is placed
  settle:bet:<bet>         what settling paid (a payout, or a push/void refund); a
                           commissioner's void of an open bet uses it too, so a bet is
                           settled or voided, never both
  refund:bet:<bet>         the stake returned when the bettor cancels
  void:bet:<bet>           a commissioner's reversal of a bet already settled
  regrade:bet:<bet>:<n>    the n-th stat correction of a bet
  adjust:<interaction>     a commissioner's adjustment (one per chat interaction)
  stake:parlay:<parlay>    a parlay's stake; settle:parlay:<parlay> what settling it paid;
  regrade:parlay:<p>:<n>   the n-th stat correction of a parlay

Slip keys (a bet carries its slip's): quote:<interaction>, requote:<expired slip>.
Outbox post keys: a settled week's recap, settled:week:<week>; of the money commands,
void:market:<market> and ticket:bet:<bet>; of a stat correction,
regrade:week:<week>:<digest> and, per member, dm:regrade:week:<week>:member:<member>:<digest>.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

# Prefixes, for SQL that builds a key from a column (`'stake:bet:' || bet.id`).
STAKE_PREFIX = "stake:bet:"
SETTLE_PREFIX = "settle:bet:"
RECAP_PREFIX = "settled:week:"

LEDGER_PREFIXES = (
    "grant:week:",
    "reset:week:",
    "rebuy:week:",
    STAKE_PREFIX,
    SETTLE_PREFIX,
    "refund:bet:",
    "void:bet:",
    "regrade:bet:",
    "adjust:",
    "stake:parlay:",
    "settle:parlay:",
    "regrade:parlay:",
)
"""Every ledger key starts with one of these (the source scan looks for them)."""


def grant(week_id: int) -> str:
    return f"grant:week:{week_id}"


def reset(week_id: int) -> str:
    return f"reset:week:{week_id}"


def rebuy(week_id: int) -> str:
    return f"rebuy:week:{week_id}"


def stake(bet_id: int) -> str:
    return f"{STAKE_PREFIX}{bet_id}"


def settle(bet_id: int) -> str:
    return f"{SETTLE_PREFIX}{bet_id}"


def cancel_refund(bet_id: int) -> str:
    return f"refund:bet:{bet_id}"


def void_reversal(bet_id: int) -> str:
    return f"void:bet:{bet_id}"


def regrade(bet_id: int, correction: int) -> str:
    """The `correction`-th stat correction of a bet (1, 2, ...)."""
    return f"regrade:bet:{bet_id}:{correction}"


def adjust(interaction_id: str) -> str:
    return f"adjust:{interaction_id}"


def parlay_stake(parlay_id: int) -> str:
    return f"stake:parlay:{parlay_id}"


def parlay_settle(parlay_id: int) -> str:
    """What settling a parlay paid (payout or refund); exactly once per parlay."""
    return f"settle:parlay:{parlay_id}"


def parlay_regrade(parlay_id: int, correction: int) -> str:
    """The `correction`-th stat correction of a parlay (1, 2, ...)."""
    return f"regrade:parlay:{parlay_id}:{correction}"


def parlay_quote(interaction_id: str) -> str:
    return f"parlay:{interaction_id}"


# Bet slip keys (UNIQUE (league_id, idempotency_key) on quotes, and on the bet placed from
# the slip): one slip per chat interaction, one fresh slip per expired one.


def quote(interaction_id: str) -> str:
    return f"quote:{interaction_id}"


def requote(quote_id: int) -> str:
    return f"requote:{quote_id}"


# Outbox post keys (UNIQUE (league_id, dedupe_key)) of the money commands.


def recap_post(week_id: int) -> str:
    """The one post (recap, or totals) of a settled week."""
    return f"{RECAP_PREFIX}{week_id}"


def void_market_post(market_id: int) -> str:
    return f"void:market:{market_id}"


def ticket_post(bet_id: int) -> str:
    return f"ticket:bet:{bet_id}"


# Outbox keys of a stat correction. They name what changed, not when it was noticed: two
# processes (or a retried job) that find the same correction queue one notice, and a later
# correction of the same bets (the next revision of their ledger entries) gets its own.


def correction_digest(changes: Iterable[tuple[int, int, str, str]]) -> str:
    """A short fingerprint of (bet id, correction number, was, now) for every changed bet."""
    text = ";".join(f"{bet}.{number}.{was}.{now}" for bet, number, was, now in sorted(changes))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def correction_post(week_id: int, digest: str) -> str:
    return f"regrade:week:{week_id}:{digest}"


def correction_dm(week_id: int, member_id: int, digest: str) -> str:
    return f"dm:regrade:week:{week_id}:member:{member_id}:{digest}"
