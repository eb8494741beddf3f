"""Reading Yahoo Fantasy API JSON (`?format=json`), whose shape is XML turned inside out.

Yahoo's JSON keeps the XML's structure in a peculiar way, and every reader has to undo it:

- a resource is a list: its metadata first (itself a list of one-key objects, with empty
  lists for elements that are absent), then one object per sub-resource asked for;
- a collection is an object keyed "0", "1", ... plus "count", each entry wrapping one
  resource under its name (`{"0": {"team": [...]}, "count": 1}`);
- numbers often arrive as strings ("12", "104.36").

These helpers flatten that once, so the parser reads plain dicts. Pure, no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

__all__ = ["YahooDataError", "collection", "content", "flat", "number", "resource", "whole"]


class YahooDataError(ValueError):
    """A complete Yahoo answer whose content cannot be read; the provider makes it `bad_data`."""


def content(payload: Any, name: str) -> Any:
    """`fantasy_content[name]` of a whole answer."""
    if not isinstance(payload, Mapping) or not isinstance(payload.get("fantasy_content"), Mapping):
        raise YahooDataError("Yahoo answer has no fantasy_content")
    found = payload["fantasy_content"].get(name)
    if found is None:
        raise YahooDataError(f"Yahoo answer has no {name}")
    return found


def flat(value: Any) -> dict[str, Any]:
    """One dict of everything in a resource list (metadata list included), later keys last."""
    out: dict[str, Any] = {}
    if isinstance(value, Mapping):
        out.update(value)
        return out
    if not isinstance(value, list):
        raise YahooDataError(f"Yahoo resource is neither a list nor an object: {type(value).__name__}")
    for item in value:
        if isinstance(item, Mapping):
            out.update(item)
        elif isinstance(item, list):
            out.update(flat(item))
    return out


def resource(value: Any) -> dict[str, Any]:
    """A resource (`[metadata, {sub-resource}, ...]`) as one dict."""
    return flat(value)


def collection(value: Any, name: str) -> list[dict[str, Any]]:
    """The entries of a Yahoo collection (`{"0": {name: ...}, ..., "count": n}`), flattened.

    A list of such objects (as some sub-resources come) is read the same way."""
    if isinstance(value, list):
        return [entry for item in value for entry in collection(item, name)]
    if not isinstance(value, Mapping):
        raise YahooDataError(f"Yahoo {name} collection is not an object")
    out: list[dict[str, Any]] = []
    count = whole(value.get("count", 0), f"{name} count")
    for index in range(count):
        entry = value.get(str(index))
        if not isinstance(entry, Mapping) or name not in entry:
            raise YahooDataError(f"Yahoo {name} collection lacks entry {index}")
        out.append(resource(entry[name]))
    return out


def whole(value: Any, what: str) -> int:
    if isinstance(value, bool):
        raise YahooDataError(f"Yahoo {what} is not a number: {value!r}")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise YahooDataError(f"Yahoo {what} is not a number: {value!r}") from None


def number(value: Any, what: str) -> float:
    if isinstance(value, bool):
        raise YahooDataError(f"Yahoo {what} is not a number: {value!r}")
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise YahooDataError(f"Yahoo {what} is not a number: {value!r}") from None
    if not math.isfinite(out):
        raise YahooDataError(f"Yahoo {what} is not a finite number: {value!r}")
    return out
