"""The handler of every catalogue command, registered beside it (`registry.handles`).

Importing this package imports every handler module, so `HANDLERS` and
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
