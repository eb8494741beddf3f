"""Every Discord interaction, routed to the command layer and answered within Discord's rules.

- Slash commands run through `commands.dispatch`. If the answer is not ready within
  `defer_after` seconds the interaction is deferred first (Discord allows 3 s for the first
  response), then completed by editing the deferred response.
- Autocomplete asks `commands.autocomplete.suggest` (database only, never ESPN).
- Buttons carry their action, owner and arguments in their custom id (`custom_ids`), so the
  router needs no memory and buttons keep working after a restart. A press by anyone but
  the owner is refused privately; the command layer re-checks ownership too.
- A button that lacks options (the odds board's bet buttons carry no stake) asks for them:
  quick stakes plus a "Custom" modal for a stake, a modal for anything else. These rules,
  and refusing commissioner commands before any modal opens, are the ones Slack follows
  too (adapters/interactions.py).
- Presses on our own private messages (stake picker, bet slip) replace that message, so a
  slip turns into its receipt; errors always arrive as a new private message.

Nothing here logs option values: modal submissions may hold ESPN cookies.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from typing import Any

import discord

from adapters.discord.command_tree import ADMIN_GROUP, INTEGER, discord_type, resolve
from adapters.discord.custom_ids import ComponentId, Kind, decode
from adapters.discord.forms import build_modal, submitted_values
from adapters.discord.permissions import PLATFORM, is_commissioner
from adapters.discord.render import Outgoing, render
from adapters.interactions import (
    Press,
    Step,
    asks_who_is_commissioner,
    commissioners_only,
    form_options,
    needs_commissioner,
    next_step,
    pressed_command,
    stake_prompt,
)
from commands.autocomplete import Choice, suggest
from commands.catalogue import Command, Option
from commands.context import Invocation, Services
from commands.dispatch import dispatch
from commands.failures import failure_reply
from commands.reference import request_reference
from commands.replies import Reply, Tone

log = logging.getLogger("sidebet.discord")

DEFER_AFTER = 1.5
NO_MENTIONS = discord.AllowedMentions.none()
OWN_SLIP = "/bet"
COMMISSIONERS = "members with Manage Server, the league's admin role, or on its admins list"


def _data(interaction: discord.Interaction) -> Mapping[str, Any]:
    """The interaction's `data` as the JSON object it is (discord.py types it as a union of
    TypedDicts, one per interaction kind), or an empty one."""
    return interaction.data or {}


def _press(parsed: ComponentId | None) -> Press | None:
    if parsed is None:
        return None
    return Press(parsed.action, parsed.args, parsed.owner_id, form=parsed.kind is Kind.FORM)


def _discord_choices(option: Option, found: list[Choice]) -> list[discord.app_commands.Choice[Any]]:
    """Suggestions as Discord choices; integer options need integer values."""
    if discord_type(option) != INTEGER:
        return [discord.app_commands.Choice(name=c.label, value=c.value) for c in found]
    return [
        discord.app_commands.Choice(name=c.label, value=int(c.value))
        for c in found
        if c.value.lstrip("-").isdigit()
    ]


def _is_ephemeral(message: discord.Message | None) -> bool:
    return message is not None and message.flags.ephemeral


def _send_kwargs(out: Outgoing) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"allowed_mentions": NO_MENTIONS}
    if out.content:
        kwargs["content"] = out.content
    if out.embeds:
        kwargs["embeds"] = out.embeds
    view = out.view()
    if view is not None:
        kwargs["view"] = view
    if out.images:
        kwargs["files"] = out.files()
    return kwargs


def _edit_kwargs(out: Outgoing) -> dict[str, Any]:
    """Replace a message wholesale: absent parts are cleared, not left from before."""
    return {
        "content": out.content or None,
        "embeds": out.embeds,
        "view": out.view(),
        "attachments": out.files(),
        "allowed_mentions": NO_MENTIONS,
    }


def _pressed_label(interaction: discord.Interaction, custom_id: str) -> str | None:
    for row in getattr(interaction.message, "components", None) or []:
        for child in getattr(row, "children", []):
            if getattr(child, "custom_id", None) == custom_id:
                return getattr(child, "label", None)
    return None


class InteractionRouter:
    def __init__(self, services: Services, *, defer_after: float = DEFER_AFTER) -> None:
        self.services = services
        self.defer_after = defer_after
        # Called after every command; the client uses it to wake the outbox (public tickets).
        self.after_command: list[Any] = []

    async def handle(self, interaction: discord.Interaction) -> None:
        # One reference id for every log line of this interaction, the dispatcher's included.
        with request_reference() as ref:
            await self._handle(interaction, ref)

    async def _handle(self, interaction: discord.Interaction, ref: str) -> None:
        started = time.perf_counter()
        kind = interaction.type
        try:
            if interaction.guild_id is None:
                await self._answer(interaction, Reply.error("Sidebet works inside a server's channels."))
            elif kind is discord.InteractionType.application_command:
                await self._slash(interaction)
            elif kind is discord.InteractionType.autocomplete:
                await self._autocomplete(interaction)
            elif kind is discord.InteractionType.component:
                await self._component(interaction)
            elif kind is discord.InteractionType.modal_submit:
                await self._modal_submit(interaction)
        except Exception as exc:
            what = f"discord interaction id={interaction.id} type={kind.name}"
            await self._fail(interaction, failure_reply(exc, ref, log, what), ref)
        finally:
            log.debug(
                "discord interaction id=%s type=%s took %.1f ms",
                interaction.id,
                kind.name,
                (time.perf_counter() - started) * 1000,
            )

    # --- invocations -----------------------------------------------------------------------

    async def _invocation(self, interaction: discord.Interaction, *, admin: bool | None = None) -> Invocation:
        if admin is None:
            admin = await is_commissioner(self.services, interaction)
        return Invocation(
            platform=PLATFORM,
            workspace_id=str(interaction.guild_id),
            user_id=str(interaction.user.id),
            display_name=interaction.user.display_name,
            interaction_id=str(interaction.id),
            is_admin=admin,
            channel_id=str(interaction.channel_id) if interaction.channel_id else None,
        )

    # --- slash commands ----------------------------------------------------------------------

    async def _slash(self, interaction: discord.Interaction) -> None:
        called = resolve(_data(interaction))
        if called is None:
            name = _data(interaction).get("name", "?")
            await self._answer(
                interaction,
                Reply.error(f"`/{name}` isn't a Sidebet command (any more). `/help` lists what you can do."),
            )
            return
        known = {k: v for k, v in called.args.items() if v is not None}
        if any(o.secret and o.applies(known) for o in called.command.options):
            # Secrets are never typed into a slash command: a modal asks for them.
            if await self._commissioner_or_refused(interaction, called.command) is None:
                return
            asked = form_options(called.command, known)
            modal = build_modal(called.command, str(interaction.user.id), known, asked)
            await interaction.response.send_modal(modal)
            return
        await self._run(interaction, called.command, called.args, update=False)

    async def _commissioner_or_refused(
        self, interaction: discord.Interaction, command: Command
    ) -> bool | None:
        """Whether the user is a commissioner; None once a commissioner command was refused
        to them (privately, saying who may run it). False, without asking, for a command that
        does not depend on it (asks_who_is_commissioner)."""
        if not asks_who_is_commissioner(command):
            return False
        admin = await is_commissioner(self.services, interaction)
        if needs_commissioner(command) and not admin:
            await self._answer(
                interaction, commissioners_only(f"/{ADMIN_GROUP} {command.name}", COMMISSIONERS)
            )
            return None
        return admin

    async def _run(
        self, interaction: discord.Interaction, command: Command, args: dict[str, Any], *, update: bool
    ) -> None:
        admin = await self._commissioner_or_refused(interaction, command)
        if admin is None:
            return
        invocation = await self._invocation(interaction, admin=admin)
        task = asyncio.ensure_future(dispatch(self.services, invocation, command.name, args))
        deferred = False
        done, _ = await asyncio.wait({task}, timeout=self.defer_after)
        if not done:
            if update:
                await interaction.response.defer()
            else:
                await interaction.response.defer(ephemeral=command.ephemeral, thinking=True)
            deferred = True
        reply = await task
        for hook in self.after_command:
            hook()
        await self._answer(
            interaction, reply, update=update, deferred=deferred, deferred_ephemeral=command.ephemeral
        )

    # --- autocomplete ------------------------------------------------------------------------

    async def _autocomplete(self, interaction: discord.Interaction) -> None:
        called = resolve(_data(interaction))
        choices: list[discord.app_commands.Choice[Any]] = []
        if called is not None and called.focused is not None:
            command = called.command
            option = next((o for o in command.options if o.name == called.focused), None)
            admin_only = needs_commissioner(command)
            refused = admin_only and not await is_commissioner(self.services, interaction)
            if option is not None and not refused:
                invocation = await self._invocation(interaction, admin=admin_only)
                typed = str(called.args.get(option.name) or "")
                others = {k: v for k, v in called.args.items() if k != option.name and v is not None}
                found = await suggest(self.services, invocation, command.name, option.name, typed, others)
                choices = _discord_choices(option, found)
        await interaction.response.autocomplete(choices)

    # --- buttons and modals ----------------------------------------------------------------------

    async def _component(self, interaction: discord.Interaction) -> None:
        custom_id = str(_data(interaction).get("custom_id", ""))
        press = _press(decode(custom_id))
        owner = str(interaction.user.id)
        command = pressed_command(press, owner, own_slip=OWN_SLIP)
        if isinstance(command, Reply):
            await self._answer(interaction, command)
            return
        assert press is not None
        step, asked = next_step(command, press)
        if step is Step.RUN:
            await self._run(interaction, command, dict(press.args), update=_is_ephemeral(interaction.message))
            return
        if await self._commissioner_or_refused(interaction, command) is None:
            return
        if step is Step.ASK_STAKE:
            pick = _pressed_label(interaction, custom_id)
            await self._answer(interaction, stake_prompt(command, press.args, owner, pick=pick))
        else:
            await interaction.response.send_modal(build_modal(command, owner, press.args, asked))

    async def _modal_submit(self, interaction: discord.Interaction) -> None:
        data = _data(interaction)
        press = _press(decode(str(data.get("custom_id", ""))))
        command = pressed_command(press, str(interaction.user.id), own_slip=OWN_SLIP)
        if isinstance(command, Reply):
            await self._answer(interaction, command)
            return
        assert press is not None
        args: dict[str, Any] = {**press.args, **submitted_values(data)}
        await self._run(interaction, command, args, update=_is_ephemeral(interaction.message))

    # --- answering ---------------------------------------------------------------------------

    async def _answer(
        self,
        interaction: discord.Interaction,
        reply: Reply,
        *,
        update: bool = False,
        deferred: bool = False,
        deferred_ephemeral: bool = True,
    ) -> None:
        messages = render(reply)
        first, rest = messages[0], messages[1:]
        replace = update and reply.ephemeral and reply.tone is not Tone.ERROR
        if not deferred:
            if replace:
                await interaction.response.edit_message(**_edit_kwargs(first))
            else:
                await interaction.response.send_message(ephemeral=reply.ephemeral, **_send_kwargs(first))
        elif replace or (not update and reply.ephemeral == deferred_ephemeral):
            await interaction.edit_original_response(**_edit_kwargs(first))
        else:
            if not update:
                await interaction.delete_original_response()
            await interaction.followup.send(ephemeral=reply.ephemeral, **_send_kwargs(first))
        for out in rest:
            await interaction.followup.send(ephemeral=reply.ephemeral, **_send_kwargs(out))

    async def _fail(self, interaction: discord.Interaction, reply: Reply, ref: str) -> None:
        try:
            if interaction.type is discord.InteractionType.autocomplete:
                if not interaction.response.is_done():
                    await interaction.response.autocomplete([])
            elif interaction.response.is_done():
                await interaction.followup.send(ephemeral=True, **_send_kwargs(render(reply)[0]))
            else:
                await self._answer(interaction, reply)
        except discord.HTTPException:
            log.warning("could not report failure ref=%s to Discord", ref)
