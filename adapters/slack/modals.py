"""Forms (modals) for option values that a button lacks or that must never be typed.

One form serves both: the stake of a "bet" button (Custom) and the ESPN cookies of
`setup`, which are `secret` options and so never go through the visible slash command.
What the form needs to finish the command (the command, the options already known, where
to answer) travels in the view's private_metadata, which Slack stores server-side and
returns only to this app in the signed view_submission.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from commands.catalogue import Command, Option, OptionType

CALLBACK_ID = "sidebet:options"
VALUE_ACTION = "value"
MAX_METADATA = 3000  # Slack's limit for private_metadata
_PLACEHOLDERS = {
    OptionType.CREDITS: "50, 25% or all",
    OptionType.AMOUNT: "e.g. 100 or -50",
    OptionType.ID: "a number",
    OptionType.NUMBER: "a number",
}


@dataclass(frozen=True, slots=True)
class Pending:
    """A command waiting for the form's values."""

    command: str
    args: dict[str, Any] = field(default_factory=dict)
    channel_id: str | None = None
    response_url: str | None = None

    def dump(self) -> str:
        text = json.dumps(
            {"c": self.command, "g": self.args, "ch": self.channel_id, "r": self.response_url},
            separators=(",", ":"),
        )
        if len(text) > MAX_METADATA:
            raise ValueError("form context too large for private_metadata")
        return text

    @classmethod
    def load(cls, text: str) -> Pending:
        data = json.loads(text)
        if not isinstance(data, dict) or not isinstance(data.get("c"), str):
            raise ValueError("not a Sidebet form")
        args = data.get("g") or {}
        if not isinstance(args, dict):
            raise ValueError("not a Sidebet form")
        return cls(data["c"], args, data.get("ch"), data.get("r"))


def _title(command: Command) -> str:
    title = "Your stake" if command.name == "bet" else f"Sidebet {command.name}"
    return title[:24]  # Slack's limit for a modal title; the full name is in the first block


def options_view(command: Command, options: tuple[Option, ...], pending: Pending) -> dict[str, Any]:
    """A modal with one text input per option in `options`; an optional option may stay blank."""
    intro = f"*{command.name}*: {command.summary}"
    blocks: list[dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": intro}}]
    for option in options:
        element: dict[str, Any] = {"type": "plain_text_input", "action_id": VALUE_ACTION}
        placeholder = _PLACEHOLDERS.get(option.type)
        if placeholder:
            element["placeholder"] = {"type": "plain_text", "text": placeholder}
        blocks.append(
            {
                "type": "input",
                "block_id": option.name,
                "label": {"type": "plain_text", "text": option.name.replace("_", " ")},
                "hint": {"type": "plain_text", "text": option.description[:2000]},
                "element": element,
                "optional": not option.required,
            }
        )
    if any(o.secret for o in options):
        blocks.append(
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "Only you see this form. Sidebet stores these values for the league "
                        "and never shows them again, in Slack or in its logs.",
                    }
                ],
            }
        )
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": {"type": "plain_text", "text": _title(command)},
        "submit": {"type": "plain_text", "text": "Submit"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": pending.dump(),
        "blocks": blocks,
    }


def submitted_values(view: dict[str, Any]) -> dict[str, str]:
    """The text of each input of a submitted form, by option name."""
    values: dict[str, str] = {}
    for block_id, actions in (view.get("state", {}).get("values") or {}).items():
        entry = actions.get(VALUE_ACTION) or {}
        if isinstance(entry.get("value"), str):
            values[block_id] = entry["value"]
    return values
