"""A terminal session on the same command catalogue the chat platforms use.

Lines are either catalogue commands (`bet 12 home 50`) or console controls that stand in
for what chat platforms provide: `:as <name>` switches user, `:admin` toggles commissioner
rights, `:advance 2d` moves the demo clock and runs whatever jobs became due.
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
from typing import Any, TextIO

from adapters.console.files import FileSaver
from adapters.console.render import render
from commands.catalogue import Command, OptionType, match
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
Everything else is a Sidebet command: try `help`."""


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
    """Positional words onto the command's options; a trailing text option takes the rest."""
    args: dict[str, Any] = {}
    options = list(command.options)
    for index, option in enumerate(options):
        if not words:
            break
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
    ) -> None:
        self._run_command = run_command
        self._advance = advance
        self._drain_posts = drain_posts
        self._now_text = now_text
        self._in = stdin
        self._out = stdout
        self._workspace = workspace_id
        self.user = user
        self.admins: set[str] = set()
        self._files = files

    def _write(self, text: str) -> None:
        if text:
            self._out.write(text.rstrip("\n") + "\n")
            self._out.flush()

    def _prompt(self) -> None:
        badge = " (commissioner)" if self.user in self.admins else ""
        self._out.write(f"{self.user}{badge}> ")
        self._out.flush()

    async def run(self) -> None:
        self._write("Sidebet console: the demo league. Type `help` for commands, `:help` for controls.")
        self._write(self._now_text())
        await self._show_posts()
        lines = self._read_lines()
        while True:
            self._prompt()
            line = await lines.get()
            if not line:
                self._write("")
                return
            if not await self.handle(line.strip()):
                return

    def _read_lines(self) -> asyncio.Queue[str]:
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

    async def _show_posts(self) -> None:
        for post in await self._drain_posts():
            if isinstance(post, DirectMessage):
                self._write(f"--- direct message to {post.user} ---\n{post.text}\n-----------------------")
            else:
                self._write(f"--- #league channel ---\n{post}\n-----------------------")

    async def handle(self, line: str) -> bool:
        """Handle one line; False when the session should end."""
        if not line or line.startswith("#"):
            return True
        if line.startswith(":"):
            return await self._control(line[1:])
        try:
            words = shlex.split(line)
        except ValueError:
            self._write("! Unbalanced quotes in that line.")
            return True
        found = match(words)
        if found is None:
            self._write(f"! There's no command `{words[0]}`. `help` lists what you can do.")
            return True
        command, rest = found
        try:
            args = bind_arguments(command, rest)
        except ValueError as exc:
            self._write(f"! {exc}")
            return True
        invocation = Invocation(
            platform="console",
            workspace_id=self._workspace,
            user_id=self.user,
            display_name=self.user,
            interaction_id=f"console-{uuid.uuid4().hex}",
            is_admin=self.user in self.admins,
            channel_id="league",
        )
        reply = await self._run_command(invocation, command.name, args)
        self._write(render(reply, self._files.save(reply) if self._files else None))
        await self._show_posts()
        return True

    async def _control(self, text: str) -> bool:
        name, _, rest = text.strip().partition(" ")
        rest = rest.strip()
        if name in ("q", "quit", "exit"):
            return False
        if name == "as":
            if not re.fullmatch(r"[A-Za-z0-9_.-]{1,32}", rest):
                self._write("! Usage: :as <name> (letters, digits, . _ -; up to 32)")
                return True
            self.user = rest.lower()
            self._write(f"You are now {self.user}.")
        elif name == "admin":
            turn_on = {"": self.user not in self.admins, "on": True, "off": False}.get(rest)
            if turn_on is None:
                self._write("! Usage: :admin [on|off]")
            elif turn_on:
                self.admins.add(self.user)
                self._write(f"{self.user} is now a commissioner.")
            else:
                self.admins.discard(self.user)
                self._write(f"{self.user} is no longer a commissioner.")
        elif name == "advance":
            step: timedelta | str = rest.lower() or "next"
            if step not in ("next", "week"):
                try:
                    step = parse_duration(rest)
                except ValueError as exc:
                    self._write(f"! {exc}")
                    return True
            self._write(await self._advance(step))
            await self._show_posts()
        elif name == "now":
            self._write(self._now_text())
        elif name == "help":
            self._write(CONSOLE_HELP)
        else:
            self._write(f"! Unknown control `:{name}`. `:help` lists them.")
        return True
