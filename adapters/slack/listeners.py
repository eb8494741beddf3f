"""The bolt listeners: the slash command, every button and the option forms.

Each listener does only what must happen before Slack's three-second deadline (read the
payload, validate a form, `ack()`), then hands the rest to a background task: who the
caller is (users.info, the league's admin list), the command itself and the answer through
the response_url. The app runs with `process_before_response=True`, so the ack goes back
as soon as the listener returns instead of when bolt's runner next polls for it.
What a press needs before its command runs (quick stakes, a form, a commissioner) follows
the rules Discord follows too (adapters/interactions.py).
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.interactions import (
    Step,
    asks_who_is_commissioner,
    commissioners_only,
    form_options,
    needs_commissioner,
    next_step,
    pressed_command,
    stake_prompt,
)
from adapters.slack import buttons, modals
from adapters.slack.admins import PLATFORM, UserDirectory, on_league_admin_list
from adapters.slack.parsing import SLASH_COMMAND, UsageError, parse
from adapters.slack.respond import Responder
from commands import catalogue
from commands.catalogue import Command, Option
from commands.context import Invocation, Services
from commands.dispatch import dispatch
from commands.errors import CommandError
from commands.failures import failure_reply
from commands.options import parse_option
from commands.reference import request_reference
from commands.replies import Reply

log = logging.getLogger(__name__)

OWN_SLIP = "/sidebet bet"
COMMISSIONERS = (
    "workspace admins and owners, or members on the league's `admins` list (a commissioner can "
    "add you with `/sidebet config set admins`)"
)


def _interaction_id(*candidates: str | None) -> str:
    """Slack's id for this one interaction (a trigger id is unique per command or click)."""
    return "slack:" + next((c for c in candidates if c), secrets.token_hex(8))


@dataclass(frozen=True, slots=True)
class Caller:
    team_id: str
    user_id: str
    user_name: str
    channel_id: str | None
    interaction_id: str

    @classmethod
    def of_payload(cls, body: dict[str, Any], channel_id: str | None, interaction_id: str) -> Caller:
        """The presser of a button or the submitter of a form (both payloads name them alike)."""
        user = body.get("user") or {}
        return cls(
            team_id=(body.get("team") or {}).get("id") or user.get("team_id", ""),
            user_id=user.get("id", ""),
            user_name=user.get("username") or user.get("name", ""),
            channel_id=channel_id,
            interaction_id=interaction_id,
        )


