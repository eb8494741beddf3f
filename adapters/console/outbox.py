"""The outbox in the console: the demo league's posts and DMs, collected for the terminal.

The console runs the same delivery loop as Discord and Slack (`commands.outbox.OutboxLoop`);
this adapter turns each post into text (saving its images and files) and keeps it until
the session prints the next batch. A terminal never refuses a message, and has no roles.
"""

from __future__ import annotations

from adapters.console.files import FileSaver
from adapters.console.render import render
from adapters.console.repl import DirectMessage
from adapters.console.terminal import PLAIN, Terminal
from commands.outbox import Delivery
from commands.replies import Reply
from storage.models import League


class ConsoleOutbox:
    """`commands.outbox.OutboxAdapter` for the console's demo league."""

    def __init__(self, platform: str, files: FileSaver, terminal: Terminal = PLAIN) -> None:
        self.platform = platform
        self._files = files
        self._terminal = terminal
        self._posts: list[str | DirectMessage] = []

    def take(self) -> list[str | DirectMessage]:
        """What was delivered since the last call, in order."""
        posts, self._posts = self._posts, []
        return posts

    async def send_post(self, league: League, reply: Reply) -> str:
        self._posts.append(render(reply, self._files.save(reply), self._terminal))
        return f"console-{len(self._posts)}"

    async def update_post(self, league: League, ref: str, reply: Reply) -> None:
        self._posts.append("(the lines board above was updated; `markets` shows it now)")

    async def send_dm(self, league: League, user_id: str, reply: Reply) -> None:
        self._posts.append(DirectMessage(user_id, render(reply, terminal=self._terminal)))

    def undeliverable(self, error: Exception, delivery: Delivery) -> str | None:
        return None
