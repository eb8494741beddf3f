"""Replies as Discord messages: cards become embeds, tables code blocks, buttons components.

Discord rejects a message over its limits (2,000 characters of content, 4,096 per embed
description, 25 fields and 6,000 characters per embed and per message, 10 embeds, 5 rows
of 5 buttons). Rather than cut text off, a long reply is split: content at line breaks,
tables by rows (the header repeated, pages numbered), cards into continuation embeds, and
what still does not fit goes into further messages. Nothing is ever dropped silently.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import discord
from tabulate import tabulate

from adapters.discord.custom_ids import Kind, encode
from adapters.interactions import FormButton
from commands.replies import Attachment, Button, ButtonStyle, Card, Image, Reply, Table, Tone

MAX_CONTENT = 2000
MAX_DESCRIPTION = 4096
MAX_TITLE = 256
MAX_FIELDS = 25
MAX_FIELD_NAME = 256
MAX_FIELD_VALUE = 1024
MAX_FOOTER = 2048
MAX_EMBED_TOTAL = 6000
MAX_EMBEDS = 10
MAX_FILES = 10
MAX_ROWS = 5
BUTTONS_PER_ROW = 5
MAX_BUTTONS = MAX_ROWS * BUTTONS_PER_ROW
MAX_LABEL = 80
FENCE = "```"

COLOURS = {
    Tone.INFO: discord.Colour.blurple(),
    Tone.SUCCESS: discord.Colour.green(),
    Tone.WARNING: discord.Colour.gold(),
    Tone.ERROR: discord.Colour.red(),
}
STYLES = {
    ButtonStyle.PRIMARY: discord.ButtonStyle.primary,
    ButtonStyle.SECONDARY: discord.ButtonStyle.secondary,
    ButtonStyle.DANGER: discord.ButtonStyle.danger,
}


@dataclass(slots=True)
class Outgoing:
    """One Discord message to send: what `send_message`, `followup.send` or `send` take."""

    content: str = ""
    embeds: list[discord.Embed] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)
    # Uploads: inline images (a chart) and plain files (a CSV export) alike.
    images: list[Image | Attachment] = field(default_factory=list)

    def view(self) -> discord.ui.View | None:
        return build_view(self.buttons) if self.buttons else None

    def files(self) -> list[discord.File]:
        return [
            discord.File(io.BytesIO(u.data), filename=u.filename, description=_describe(u))
            for u in self.images
        ]


def _describe(upload: Image | Attachment) -> str | None:
    text = upload.alt if isinstance(upload, Image) else upload.description
    return text[:1024] or None


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters, broken at a line end, else a space, else anywhere."""
    if limit < 1:
        raise ValueError(f"cannot split text into pieces of {limit} characters")
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit + 1)
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit + 1)
        if cut <= 0:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n ")
    if rest or not pieces:
        pieces.append(rest)
    return pieces


def _code_safe(cell: str) -> str:
    # A backtick run inside a cell would end the code block early.
    return cell.replace("`", "ˋ")


def table_lines(table: Table) -> tuple[str, list[str]]:
    """The table as monospaced text: (header lines, one line per row)."""
    align = tuple("right" if i in table.numeric else "left" for i in range(len(table.columns)))
    rows = [[_code_safe(c) for c in row] for row in table.rows]
    text = tabulate(
        rows or [["" for _ in table.columns]],
        headers=[_code_safe(c) for c in table.columns],
        tablefmt="simple",
        colalign=align,
        disable_numparse=True,
    )
    lines = text.split("\n")
    # The column names (as many lines as the tallest of them) and the rule under them.
    head = 1 + max((_code_safe(c).count("\n") + 1 for c in table.columns), default=1)
    body = lines[head:] if table.rows else []
    return "\n".join(lines[:head]), body


def table_embeds(table: Table, colour: discord.Colour) -> list[discord.Embed]:
    """One embed per page of rows, each page a code block with the header repeated.

    A header taking more than half of a page is not repeated: it opens the first page as
    ordinary lines, wrapped like any long row (a table that wide is unreadable in a code
    block anyway, but every cell of it arrives).
    """
    header, body = table_lines(table)
    room = MAX_DESCRIPTION - len(FENCE) * 2 - 2  # the lines inside one code block
    if len(header) + 1 > room // 2:
        header, body = "", [*header.split("\n"), *body]
    budget = room - (len(header) + 1 if header else 0)
    pages: list[list[str]] = [[]]
    used = 0
    for line in body:
        for piece in split_text(line, budget):
            if pages[-1] and used + len(piece) + 1 > budget:
                pages.append([])
                used = 0
            pages[-1].append(piece)
            used += len(piece) + 1
    title = _code_safe(table.title) if table.title else ""
    embeds = []
    for number, page in enumerate(pages, 1):
        block = "\n".join([header, *page] if header else page)
        page_title = title if len(pages) == 1 else f"{title} ({number}/{len(pages)})".strip()
        embed = discord.Embed(description=f"{FENCE}\n{block}\n{FENCE}", colour=colour)
        if page_title:
            embed.title = _title(page_title)
        embeds.append(embed)
    if not table.rows:
        embeds[0].set_footer(text="(no rows)")
    return embeds


