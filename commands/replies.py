"""Platform-neutral replies: what to say, not how Discord, Slack or a terminal draw it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Tone(StrEnum):
    INFO = "info"
    SUCCESS = "success"
    WARNING = "warning"
    ERROR = "error"


class ButtonStyle(StrEnum):
    PRIMARY = "primary"
    SECONDARY = "secondary"
    DANGER = "danger"


@dataclass(frozen=True, slots=True)
class Button:
    """A button that runs a catalogue action with fixed arguments.

    `owner_id` binds the button to the user it was shown to: adapters refuse presses by
    anyone else, and the action re-checks ownership on the server side too.
    """

    label: str
    action: str
    args: dict[str, Any]
    style: ButtonStyle = ButtonStyle.SECONDARY
    owner_id: str | None = None


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    value: str
    inline: bool = True


@dataclass(frozen=True, slots=True)
class Card:
    title: str
    description: str = ""
    fields: tuple[Field, ...] = ()
    footer: str = ""


@dataclass(frozen=True, slots=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    title: str = ""
    # Columns that hold numbers, so renderers can right-align them.
    numeric: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Image:
    filename: str
    data: bytes
    alt: str


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file that is not shown inline, such as a CSV export."""

    filename: str
    data: bytes
    content_type: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Reply:
    text: str = ""
    cards: tuple[Card, ...] = ()
    tables: tuple[Table, ...] = ()
    buttons: tuple[Button, ...] = ()
    images: tuple[Image, ...] = ()
    files: tuple[Attachment, ...] = ()
    ephemeral: bool = True
    tone: Tone = Tone.INFO
    # Extra plain-text lines for a console, e.g. how to press a button by typing.
    notes: tuple[str, ...] = field(default=())

    @classmethod
    def error(cls, message: str) -> Reply:
        return cls(text=message, ephemeral=True, tone=Tone.ERROR)
