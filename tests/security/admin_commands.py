"""The catalogue's commissioner commands, each with a full set of plausible options.

Tests on every adapter enumerate this, so a commissioner command added to the catalogue is
checked for refusal to members everywhere without anyone remembering to add it.
"""

from __future__ import annotations

from commands.catalogue import CATALOGUE, Audience, Command, Option, OptionType

SAMPLE: dict[OptionType, object] = {
    OptionType.TEXT: "because",
    OptionType.WORD: "margin_pct",
    OptionType.CREDITS: 10,
    OptionType.AMOUNT: 100,
    OptionType.ID: 1,
    OptionType.PICK: "home",
    OptionType.MEMBER: "alex",
    OptionType.TEAM: "1",
    OptionType.NUMBER: 12345,
    OptionType.DIGITS: "1048291839281745920",
}

ADMIN_COMMANDS: tuple[Command, ...] = tuple(c for c in CATALOGUE if c.audience is Audience.ADMIN)


def sample(option: Option) -> object:
    return option.choices[0] if option.choices else SAMPLE[option.type]


def sample_args(command: Command, *, secrets: bool = True) -> dict[str, object]:
    return {o.name: sample(o) for o in command.options if secrets or not o.secret}


def _cases(command: Command) -> list[tuple[Command, dict[str, object]]]:
    """The command once per choice of each of its choice options (`setup` for ESPN and for
    Sleeper), every other option at its sample."""
    cases = [(command, sample_args(command))]
    for option in command.options:
        for choice in option.choices[1:]:
            cases.append((command, {**sample_args(command), option.name: choice}))
    return cases


#: Every commissioner command with each of its variants (see `_cases`) and plausible options.
ADMIN_CASES: tuple[tuple[Command, dict[str, object]], ...] = tuple(
    case for command in ADMIN_COMMANDS for case in _cases(command)
)


def without_secrets(command: Command, args: dict[str, object]) -> dict[str, object]:
    secret = {o.name for o in command.options if o.secret}
    return {k: v for k, v in args.items() if k not in secret}


def as_words(command: Command, args: dict[str, object] | None = None) -> str:
    """The command as typed in the console or after Slack's /sidebet."""
    args = sample_args(command) if args is None else args
    shown = [str(args[o.name]) for o in command.options if not o.secret and o.name in args]
    return " ".join([command.name, *shown])
