"""The console's prompt on a terminal: prompt_toolkit's line editor with history and completion.

Emacs-style editing (arrows, Home/End, Ctrl-A/E/W/K ...), history kept in a file across runs
(Up/Down, Ctrl-R to search, grey suggestions from history that Right accepts) and Tab
completion. Completion is the console's version of Discord's autocomplete: command names,
then each option in turn, and ids (markets, matchups, bets), members, teams, picks and
settings come from the same `commands.autocomplete.suggest` Discord calls, so both offer
the same choices from the database and never from ESPN.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prompt_toolkit import PromptSession
from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document
from prompt_toolkit.formatted_text import FormattedText
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from prompt_toolkit.styles import Style

from adapters.console.repl import ConsoleSession, PromptParts, bind_arguments
from commands.autocomplete import Choice
from commands.catalogue import CATALOGUE, Command, Option, OptionType, match
from commands.context import Invocation

log = logging.getLogger(__name__)

# (who is asking, command, option, what was typed so far, the options already given) -> choices.
Suggest = Callable[[Invocation, str, str, str, dict[str, Any]], Awaitable[list[Choice]]]

CONTROLS = {
    ":as": "act as another member",
    ":admin": "toggle commissioner rights",
    ":advance": "move the demo clock",
    ":now": "show the demo clock",
    ":help": "the console controls",
    ":quit": "leave",
}
ADVANCE_EXAMPLES = ("next", "week", "1h", "1d", "1w")
STAKE_EXAMPLES = ("all", "25%", "50%", "10")

_STYLE = Style.from_dict({"user": "ansigreen bold", "badge": "ansiyellow"})


@dataclass(frozen=True, slots=True)
class Candidate:
    """One completion: the text replacing the word being typed, and what it means."""

    text: str
    meta: str = ""


def _starting(typed: str, candidates: Iterable[Candidate]) -> list[Candidate]:
    low = typed.lower()
    return [c for c in candidates if c.text.lower().startswith(low)]


class ConsoleCompleter(Completer):
    """Completes a console line: controls, command names, then the command's options in order."""

    def __init__(self, suggest: Suggest, invocation: Callable[[], Invocation]) -> None:
        self._suggest = suggest
        self._invocation = invocation

    def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterable[Completion]:
        """Without an event loop only what needs no database: controls and command names."""
        words, typed = _split(document.text_before_cursor)
        if not words:
            for c in _first_words(typed):
                yield Completion(c.text, -len(typed), display_meta=c.meta)

    async def get_completions_async(
        self, document: Document, complete_event: CompleteEvent
    ) -> AsyncGenerator[Completion, None]:
        words, typed = _split(document.text_before_cursor)
        for c in await self.candidates(words, typed):
            yield Completion(c.text, -len(typed), display_meta=c.meta)

    async def candidates(self, words: list[str], typed: str) -> list[Candidate]:
        """What may replace `typed`, the word being typed after `words`."""
        if not words:
            return _first_words(typed)
        if words[0].startswith(":"):
            return await self._control(words, typed)
        if len(words) == 1 and match(words) is None:  # a group: `config`, `void`
            group = words[0].lower()
            second = (c for c in CATALOGUE if len(c.path) == 2 and c.path[0] == group)
            return _starting(typed, (Candidate(c.path[1], c.summary) for c in second))
        found = match(words)
        if found is None:
            return []
        command, given = found
        if command.name == "help":
            return _help_topics(given, typed)
        if len(given) >= len(command.options):
            return []
        option = command.options[len(given)]
        try:
            args = bind_arguments(command, list(given))
        except ValueError:
            args = {}
        return await self._option(command, option, typed, args)

    async def _option(
        self, command: Command, option: Option, typed: str, args: dict[str, Any]
    ) -> list[Candidate]:
        if option.secret:
            return []
        if option.choices:
            return _starting(typed, (Candidate(c, option.description) for c in option.choices))
        if option.type is OptionType.CREDITS:
            return _starting(typed, (Candidate(s, option.description) for s in STAKE_EXAMPLES))
        if not option.autocomplete:
            return []
        choices = await self._ask(command.name, option.name, typed, args)
        # `suggest` matches anywhere in the label ("odds gurus" offers that matchup's number),
        # so what replaces the typed word need not start with it.
        return [Candidate(c.value, c.label) for c in choices]

    async def _ask(self, command: str, option: str, typed: str, args: dict[str, Any]) -> list[Choice]:
        """The autocomplete service's choices; none (and a log line) if it fails, since a
        completion that raises would take the prompt down with it."""
        try:
            return await self._suggest(self._invocation(), command, option, typed, args)
        except Exception:
            log.exception("console completion failed for %s %s", command, option)
            return []

    async def _control(self, words: list[str], typed: str) -> list[Candidate]:
        if len(words) > 1:
            return []
        name = words[0].lower()
        if name == ":admin":
            return _starting(typed, (Candidate("on"), Candidate("off")))
        if name == ":advance":
            meaning = {"next": "to the next moment something happens", "week": "to the next week's lines"}
            return _starting(
                typed, (Candidate(e, meaning.get(e, "move the clock this far")) for e in ADVANCE_EXAMPLES)
            )
        if name == ":as":
            members = await self._ask("stats", "member", typed, {})
            return [Candidate(c.value, "a member of the league") for c in members]
        return []


