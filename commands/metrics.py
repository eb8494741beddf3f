"""The bot's Prometheus metrics: one module of metric objects that the seams update.

The objects live here, in the command layer, because the seams that feed them are the
dispatcher (commands), the ESPN client (adapters, which may import commands) and the
lifecycle (commands); bot/ops_server.py only exposes them. They register on
prometheus-client's default registry, so one process has exactly one of each.
Labels are kept to small fixed sets (platform, command name, market kind, error kind):
never a user, league or message id, which would grow without bound.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

# Interactions are mostly a few milliseconds; a slow one (a database lock, a cold cache)
# should still land in a bucket below Discord's 3 s deadline.
_INTERACTION_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)

BETS_PLACED = Counter(
    "sidebet_bets_placed",
    "Bets accepted (confirmed and paid for), by chat platform and market kind.",
    ["platform", "market_kind"],
)
INTERACTION_SECONDS = Histogram(
    "sidebet_interaction_seconds",
    "Time from a command reaching the dispatcher to its reply, by platform, command and outcome.",
    ["platform", "command", "outcome"],
    buckets=_INTERACTION_BUCKETS,
)
SETTLEMENT_SECONDS = Histogram(
    "sidebet_settlement_seconds",
    "Time to grade and pay one week (one settlement transaction).",
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0),
)
ESPN_REQUEST_SECONDS = Histogram(
    "sidebet_espn_request_seconds",
    "Latency of one HTTP attempt to ESPN (retries are separate attempts), by API.",
    ["api"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
ESPN_REQUEST_ERRORS = Counter(
    "sidebet_espn_request_errors",
    "Failed ESPN HTTP attempts, by kind (timeout, connection, http_5xx, http_429, bad_json, auth, ...).",
    ["kind"],
)
OUTBOX_BACKLOG = Gauge(
    "sidebet_outbox_backlog",
    "Channel posts waiting to be delivered (pending, with a channel to go to), at the last scrape.",
)
JOB_PASSES = Counter(
    "sidebet_job_passes",
    "Scheduled passes over a league, by result: ran, skipped (another process held it), failed.",
    ["result"],
)
