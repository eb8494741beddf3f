"""A terminal session on the same command catalogue the chat platforms use.

Lines are either catalogue commands (`bet 12 home 50`) or console controls that stand in
for what chat platforms provide: `:as <name>` switches user, `:admin` toggles commissioner
rights, `:advance 2d` moves the demo clock and runs whatever jobs became due.

Where the lines come from is a `LineReader`: on a terminal, a prompt_toolkit prompt with
line editing, history and completion (`adapters.console.prompt`); anywhere else (a pipe, a
script, a test) `PlainReader`, which reads lines as they come.
"""

from __future__ import annotations

import asyncio
import re
import shlex
import threading
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol, TextIO

from adapters.console.files import FileSaver
from adapters.console.render import render
from adapters.console.terminal import PLAIN, Terminal
from commands.catalogue import Command, OptionType, is_leading_choice, match
from commands.context import Invocation
from commands.replies import Reply

RunCommand = Callable[[Invocation, str, dict[str, Any]], Awaitable[Reply]]
#: Moves the demo clock by a time, or to the "next" moment or the next "week".
Advance = Callable[[timedelta | str], Awaitable[str]]


@dataclass(frozen=True, slots=True)
class DirectMessage:
    """A DM the bot sent one member, shown apart from the channel's posts."""

    user: str
    text: str


Drain = Callable[[], Awaitable[list[str | DirectMessage]]]
SaveAdmins = Callable[[frozenset[str]], Awaitable[None]]
# The prompt as (style, text) pieces, prompt_toolkit's formatted text: ("class:user", "alex").
PromptParts = list[tuple[str, str]]


class LineReader(Protocol):
    async def read(self, prompt: PromptParts) -> str | None:
        """The next line the user entered, None at the end of input (Ctrl-D). Ctrl-C while
        typing raises KeyboardInterrupt: the session drops the line and prompts again."""
        ...


class PlainReader:
    """Lines from a stream as they come (a pipe, a script, a test), the prompt written before each."""

    def __init__(self, stdin: TextIO, stdout: TextIO) -> None:
        self._in = stdin
        self._out = stdout
        self._lines: asyncio.Queue[str] | None = None

    async def read(self, prompt: PromptParts) -> str | None:
        if self._lines is None:
            self._lines = self._start()
        self._out.write("".join(text for _, text in prompt))
        self._out.flush()
        line = await self._lines.get()
        return line or None

    def _start(self) -> asyncio.Queue[str]:
        """Read input on a daemon thread, so Ctrl-C never waits for a pending readline."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[str] = asyncio.Queue()

        def pump() -> None:
            while True:
                line = self._in.readline()
                try:
                    loop.call_soon_threadsafe(queue.put_nowait, line)
                except RuntimeError:  # the session already ended and its loop closed
                    return
                if not line:
                    return

        threading.Thread(target=pump, name="console-input", daemon=True).start()
        return queue


# Terminal escape sequences (an arrow key typed where there is no line editor sends `ESC [ A`)
# and other control characters: dropped from a line before it is read, never echoed back.
_CONTROL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1bO.|\x1b.?|[\x00-\x08\x0b-\x1f\x7f]", re.S)


def clean_line(line: str) -> str:
    """`line` without terminal escape sequences or control characters; tabs become spaces."""
    return _CONTROL.sub("", line.replace("\t", " "))


_DURATION = re.compile(r"(\d+)\s*([wdhms])", re.I)
_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes", "s": "seconds"}
MAX_ADVANCE = timedelta(days=60)

CONSOLE_HELP = """Console controls:
  :as <name>      act as another league member (e.g. :as blake)
  :admin [on|off] toggle commissioner rights for the current user
  :advance <time> move the demo clock, e.g. :advance 2d, :advance 3h30m
  :advance next   move it to the next moment something happens (lines, a lock, a settlement)
  :advance week   move it to the next week's lines, running everything in between
  :now            show the demo clock
  :quit           leave (also Ctrl-D)
