"""Persistent component ids: everything a button or modal needs is in its custom id.

Discord hands a component's custom id back on every press, also to a freshly restarted
process, so a button that carries its action, its owner and its arguments keeps working
without any in-memory state. The format is `sb:<kind>:<action>:<owner>:<args>` with the
arguments url-encoded; Discord caps custom ids at 100 characters, and an id that would not
fit is an error rather than a silently shortened (and therefore wrong) button.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode

PREFIX = "sb"
MAX_CUSTOM_ID = 100
NO_OWNER = "-"


class Kind(StrEnum):
    RUN = "a"  # run the catalogue action with these arguments
    FORM = "m"  # open a modal asking for the action's missing options
    SUBMIT = "f"  # a modal's submission: arguments here plus the modal's text inputs


@dataclass(frozen=True, slots=True)
class ComponentId:
    kind: Kind
    action: str
    owner_id: str | None = None
    args: dict[str, str] = field(default_factory=dict)

    def encode(self) -> str:
        return encode(self.kind, self.action, self.owner_id, self.args)


class CustomIdTooLong(ValueError):
    """A component's arguments do not fit Discord's 100-character custom id."""


def encode(kind: Kind, action: str, owner_id: str | None, args: Mapping[str, Any]) -> str:
    query = urlencode(sorted((str(k), str(v)) for k, v in args.items()))
    text = ":".join((PREFIX, kind.value, quote(action, safe=""), owner_id or NO_OWNER, query))
    if len(text) > MAX_CUSTOM_ID:
        raise CustomIdTooLong(f"custom id for `{action}` is {len(text)} characters (max {MAX_CUSTOM_ID})")
    return text


def decode(custom_id: str) -> ComponentId | None:
    """The parsed id, or None for anything that is not ours (or is malformed)."""
    parts = custom_id.split(":", 4)
    if len(parts) != 5 or parts[0] != PREFIX:
        return None
    _, kind, action, owner, query = parts
    try:
        parsed_kind = Kind(kind)
    except ValueError:
        return None
    return ComponentId(
        kind=parsed_kind,
        action=unquote(action),
        owner_id=None if owner == NO_OWNER else owner,
        args=dict(parse_qsl(query, keep_blank_values=False)),
    )
