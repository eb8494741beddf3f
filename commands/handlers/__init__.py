"""The handler of every catalogue command, and the rule for what a handler does.

A handler is the thin edge of one command:

- it parses nothing: dispatch has checked who may run the command and parsed its options
  (commands/options.py) before the handler runs, so `args` holds typed values;
- it calls one service function (commands/services/), which owns the transactions, the
  queries and the money rules; a handler never opens a database session;
- it words the Reply from what the service returned (commands/views.py and
  commands/format.py help), and raises a CommandError for a refusal it words itself.

The words of the bot's channel posts are commands/posts.py's; the services that queue a
post call them. A test (tests/commands/test_handler_rule.py) checks no handler opens a
session.

Handlers register beside their functions with `@handles("name")` (commands/handlers/
registry.py). Member commands live in `member/`, commissioner commands in
`commissioner/`. Importing this package imports every handler module, so `HANDLERS` and
`LEAGUELESS_HANDLERS` are complete once it has loaded.
"""

from __future__ import annotations

# Imported for what importing them does: each module registers its handlers.
from commands.handlers import commissioner, member
from commands.handlers.registry import (
    HANDLERS,
    LEAGUELESS_HANDLERS,
    Handler,
    LeaguelessHandler,
    handles,
    handles_leagueless,
)

__all__ = [
    "HANDLERS",
    "LEAGUELESS_HANDLERS",
    "Handler",
    "LeaguelessHandler",
    "commissioner",
    "handles",
    "handles_leagueless",
    "member",
]
