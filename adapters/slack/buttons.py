"""What a Slack button carries: the catalogue action, its arguments and who may press it.

Slack echoes a button's `value` back verbatim in the signed block_actions payload, so the
value is where the action and its arguments live. Every button's `action_id` starts with
ACTION_PREFIX so one listener receives them all; the suffix only keeps ids unique within a
message, as Slack requires.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from adapters.interactions import FormButton, Press
from commands.replies import Button, ButtonStyle

ACTION_PREFIX = "sidebet:"
# Stake prompts shown before forms were marked in the value itself carried the command
# inside this pseudo-action; a press of one still decodes, as a form press of that command.
LEGACY_ASK = "@ask"
MAX_VALUE = 2000  # Slack's limit for a button value
MAX_LABEL = 75  # Slack's limit for a button's text


class ButtonValueError(ValueError):
    """A value this adapter did not make (or one too large to be a button's)."""


class ReplacingButton(Button):
    """A button whose answer replaces the message it sits on (the quick stakes of a prompt)."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Pressed:
    press: Press
    replace: bool = False


def encode(button: Button) -> str:
    payload: dict[str, Any] = {"a": button.action, "g": button.args}
    if button.owner_id:
        payload["o"] = button.owner_id
    if isinstance(button, ReplacingButton):
        payload["r"] = 1
    if isinstance(button, FormButton):
        payload["f"] = 1
    value = json.dumps(payload, separators=(",", ":"), sort_keys=True)
    if len(value) > MAX_VALUE:
        raise ButtonValueError(f"button value for {button.action} is {len(value)} characters")
    return value


def decode(value: str) -> Pressed:
    try:
        payload = json.loads(value)
    except (TypeError, ValueError):
        raise ButtonValueError("not a Sidebet button") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("a"), str):
        raise ButtonValueError("not a Sidebet button")
    action, args, owner = payload["a"], payload.get("g") or {}, payload.get("o")
    form = bool(payload.get("f"))
    if action == LEGACY_ASK and isinstance(args, dict):
        action, args, form = str(args.get("command")), args.get("args") or {}, True
    if not isinstance(args, dict) or (owner is not None and not isinstance(owner, str)):
        raise ButtonValueError("not a Sidebet button")
    return Pressed(Press(action, args, owner, form), bool(payload.get("r")))


def element(button: Button, index: int) -> dict[str, Any]:
    """The Block Kit button element for `button`, the `index`-th of its message."""
    label = button.label if len(button.label) <= MAX_LABEL else button.label[: MAX_LABEL - 1] + "…"
    out: dict[str, Any] = {
        "type": "button",
        "action_id": f"{ACTION_PREFIX}{index}",
        "text": {"type": "plain_text", "text": label, "emoji": True},
        "value": encode(button),
    }
    if button.style is ButtonStyle.PRIMARY:
        out["style"] = "primary"
    elif button.style is ButtonStyle.DANGER:
        out["style"] = "danger"
    return out
