"""What the console knows about the terminal it writes to: how wide it is and whether to colour.

Colour is for people: it is used only when standard output is a terminal and `NO_COLOR` is
unset (https://no-color.org), so pipes, logs and tests read plain text. A terminal's width is
asked each time (windows get resized); anything else is 80 columns.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from typing import TextIO

DEFAULT_WIDTH = 80
# Narrower than this, tables would be all wrapping: lay them out as if the window were this wide.
MIN_WIDTH = 40

_SGR = {
    "bold": "1",
    "dim": "2",
    "red": "31",
    "green": "32",
    "yellow": "33",
    "blue": "34",
    "magenta": "35",
    "cyan": "36",
}


@dataclass(frozen=True, slots=True)
class Terminal:
    colour: bool = False
    # None: ask the terminal on every use; a number: always that many columns.
    fixed_width: int | None = DEFAULT_WIDTH

    @property
    def width(self) -> int:
        if self.fixed_width is not None:
            return max(MIN_WIDTH, self.fixed_width)
        return max(MIN_WIDTH, shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns)

    def paint(self, text: str, *styles: str) -> str:
        """`text` in the given styles (bold, dim, red, green, ...), or unchanged without colour."""
        if not self.colour or not styles or not text:
            return text
        codes = ";".join(_SGR[s] for s in styles)
        # Styled line by line, so a line never carries colour into the next one when wrapped.
        return "\n".join(f"\x1b[{codes}m{line}\x1b[0m" if line else line for line in text.split("\n"))


PLAIN = Terminal()


def is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or a fake stream
        return False


def wants_colour(environ: dict[str, str] | os._Environ[str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    return not env.get("NO_COLOR") and env.get("TERM", "") != "dumb"


def terminal_for(stream: TextIO) -> Terminal:
    """The terminal behind `stream`: live width and colour if it is one, plain 80 columns if not."""
    if not is_tty(stream):
        return PLAIN
    return Terminal(colour=wants_colour(), fixed_width=None)
