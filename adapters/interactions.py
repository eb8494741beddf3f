"""The interaction rules Discord and Slack share: what a press needs before its command runs.

A button (or a form's submission) carries an action, its arguments and the member it was
shown to. Each chat adapter decodes its platform's payload into a `Press` and then follows
the same rules, from here:

- a press that is not ours, someone else's, or names no command is refused (`pressed_command`);
- with every required option present the command runs, and the command layer decides the
  rest; with only a stake missing the member picks one (`stake_prompt`: quick stakes, or
  Custom, a form); with anything else missing, or a Custom button, a form asks (`next_step`),
  and a form always asks for the secret options too (`form_options`): they are never typed;
- a commissioner command does nothing for anyone else (`needs_commissioner`, then
  `commissioners_only`), checked before a prompt or a form opens as well as before it
  runs: the command layer would refuse the submission anyway, but a member, or a forged
  button, must not even get the form;
- commissioner rights rest on the league's settings, read fresh (`league_settings`), so
  `config set admins` counts from the next press.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from commands.catalogue import BY_NAME, Audience, Command, Option, OptionType
from commands.context import Services
from commands.league_settings import LeagueSettings
from commands.replies import Button, ButtonStyle, Reply
from commands.services.tenancy import find_league_settings

QUICK_STAKES = (("10%", "10%"), ("25%", "25%"), ("All-in", "all"))
CUSTOM_STAKE = "Custom…"


@dataclass(frozen=True, slots=True)
class FormButton(Button):
    """A button that opens a form asking for its action's missing options (a custom stake).

    Each adapter encodes the difference in what the button carries (a Discord custom id's
    kind, a flag in a Slack button's value), so a press of it comes back with `form` set.
    """


@dataclass(frozen=True, slots=True)
class Press:
    """One press of one of our buttons, whichever platform carried it."""

    action: str
    args: Mapping[str, Any] = field(default_factory=dict)
    owner_id: str | None = None
    form: bool = False  # a FormButton: ask for the missing options even if only a stake is missing


class Step(StrEnum):
    RUN = "run"
    ASK_STAKE = "ask_stake"
    ASK_FORM = "ask_form"


def missing_options(command: Command, args: Mapping[str, Any]) -> tuple[Option, ...]:
    """Required options the arguments lack (absent or left blank)."""
    return tuple(o for o in command.options if o.required and args.get(o.name) in (None, ""))


def form_options(command: Command, args: Mapping[str, Any]) -> tuple[Option, ...]:
    """What a form for `command` asks for: the required options still missing, and every
    secret option not given (secrets are never typed where others could see them) that
    applies (no ESPN cookies for `setup sleeper`)."""
    return tuple(
        o
        for o in command.options
        if (o.required or (o.secret and o.applies(args))) and args.get(o.name) in (None, "")
    )


def next_step(command: Command, press: Press) -> tuple[Step, tuple[Option, ...]]:
    """What a press of `command` does next, and the options it asks for (if it asks)."""
    missing = missing_options(command, press.args)
    if press.form or any(o.secret for o in form_options(command, press.args)):
        return Step.ASK_FORM, form_options(command, press.args)
    if not missing:
        return Step.RUN, missing
    if all(o.type is OptionType.CREDITS for o in missing):
        return Step.ASK_STAKE, missing
    return Step.ASK_FORM, form_options(command, press.args)


def pressed_command(press: Press | None, presser_id: str, *, own_slip: str) -> Command | Reply:
    """The command a press runs, or the refusal to show instead.

    `own_slip` is how a member gets a slip of their own on this platform ("/bet").
    """
    if press is None:
        return Reply.error("That button isn't one of Sidebet's. Run the command again.")
    if press.owner_id is not None and press.owner_id != presser_id:
        return Reply.error(
            "Those buttons belong to someone else: they only work for the member they were shown to. "
            f"Use `{own_slip}` to get your own slip."
        )
    command = BY_NAME.get(press.action)
    if command is None:
        return Reply.error("That button is out of date. Run the command again.")
    return command


def commissioners_only(shown: str, who: str) -> Reply:
    """The refusal of a commissioner command (`shown` as the platform writes it) to anyone else."""
    return Reply.error(f"`{shown}` is for commissioners only: {who}.")


def needs_commissioner(command: Command) -> bool:
    return command.audience is Audience.ADMIN


def asks_who_is_commissioner(command: Command) -> bool:
    """Whether running `command` depends on the caller being a commissioner.

    Only commissioner commands and the few replies that differ for one (help) do; for any
    other command the adapters leave `Invocation.is_admin` at False without reading the
    league's settings, which was most of what a member's `balance` cost them.
    """
    return needs_commissioner(command) or command.shows_admin


def stake_prompt(
    command: Command,
    args: Mapping[str, Any],
    owner_id: str,
    *,
    pick: str | None = None,
    quick: type[Button] = Button,
) -> Reply:
    """Quick stakes (shares of the balance) for a bet button that carries no stake, and Custom.

    `pick` is the pressed button's label; `quick` the button class the platform needs for a
    quick stake (Slack's replace the prompt they sit on).
    """
    stake = next(o.name for o in command.options if o.type is OptionType.CREDITS)
    buttons = [
        quick(label, command.name, {**args, stake: value}, ButtonStyle.PRIMARY, owner_id)
        for label, value in QUICK_STAKES
    ]
    custom = FormButton(CUSTOM_STAKE, command.name, dict(args), ButtonStyle.SECONDARY, owner_id)
    return Reply(
        text=f"How much on {pick or 'this pick'}? Quick stakes are shares of your balance (All-in is "
        "capped at the maximum stake), or pick Custom to type an amount. You'll see the slip before "
        "anything is placed.",
        buttons=(*buttons, custom),
    )


async def league_settings(services: Services, platform: str, workspace_id: str) -> LeagueSettings | None:
    """The settings of the workspace's league (None without one), read from the database.

    Read fresh rather than from the command layer's caller cache: a commissioner removed
    from `admins` loses the rights at once, and the cache stays the command layer's own.
    """
    async with services.db.read() as session:
        stored = await find_league_settings(session, platform, workspace_id)
    return None if stored is None else LeagueSettings.of(stored)
