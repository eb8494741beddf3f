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
}

ADMIN_COMMANDS: tuple[Command, ...] = tuple(c for c in CATALOGUE if c.audience is Audience.ADMIN)


def sample(option: Option) -> object:
    return option.choices[0] if option.choices else SAMPLE[option.type]


def sample_args(command: Command, *, secrets: bool = True) -> dict[str, object]:
    return {o.name: sample(o) for o in command.options if secrets or not o.secret}


def as_words(command: Command) -> str:
    """The command as typed in the console or after Slack's /sidebet."""
    return " ".join([command.name, *(str(sample(o)) for o in command.options if not o.secret)])
