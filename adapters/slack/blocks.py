"""Neutral Replies as Block Kit messages, within Slack's limits.

Cards become section blocks with fields, tables become preformatted code blocks (Slack
has no table block that works everywhere), buttons become actions blocks. Slack rejects a
message over its limits rather than shortening it, so a long reply is split: into more
text blocks, more table blocks (headers repeated) and, past 50 blocks or 40,000 characters,
into more messages. Nothing is cut off.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tabulate import tabulate

from adapters.slack import buttons as slack_buttons
from commands.replies import Card, Reply, Table, Tone

MAX_BLOCKS = 50  # per message
MAX_TEXT = 3000  # per section text object
MAX_FIELD = 2000  # per section field
MAX_FIELDS = 10  # per section
MAX_ACTIONS = 25  # elements per actions block
MAX_MESSAGE_CHARS = 40_000  # all text of one message
FALLBACK_CHARS = 300  # the notification text beside the blocks

_TONE_PREFIX = {
    Tone.ERROR: ":warning: ",
    Tone.WARNING: ":grey_exclamation: ",
    Tone.SUCCESS: ":white_check_mark: ",
}
Block = dict[str, Any]


@dataclass(slots=True)
class SlackMessage:
    """One chat message: blocks plus the plain text Slack shows in notifications."""

    text: str
    blocks: list[Block] = field(default_factory=list)

    def as_kwargs(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks}


def escape(text: str) -> str:
    """Slack's three control characters; user-chosen names must not become mentions or links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def chunk_lines(text: str, limit: int) -> list[str]:
    """`text` in pieces of at most `limit` characters, broken at line ends where possible."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:  # a single overlong line: break it at the limit
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current:
        pieces.append(current)
    return pieces


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def text_blocks(text: str, tone: Tone = Tone.INFO) -> list[Block]:
    if not text:
        return []
    return [_section(piece) for piece in chunk_lines(_TONE_PREFIX.get(tone, "") + escape(text), MAX_TEXT)]


def card_blocks(card: Card) -> list[Block]:
    head = f"*{escape(card.title)}*"
    if card.description:
        head += f"\n{escape(card.description)}"
    blocks = [_section(piece) for piece in chunk_lines(head, MAX_TEXT)]
    fields = [f"*{escape(f.name)}*\n{escape(f.value)}" for f in card.fields]
    # Fields are short by nature; one that is not becomes a section of its own.
    short = [f for f in fields if len(f) <= MAX_FIELD]
    for start in range(0, len(short), MAX_FIELDS):
        blocks.append(
            {
                "type": "section",
                "fields": [{"type": "mrkdwn", "text": f} for f in short[start : start + MAX_FIELDS]],
            }
        )
    for long_field in (f for f in fields if len(f) > MAX_FIELD):
        blocks += [_section(piece) for piece in chunk_lines(long_field, MAX_TEXT)]
    if card.footer:
        blocks += [
            {"type": "context", "elements": [{"type": "mrkdwn", "text": piece}]}
            for piece in chunk_lines(escape(card.footer), MAX_TEXT)
        ]
    return blocks


def _render(table: Table) -> list[str]:
    align = tuple("right" if i in table.numeric else "left" for i in range(len(table.columns)))
    text = tabulate(
        table.rows, headers=table.columns, tablefmt="simple", colalign=align, disable_numparse=True
    )
    return escape(text).split("\n")


def table_blocks(table: Table) -> list[Block]:
    """A table as code blocks of at most MAX_TEXT characters, headers repeated in each.

    The table is laid out once, so every piece has the same column widths.
    """
    blocks: list[Block] = []
    if table.title:
        blocks.append(_section(f"*{escape(table.title)}*"))
    lines = _render(table)
    header, rows = lines[:2], lines[2:]
    room = MAX_TEXT - len("```\n\n```")
    head = "\n".join(header)
    if len(head) + max((len(r) + 1 for r in rows), default=0) > room:
        # Wider than a block even for one row: plain text in pieces rather than a cut table.
        return blocks + [_section(piece) for piece in chunk_lines("\n".join(lines), MAX_TEXT)]
    current = head
    for row in rows:
        if len(current) + 1 + len(row) > room:
            blocks.append(_section(f"```\n{current}\n```"))
            current = head
        current += "\n" + row
    blocks.append(_section(f"```\n{current}\n```"))
    return blocks


def button_blocks(reply: Reply) -> list[Block]:
    elements = [slack_buttons.element(b, i) for i, b in enumerate(reply.buttons)]
    return [
        {"type": "actions", "elements": elements[start : start + MAX_ACTIONS]}
        for start in range(0, len(elements), MAX_ACTIONS)
    ]


def image_blocks(reply: Reply) -> list[Block]:
    """A line per image and file, which follow the message as uploads (adapters/slack/uploads.py).

    The line says what is coming, and still says it if an upload is refused.
    """
    lines = [f":bar_chart: {escape(image.alt)}" for image in reply.images]
    lines += [
        f":paperclip: {escape(f.filename)}" + (f": {escape(f.description)}" if f.description else "")
        for f in reply.files
    ]
    return [{"type": "context", "elements": [{"type": "mrkdwn", "text": line[:3000]}]} for line in lines]


def _block_chars(block: Any) -> int:
    """All the text a block carries (what Slack counts towards a message's size)."""
    if isinstance(block, dict):
        own = len(block["text"]) if isinstance(block.get("text"), str) else 0
        return own + sum(_block_chars(v) for k, v in block.items() if k != "text" or not isinstance(v, str))
    if isinstance(block, list):
        return sum(_block_chars(v) for v in block)
    return 0


def fallback_text(reply: Reply) -> str:
    """The notification text: the reply's words, else its first card or table title."""
    source = (
        reply.text
        or next((c.title for c in reply.cards), "")
        or next((t.title for t in reply.tables if t.title), "Sidebet")
    )
    source = escape(source)
    return source if len(source) <= FALLBACK_CHARS else source[: FALLBACK_CHARS - 1] + "…"


def render(reply: Reply) -> list[SlackMessage]:
    """`reply` as one or more messages, each within Slack's block and character limits."""
    blocks = text_blocks(reply.text, reply.tone)
    for card in reply.cards:
        blocks += card_blocks(card)
    for table in reply.tables:
        blocks += table_blocks(table)
    blocks += image_blocks(reply)
    blocks += button_blocks(reply)
    if not blocks:
        blocks = [_section("Done.")]
    messages: list[SlackMessage] = []
    current: list[Block] = []
    chars = 0
    for block in blocks:
        size = _block_chars(block)
        if current and (len(current) >= MAX_BLOCKS or chars + size > MAX_MESSAGE_CHARS):
            messages.append(SlackMessage(fallback_text(reply), current))
            current, chars = [], 0
        current.append(block)
        chars += size
    messages.append(SlackMessage(fallback_text(reply), current))
    return messages
