"""The app manifest shipped in this folder, and the bot scopes it grants.

The manifest is the one place the scopes are written down: the OAuth install asks for
exactly these, and a test checks them against what the adapter calls.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

MANIFEST_PATH = Path(__file__).with_name("manifest.json")


@cache
def manifest() -> dict[str, Any]:
    return json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))


def bot_scopes() -> tuple[str, ...]:
    return tuple(manifest()["oauth_config"]["scopes"]["bot"])
