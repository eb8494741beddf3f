"""Replies as terminal text: tables through tabulate, buttons as what to type instead."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from tabulate import tabulate

from commands.replies import Reply, Table, Tone

_PREFIX = {Tone.ERROR: "! ", Tone.WARNING: "~ ", Tone.SUCCESS: "✓ ", Tone.INFO: ""}


def render_table(table: Table) -> str:
    align = tuple("right" if i in table.numeric else "left" for i in range(len(table.columns)))
    body = tabulate(
        table.rows, headers=table.columns, tablefmt="simple", colalign=align, disable_numparse=True
    )
    return f"{table.title}\n{body}" if table.title else body


def render(reply: Reply, saved: Mapping[str, Path] | None = None) -> str:
    """The reply as text; `saved` maps each image's and file's name to where it was written."""
    saved = saved or {}
    parts: list[str] = []
    if reply.text:
        parts.append(_PREFIX[reply.tone] + reply.text)
    for card in reply.cards:
        lines = [f"┌ {card.title}"]
        if card.description:
            lines.append(f"│ {card.description}")
        lines += [f"│ {f.name}: {f.value}" for f in card.fields]
        if card.footer:
            lines.append(f"└ {card.footer}")
        parts.append("\n".join(lines))
    parts += [render_table(t) for t in reply.tables]
    for image in reply.images:
        where = saved.get(image.filename)
        parts.append(
            f"[image saved to {where}] {image.alt}" if where else f"[image: {image.filename}] {image.alt}"
        )
    for file in reply.files:
        where = saved.get(file.filename)
        label = f"[file saved to {where}]" if where else f"[file: {file.filename}]"
        parts.append(f"{label} {file.description}".rstrip())
    parts += list(reply.notes)
    return "\n".join(parts)
