"""The outbox: everything the bot says outside a command's own reply, queued once and delivered once.

- `items`: the one way in (`enqueue`, `enqueue_post`, `revise_post`) and the payload shapes
  (DMs, the winner role's hand-over, a board worded when delivered);
- `claims`: claiming items so replicas never deliver one twice (FOR UPDATE SKIP LOCKED on
  PostgreSQL), marking them sent, counting failures;
- `adapter`: the small protocol a chat platform implements (post, update a post, DM, role,
  and which failures are undeliverable);
- `loop`: the one delivery loop (`OutboxLoop`) every platform runs, with the retry limits.
"""

from commands.outbox.adapter import PARTS_DONE, Delivery, OutboxAdapter, PartialDelivery, RoleAdapter
from commands.outbox.claims import CLAIM_TTL, PROCESS_OWNER
from commands.outbox.items import (
    DIRECT_KINDS,
    DM_KIND,
    ROLE_KIND,
    RoleChange,
    board_payload,
    board_week,
    dm_payload,
    enqueue,
    enqueue_post,
    revise_post,
    role_changes,
    role_payload,
)
from commands.outbox.loop import MAX_DIRECT_ATTEMPTS, MAX_POST_ATTEMPTS, OutboxLoop

__all__ = [
    "CLAIM_TTL",
    "DIRECT_KINDS",
    "DM_KIND",
    "MAX_DIRECT_ATTEMPTS",
    "MAX_POST_ATTEMPTS",
    "PARTS_DONE",
    "PROCESS_OWNER",
    "ROLE_KIND",
    "Delivery",
    "OutboxAdapter",
    "OutboxLoop",
    "PartialDelivery",
    "RoleAdapter",
    "RoleChange",
    "board_payload",
    "board_week",
    "dm_payload",
    "enqueue",
    "enqueue_post",
    "revise_post",
    "role_changes",
    "role_payload",
]
