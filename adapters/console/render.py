"""Replies as terminal text: tables that fit the terminal's width, buttons as what to type instead.

A table is laid out by tabulate when it fits. When it does not (the `odds` board, `config
show`, `help` are 130 to 200 columns wide), its text columns are narrowed and their cells
wrapped inside them, with a blank line between rows so a wrapped row reads as one; numbers
are never wrapped. When that cannot fit (many columns in a narrow window), or would take
more lines than it, each row becomes a small block: its first cell, then `Column: value`
lines.

On a live terminal prose is wrapped at word boundaries too; piped output keeps each line whole.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path

from prompt_toolkit.utils import get_cwidth
from tabulate import tabulate

from adapters.console.terminal import PLAIN, Terminal
from commands.replies import Reply, Table, Tone

_PREFIX = {Tone.ERROR: "! ", Tone.WARNING: "~ ", Tone.SUCCESS: "✓ ", Tone.INFO: ""}
_TONE_STYLE = {Tone.ERROR: ("red",), Tone.WARNING: ("yellow",), Tone.SUCCESS: ("green",), Tone.INFO: ()}
_GAP = "  "
# A wrapped column is never made narrower than this, nor narrower than its longest word up to
# the cap (so `lock_reminder_minutes` stays whole, a 60-character word does not).
_MIN_COLUMN = 8
_WORD_CAP = 24


def _width(text: str) -> int:
    return max((get_cwidth(line) for line in text.split("\n")), default=0)


def _pad(text: str, width: int, right: bool) -> str:
    space = " " * max(0, width - get_cwidth(text))
    return space + text if right else text + space


def _wrap(text: str, width: int, indent: str = "") -> list[str]:
    """`text` wrapped at `width`, each of its own lines kept; `indent` starts continuation lines."""
    lines: list[str] = []
    for line in text.split("\n"):
        lines += textwrap.wrap(
            line, width, subsequent_indent=indent, break_on_hyphens=False, drop_whitespace=True
        ) or [""]
    return lines


def _longest_word(texts: Sequence[str]) -> int:
    return max((get_cwidth(word) for text in texts for word in text.split()), default=0)


def _fit(natural: list[int], floors: list[int], room: int) -> list[int] | None:
    """Column widths summing to at most `room`: the widest shrinkable column gives up a column
    at a time, none below its floor. None when the floors alone are too wide."""
    widths = list(natural)
    excess = sum(widths) - room
    while excess > 0:
        shrinkable = [i for i, w in enumerate(widths) if w > floors[i]]
        if not shrinkable:
            return None
        widest = max(shrinkable, key=lambda i: widths[i])
        widths[widest] -= 1
        excess -= 1
    return widths


def _wrapped_table(table: Table, width: int) -> tuple[list[str], list[str], list[list[str]]] | None:
    """Header lines, the rule under them and each row's lines, with text cells wrapped to fit."""
    columns = len(table.columns)
    room = width - len(_GAP) * (columns - 1)
    texts = [[table.columns[i], *(row[i] for row in table.rows)] for i in range(columns)]
    natural = [max(_width(t) for t in column) for column in texts]
    floors = [
        natural[i]
        if i in table.numeric
        else min(natural[i], max(_MIN_COLUMN, min(_WORD_CAP, _longest_word(texts[i]))))
        for i in range(columns)
    ]
    widths = _fit(natural, floors, room)
    if widths is None:
        return None

    def lines_of(cells: Sequence[str]) -> list[str]:
        wrapped = [_wrap(cell, widths[i]) for i, cell in enumerate(cells)]
        height = max(len(w) for w in wrapped)
        out = []
        for n in range(height):
            parts = [
                _pad(w[n] if n < len(w) else "", widths[i], i in table.numeric) for i, w in enumerate(wrapped)
            ]
            out.append(_GAP.join(parts).rstrip())
        return out

    rule = _GAP.join("-" * w for w in widths)
    return lines_of(table.columns), [rule], [lines_of(row) for row in table.rows]