def _title(text: str) -> str:
    return text if len(text) <= MAX_TITLE else text[: MAX_TITLE - 1] + "…"


def card_embeds(card: Card, colour: discord.Colour) -> list[discord.Embed]:
    """A card's title, description, fields and footer over as many embeds as they need."""
    descriptions = split_text(card.description, MAX_DESCRIPTION) if card.description else [""]
    fields: list[tuple[str, str, bool]] = []
    for f in card.fields:
        name = f.name if len(f.name) <= MAX_FIELD_NAME else f.name[: MAX_FIELD_NAME - 1] + "…"
        for index, value in enumerate(split_text(f.value or "-", MAX_FIELD_VALUE)):
            fields.append((name if index == 0 else f"{name} (cont.)"[:MAX_FIELD_NAME], value, f.inline))
    footers = split_text(card.footer, MAX_FOOTER) if card.footer else []
    embeds: list[discord.Embed] = []

    def new(title: str) -> discord.Embed:
        embed = discord.Embed(title=_title(title), colour=colour)
        embeds.append(embed)
        return embed

    current = new(card.title)
    for index, description in enumerate(descriptions):
        if index:
            current = new(f"{card.title} (cont.)")
        current.description = description or None
    for name, value, inline in fields:
        if len(current.fields) >= MAX_FIELDS or len(current) + len(name) + len(value) > MAX_EMBED_TOTAL:
            current = new(f"{card.title} (cont.)")
        current.add_field(name=name, value=value, inline=inline)
    for footer in footers:
        if current.footer.text or len(current) + len(footer) > MAX_EMBED_TOTAL:
            current = new(f"{card.title} (cont.)")
        current.set_footer(text=footer)
    return embeds


def _pack(embeds: Sequence[discord.Embed]) -> Iterator[list[discord.Embed]]:
    """Embeds grouped per message: at most 10, and 6,000 characters together."""
    group: list[discord.Embed] = []
    total = 0
    for embed in embeds:
        size = len(embed)
        if group and (len(group) >= MAX_EMBEDS or total + size > MAX_EMBED_TOTAL):
            yield group
            group, total = [], 0
        group.append(embed)
        total += size
    if group:
        yield group


def render(reply: Reply) -> list[Outgoing]:
    """The messages that together say everything `reply` says, each within Discord's limits."""
    colour = COLOURS[reply.tone]
    embeds: list[discord.Embed] = []
    for card in reply.cards:
        embeds += card_embeds(card, colour)
    for table in reply.tables:
        embeds += table_embeds(table, colour)
    messages = [Outgoing(content=piece) for piece in split_text(reply.text, MAX_CONTENT) if piece]
    groups = list(_pack(embeds))
    if groups and messages:
        messages[-1].embeds = groups.pop(0)
    messages += [Outgoing(embeds=g) for g in groups]
    if not messages:
        uploads_only = reply.buttons or reply.images or reply.files
        messages.append(Outgoing(content="Done." if not uploads_only else "\u200b"))
    uploads: list[Image | Attachment] = [*reply.images, *reply.files]
    for start in range(0, len(uploads), MAX_FILES):
        chunk = uploads[start : start + MAX_FILES]
        if start == 0:
            messages[0].images = chunk
        else:
            messages.append(Outgoing(content="(more files)", images=chunk))
    for start in range(0, len(reply.buttons), MAX_BUTTONS):
        row = list(reply.buttons[start : start + MAX_BUTTONS])
        if start == 0:
            messages[-1].buttons = row
        else:
            page = start // MAX_BUTTONS + 1
            messages.append(Outgoing(content=f"More choices ({page}):", buttons=row))
    return messages


def button_custom_id(button: Button) -> str:
    kind = Kind.FORM if isinstance(button, FormButton) else Kind.RUN
    return encode(kind, button.action, button.owner_id, button.args)


def build_view(buttons: Sequence[Button]) -> discord.ui.View:
    """A view only used to serialise components: ids are persistent, routing is ours.

    The view is stopped before it is sent so discord.py does not keep it in its view store
    (which would grow with every message); presses reach the adapter's interaction router.
    """
    if len(buttons) > MAX_BUTTONS:
        raise ValueError(f"{len(buttons)} buttons do not fit one message (max {MAX_BUTTONS})")
    view = discord.ui.View(timeout=None)
    for index, button in enumerate(buttons):
        label = button.label if len(button.label) <= MAX_LABEL else button.label[: MAX_LABEL - 1] + "…"
        view.add_item(
            discord.ui.Button(
                label=label,
                style=STYLES[button.style],
                custom_id=button_custom_id(button),
                row=index // BUTTONS_PER_ROW,
            )
        )
    view.stop()
    return view