Everything else is a Sidebet command: try `help`.
On a terminal: Tab completes commands, options and numbers; Up/Down and Ctrl-R
recall earlier lines (kept across runs); Ctrl-C drops the line being typed."""


def parse_duration(text: str) -> timedelta:
    """'2d', '3h30m', '1w' -> timedelta; anything else is a ValueError with the reason."""
    compact = text.replace(" ", "").lower()
    if not compact or _DURATION.sub("", compact):
        raise ValueError(f"'{text}' isn't a duration; try 2d, 3h, 45m or 1d12h.")
    delta = timedelta()
    for amount, unit in _DURATION.findall(compact):
        delta += timedelta(**{_UNITS[unit.lower()]: int(amount)})
    if delta <= timedelta(0):
        raise ValueError("Advance by more than zero.")
    if delta > MAX_ADVANCE:
        raise ValueError("That's too far; advance at most 60 days at a time.")
    return delta


def bind_arguments(command: Command, words: list[str]) -> dict[str, Any]:
    """Positional words onto the command's options; a trailing text option takes the rest.

    An optional choice that leads a required option (`setup [espn/sleeper] <league>`) takes
    a word only when it is one of its choices; otherwise it is left out (its default).
    """
    args: dict[str, Any] = {}
    options = list(command.options)
    for index, option in enumerate(options):
        if not words:
            break
        if is_leading_choice(options, index) and words[0].lower() not in option.choices:
            continue
        if option.type is OptionType.TEXT and index == len(options) - 1:
            args[option.name] = " ".join(words)
            words = []
        else:
            args[option.name] = words.pop(0)
    if words:
        raise ValueError(f"Too many values for `{command.name}`. Usage: `{command.usage}`")
    return args


class ConsoleSession:
    def __init__(
        self,
        *,
        run_command: RunCommand,
        advance: Advance,
        drain_posts: Drain,
        now_text: Callable[[], str],
        stdin: TextIO,
        stdout: TextIO,
        workspace_id: str,
        user: str,
        files: FileSaver | None = None,
        reader: LineReader | None = None,
        terminal: Terminal = PLAIN,
        admins: frozenset[str] = frozenset(),
        save_admins: SaveAdmins | None = None,
    ) -> None:
        self._run_command = run_command
        self._advance = advance
        self._drain_posts = drain_posts
        self._now_text = now_text
        self._out = stdout
        self.reader: LineReader = reader or PlainReader(stdin, stdout)
        self.terminal = terminal
        self._workspace = workspace_id
        self.user = user
        # Who has commissioner rights in the console; `save_admins` keeps them across restarts.
        self.admins: set[str] = set(admins)
        self._save_admins = save_admins
        self._files = files

    def _write(self, text: str) -> None:
        if text:
            self._out.write(text.rstrip("\n") + "\n")
            self._out.flush()

    def prompt(self) -> PromptParts:
        parts = [("class:user", self.user)]
        if self.user in self.admins:
            parts.append(("class:badge", " (commissioner)"))
        return [*parts, ("", "> ")]

    def invocation(self) -> Invocation:
        """Who is typing, as the command layer sees a chat user."""
        return Invocation(
            platform="console",
            workspace_id=self._workspace,
            user_id=self.user,
            display_name=self.user,
            interaction_id=f"console-{uuid.uuid4().hex}",
            is_admin=self.user in self.admins,
            channel_id="league",
        )

    async def run(self) -> None:
        self._write("Sidebet console: the demo league. Type `help` for commands, `:help` for controls.")
        self._write(self._now_text())
        await self._show_posts()
        while True:
            try:
                line = await self.reader.read(self.prompt())
            except KeyboardInterrupt:  # Ctrl-C drops the line being typed, as a shell does
                continue
            if line is None:
                self._write("")
                return
            if not await self.handle(line.strip()):
                return

    async def _show_posts(self) -> None:
        paint = self.terminal.paint
        for post in await self._drain_posts():
            if isinstance(post, DirectMessage):
                marker = paint(f"--- direct message to {post.user} ---", "magenta")
                self._write(f"{marker}\n{post.text}\n{paint('-----------------------', 'magenta')}")
            else:
                marker = paint("--- #league channel ---", "cyan")
                self._write(f"{marker}\n{post}\n{paint('-----------------------', 'cyan')}")

    def _refuse(self, text: str) -> None:
        self._write(self.terminal.paint(f"! {text}", "red"))

    async def handle(self, line: str) -> bool:
        """Handle one line; False when the session should end."""
        line = clean_line(line).strip()
        if not line or line.startswith("#"):
            return True
        if line.startswith(":"):
            return await self._control(line[1:])
        try:
            words = shlex.split(line)
        except ValueError:
            self._refuse("Unbalanced quotes in that line.")
            return True
        found = match(words)
        if found is None:
            self._refuse(f"There's no command `{words[0]}`. `help` lists what you can do.")
            return True
        command, rest = found
        try:
            args = bind_arguments(command, rest)
        except ValueError as exc:
            self._refuse(str(exc))
            return True
        reply = await self._run_command(self.invocation(), command.name, args)
        self._write(render(reply, self._files.save(reply) if self._files else None, self.terminal))
        await self._show_posts()
        return True

    async def _control(self, text: str) -> bool:
        name, _, rest = text.strip().partition(" ")
        rest = rest.strip()
        if name in ("q", "quit", "exit"):
            return False
        if name == "as":
            if not re.fullmatch(r"[A-Za-z0-9_.-]{1,32}", rest):
                self._refuse("Usage: :as <name> (letters, digits, . _ -; up to 32)")
                return True
            self.user = rest.lower()
            self._write(f"You are now {self.user}.")
        elif name == "admin":
            turn_on = {"": self.user not in self.admins, "on": True, "off": False}.get(rest)
            if turn_on is None:
                self._refuse("Usage: :admin [on|off]")
                return True
            if turn_on:
                self.admins.add(self.user)
            else:
                self.admins.discard(self.user)
            if self._save_admins is not None:
                await self._save_admins(frozenset(self.admins))
            now = "now" if turn_on else "no longer"
            self._write(f"{self.user} is {now} a commissioner.")
        elif name == "advance":
            step: timedelta | str = rest.lower() or "next"
            if step not in ("next", "week"):
                try:
                    step = parse_duration(rest)
                except ValueError as exc:
                    self._refuse(str(exc))
                    return True
            self._write(await self._advance(step))
            await self._show_posts()
        elif name == "now":
            self._write(self._now_text())
        elif name == "help":
            self._write(CONSOLE_HELP)
        else:
            self._refuse(f"Unknown control `:{name}`. `:help` lists them.")
        return True