def _stacked(table: Table, width: int) -> list[list[str]]:
    """Each row as a block of `Column: value` lines, the first one unindented."""
    blocks = []
    for row in table.rows:
        if not row:
            continue
        first = f"#{row[0]}" if table.columns[0] == "#" else f"{table.columns[0]}: {row[0]}"
        block = _wrap(first, width)
        for name, value in zip(table.columns[1:], row[1:], strict=False):
            if value:
                block += _wrap(f"  {name}: {value}", width, indent="    ")
        blocks.append(block)
    return blocks


def render_table(table: Table, terminal: Terminal = PLAIN) -> str:
    width = terminal.width
    title = [terminal.paint(line, "bold") for line in _wrap(table.title, width)] if table.title else []
    align = tuple("right" if i in table.numeric else "left" for i in range(len(table.columns)))
    body = tabulate(
        table.rows, headers=table.columns, tablefmt="simple", colalign=align, disable_numparse=True
    )
    if not table.columns:
        return "\n".join([*title, body])
    if _width(body) <= width:
        header, rule, *rows = body.split("\n")
        lines = [terminal.paint(header, "bold"), terminal.paint(rule, "dim"), *rows]
        return "\n".join([*title, *lines])
    stacked = _stacked(table, width)
    wrapped = _wrapped_table(table, width)
    if wrapped is not None:
        header_lines, rule_lines, row_lines = wrapped
        spaced = any(len(r) > 1 for r in row_lines)
        height = len(header_lines) + 1 + sum(len(r) for r in row_lines) + (len(row_lines) - 1) * spaced
        # The table, unless its wrapping is so deep that blocks take fewer lines.
        if height <= sum(len(b) + 1 for b in stacked):
            lines = [terminal.paint(line, "bold") for line in header_lines]
            lines += [terminal.paint(line, "dim") for line in rule_lines]
            for index, row in enumerate(row_lines):
                if spaced and index:
                    lines.append("")
                lines += row
            return "\n".join([*title, *lines])
    lines = []
    for index, block in enumerate(stacked):
        if index:
            lines.append("")
        lines += [terminal.paint(block[0], "bold"), *block[1:]]
    return "\n".join([*title, *lines])


def render(reply: Reply, saved: Mapping[str, Path] | None = None, terminal: Terminal = PLAIN) -> str:
    """The reply as text; `saved` maps each image's and file's name to where it was written."""
    saved = saved or {}
    # A live terminal wraps prose at words; a pipe or a log keeps every line whole.
    width = terminal.width if terminal.fixed_width is None else None

    def prose(text: str, indent: str = "") -> str:
        return "\n".join(_wrap(text, width, indent)) if width else text

    parts: list[str] = []
    if reply.text:
        parts.append(terminal.paint(prose(_PREFIX[reply.tone] + reply.text, "  "), *_TONE_STYLE[reply.tone]))
    for card in reply.cards:
        lines = [terminal.paint(prose(f"┌ {card.title}", "│ "), "bold")]
        if card.description:
            lines.append(prose(f"│ {card.description}", "│ "))
        lines += [prose(f"│ {f.name}: {f.value}", "│   ") for f in card.fields]
        if card.footer:
            lines.append(prose(f"└ {card.footer}", "  "))
        parts.append("\n".join(lines))
    parts += [render_table(t, terminal) for t in reply.tables]
    for image in reply.images:
        where = saved.get(image.filename)
        label = f"[image saved to {where}]" if where else f"[image: {image.filename}]"
        parts.append(f"{terminal.paint(label, 'cyan')} {prose(image.alt)}")
    for file in reply.files:
        where = saved.get(file.filename)
        label = f"[file saved to {where}]" if where else f"[file: {file.filename}]"
        parts.append(f"{terminal.paint(label, 'cyan')} {prose(file.description)}".rstrip())
    parts += [terminal.paint(prose(note), "dim") for note in reply.notes]
    return "\n".join(parts)