def _split(text: str) -> tuple[list[str], str]:
    """The finished words of a line and the word being typed (empty after a space)."""
    words = text.split()
    if not words or text[-1:].isspace():
        return words, ""
    return words[:-1], words[-1]


def _first_words(typed: str) -> list[Candidate]:
    if typed.startswith(":"):
        return _starting(typed, (Candidate(name, meaning) for name, meaning in CONTROLS.items()))
    seen: dict[str, str] = {}
    for command in CATALOGUE:
        head = command.path[0]
        if head not in seen:
            others = [c.name for c in CATALOGUE if c.path[0] == head]
            seen[head] = command.summary if len(others) == 1 else " / ".join(others)
    return _starting(typed, (Candidate(name, meaning) for name, meaning in seen.items()))


def _help_topics(given: list[str], typed: str) -> list[Candidate]:
    """`help` takes a command's name, which may be two words (`help config set`)."""
    before = [w.lower() for w in given]
    out = []
    for command in CATALOGUE:
        path = list(command.path)
        if path[: len(before)] == before and len(path) > len(before):
            out.append(Candidate(path[len(before)], command.summary))
    unique = {c.text: c for c in out}
    return _starting(typed, unique.values())


def file_history(path: str | None) -> History:
    """Lines typed in earlier runs, kept in `path` (in memory only when there is none)."""
    if not path:
        return InMemoryHistory()
    file = Path(path).expanduser()
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        file.touch(exist_ok=True)
    except OSError:  # a read-only folder: history for this run only
        return InMemoryHistory()
    return FileHistory(str(file))


class PromptReader:
    """`LineReader` on a terminal, through prompt_toolkit."""

    def __init__(self, completer: Completer, history: History, colour: bool) -> None:
        self._session: PromptSession[str] = PromptSession(
            history=history,
            completer=completer,
            complete_while_typing=False,
            auto_suggest=AutoSuggestFromHistory(),
            style=_STYLE if colour else Style([]),
            include_default_pygments_style=False,
        )
        self._colour = colour

    async def read(self, prompt: PromptParts) -> str | None:
        message = FormattedText(prompt if self._colour else [("", text) for _, text in prompt])
        try:
            return await self._session.prompt_async(message)
        except EOFError:
            return None


def prompt_reader(session: ConsoleSession, suggest: Suggest, history_file: str | None) -> PromptReader:
    """The terminal prompt for `session`: completion asks as whoever is typing at the time."""
    completer = ConsoleCompleter(suggest, session.invocation)
    return PromptReader(completer, file_history(history_file), session.terminal.colour)