class SlackCommands:
    """Translates Slack interactions to `commands.dispatch` calls and Replies back."""

    def __init__(self, services: Services, directory: UserDirectory | None = None) -> None:
        self.services = services
        self.directory = directory or UserDirectory()
        self._tasks: set[asyncio.Task[None]] = set()
        self._http: aiohttp.ClientSession | None = None

    def _session(self) -> aiohttp.ClientSession:
        """The HTTP session for response_url posts, opened on first use inside the running loop."""
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession()
        return self._http

    def _responder(self, client: AsyncWebClient, caller: Caller, response_url: str | None) -> Responder:
        return Responder(client, caller.user_id, response_url, caller.channel_id, self._session())

    async def close(self) -> None:
        """Deliver every answer started so far, then close the HTTP session."""
        await self.idle()
        if self._http is not None:
            await self._http.close()
            self._http = None

    def register(self, app: AsyncApp) -> None:
        app.command(SLASH_COMMAND)(self.on_slash_command)
        app.action(re.compile(f"^{re.escape(buttons.ACTION_PREFIX)}"))(self.on_button)
        app.view(modals.CALLBACK_ID)(self.on_form)

    # --- background work ---------------------------------------------------------------

    def _spawn(self, work: Coroutine[Any, Any, None], responder: Responder) -> None:
        """Run `work` after the ack; a failure becomes an apology with a reference, never silence."""

        async def guarded() -> None:
            with request_reference() as ref:
                await answered(ref)

        async def answered(ref: str) -> None:
            try:
                await work
            except Exception as exc:
                try:
                    await responder.send(failure_reply(exc, ref, log, "slack interaction"))
                except Exception:
                    log.exception("could not report failure ref=%s", ref)

        task = asyncio.get_running_loop().create_task(guarded())
        self._tasks.add(task)  # keep a reference: the loop holds only weak ones
        task.add_done_callback(self._tasks.discard)

    async def idle(self) -> None:
        """Wait until every answer started so far was delivered (tests, graceful shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _invocation(
        self, client: AsyncWebClient, caller: Caller, *, ask_admin: bool = True
    ) -> Invocation:
        user = await self.directory.lookup(client, caller.team_id, caller.user_id, caller.user_name)
        is_admin = user.workspace_admin or (
            ask_admin and await on_league_admin_list(self.services, caller.team_id, caller.user_id)
        )
        return Invocation(
            platform=PLATFORM,
            workspace_id=caller.team_id,
            user_id=caller.user_id,
            display_name=user.display_name,
            interaction_id=caller.interaction_id,
            is_admin=is_admin,
            channel_id=caller.channel_id,
        )

    async def _commissioner_or_refused(
        self, client: AsyncWebClient, caller: Caller, responder: Responder, command: Command
    ) -> Invocation | None:
        """The caller's invocation, or None after refusing a commissioner command to a member."""
        invocation = await self._invocation(client, caller, ask_admin=asks_who_is_commissioner(command))
        if needs_commissioner(command) and not invocation.is_admin:
            await responder.send(commissioners_only(command.name, COMMISSIONERS))
            return None
        return invocation

    async def _run(
        self,
        client: AsyncWebClient,
        caller: Caller,
        responder: Responder,
        command: Command,
        args: dict[str, Any],
        *,
        replace_original: bool = False,
    ) -> None:
        invocation = await self._commissioner_or_refused(client, caller, responder, command)
        if invocation is None:
            return
        reply = await dispatch(self.services, invocation, command.name, args)
        await responder.send(reply, replace_original=replace_original)

    async def _ask(
        self,
        client: AsyncWebClient,
        caller: Caller,
        trigger_id: str,
        responder: Responder,
        command: Command,
        pending: modals.Pending,
        step: Step,
        missing: tuple[Option, ...],
        *,
        pick: str | None = None,
    ) -> None:
        """Ask for the `missing` options: quick stakes (`Step.ASK_STAKE`) or a form.

        Trigger ids live three seconds, so nothing slower than the commissioner check
        comes before the form opens.
        """
        if await self._commissioner_or_refused(client, caller, responder, command) is None:
            return
        if step is Step.ASK_STAKE:
            prompt = stake_prompt(
                command, pending.args, caller.user_id, pick=pick, quick=buttons.ReplacingButton
            )
            await responder.send(prompt)
            return
        try:
            await client.views_open(
                trigger_id=trigger_id, view=modals.options_view(command, missing, pending)
            )
        except SlackApiError as exc:
            log.warning("views.open failed: %s", exc.response.get("error"))
            await responder.send(
                Reply.error("Slack didn't open the form in time; please run the command again.")
            )

    # --- the slash command -------------------------------------------------------------

    async def on_slash_command(
        self, ack: Callable[..., Awaitable[Any]], body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        caller = Caller(
            team_id=body.get("team_id", ""),
            user_id=body.get("user_id", ""),
            user_name=body.get("user_name", ""),
            channel_id=body.get("channel_id"),
            interaction_id=_interaction_id(body.get("trigger_id")),
        )
        responder = self._responder(client, caller, body.get("response_url"))
        try:
            parsed = parse(body.get("text") or "")
        except UsageError as exc:
            self._spawn(responder.send(Reply.error(exc.message)), responder)
            return
        if parsed.secret_options:
            # Secrets are never typed: a form asks for them (and for anything else missing).
            pending = modals.Pending(
                parsed.command.name, parsed.args, caller.channel_id, body.get("response_url")
            )
            missing = form_options(parsed.command, parsed.args)
            trigger_id = body.get("trigger_id", "")
            command = parsed.command
            work = self._ask(client, caller, trigger_id, responder, command, pending, Step.ASK_FORM, missing)
        else:
            work = self._run(client, caller, responder, parsed.command, parsed.args)
        self._spawn(work, responder)

    # --- buttons -----------------------------------------------------------------------

    async def on_button(
        self,
        ack: Callable[..., Awaitable[Any]],
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
    ) -> None:
        await ack()
        # Each click is its own interaction: a double click is two, and the command layer
        # makes confirming a slip exactly-once whatever the clicks' ids.
        interaction_id = _interaction_id(body.get("trigger_id"), action.get("action_ts"))
        caller = Caller.of_payload(body, (body.get("channel") or {}).get("id"), interaction_id)
        responder = self._responder(client, caller, body.get("response_url"))
        try:
            pressed: buttons.Pressed | None = buttons.decode(action.get("value") or "")
        except buttons.ButtonValueError:
            pressed = None
        press = pressed.press if pressed is not None else None
        command = pressed_command(press, caller.user_id, own_slip=OWN_SLIP)
        if isinstance(command, Reply):
            self._spawn(responder.send(command), responder)
            return
        assert pressed is not None
        args = dict(pressed.press.args)
        step, missing = next_step(command, pressed.press)
        if step is Step.RUN:
            # A slip or a stake prompt exists for this one decision: the answer replaces it.
            replace = command.action or pressed.replace
            work = self._run(client, caller, responder, command, args, replace_original=replace)
        else:
            pending = modals.Pending(command.name, args, caller.channel_id, body.get("response_url"))
            work = self._ask(
                client,
                caller,
                body.get("trigger_id", ""),
                responder,
                command,
                pending,
                step,
                missing,
                pick=(action.get("text") or {}).get("text"),
            )
        self._spawn(work, responder)

    # --- forms -------------------------------------------------------------------------

    async def on_form(
        self,
        ack: Callable[..., Awaitable[Any]],
        body: dict[str, Any],
        view: dict[str, Any],
        client: AsyncWebClient,
    ) -> None:
        try:
            pending = modals.Pending.load(view.get("private_metadata") or "")
        except ValueError:
            await ack()
            return
        command = catalogue.BY_NAME.get(pending.command)
        values = modals.submitted_values(view)
        # Options are checked before the form closes, so a typo is fixed in place. The
        # messages come from the command layer's own parsing and never repeat a secret.
        errors: dict[str, str] = {}
        for option in command.options if command else ():
            if option.name in values:
                try:
                    parse_option(option, values[option.name])
                except CommandError as exc:
                    errors[option.name] = "That value isn't valid." if option.secret else exc.message
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        await ack()
        interaction_id = f"slack:{body.get('trigger_id') or view.get('id')}:{view.get('hash', '')}"
        caller = Caller.of_payload(body, pending.channel_id, interaction_id)
        responder = self._responder(client, caller, pending.response_url)
        if command is None:
            self._spawn(responder.send(Reply.error("That form is out of date.")), responder)
            return
        args = {**pending.args, **values}
        self._spawn(self._run(client, caller, responder, command, args, replace_original=False), responder)
