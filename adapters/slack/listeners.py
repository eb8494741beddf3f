"""The bolt listeners: the slash command, every button and the option forms.

Each listener does only what must happen before Slack's three-second deadline (read the
payload, validate a form, `ack()`), then hands the rest to a background task: who the
caller is (users.info, the league's admin list), the command itself and the answer through
the response_url. The app runs with `process_before_response=True`, so the ack goes back
as soon as the listener returns instead of when bolt's runner next polls for it.
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

from adapters.slack import buttons, modals
from adapters.slack.admins import PLATFORM, UserDirectory, on_league_admin_list
from adapters.slack.parsing import SLASH_COMMAND, UsageError, parse
from adapters.slack.respond import Responder
from commands import catalogue
from commands.catalogue import Audience, Command, OptionType
from commands.context import Invocation, Services
from commands.dispatch import dispatch
from commands.errors import CommandError
from commands.failures import failure_reply
from commands.options import parse_option
from commands.reference import request_reference
from commands.replies import Button, ButtonStyle, Reply

log = logging.getLogger(__name__)

QUICK_STAKES = (("10%", "10%"), ("25%", "25%"), ("All-in", "all"))
NOT_YOURS = "That button belongs to the member it was shown to. Get your own slip with `/sidebet bet`."


def commissioners_only(command: Command) -> Reply:
    return Reply.error(
        f"`{command.name}` is for commissioners only: workspace admins and owners, or members on "
        "the league's `admins` list (a commissioner can add you with `/sidebet config set admins`)."
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

    async def _invocation(self, client: AsyncWebClient, caller: Caller) -> Invocation:
        user = await self.directory.lookup(client, caller.team_id, caller.user_id, caller.user_name)
        is_admin = user.workspace_admin or await on_league_admin_list(
            self.services, caller.team_id, caller.user_id
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
        invocation = await self._invocation(client, caller)
        if command.audience is Audience.ADMIN and not invocation.is_admin:
            await responder.send(commissioners_only(command))
            return
        reply = await dispatch(self.services, invocation, command.name, args)
        await responder.send(reply, replace_original=replace_original)

    async def _open_form(
        self,
        client: AsyncWebClient,
        caller: Caller,
        trigger_id: str,
        responder: Responder,
        command: Command,
        pending: modals.Pending,
        *,
        check_admin: bool,
    ) -> None:
        """Ask for the options `pending` lacks in a modal (trigger ids live three seconds)."""
        missing = tuple(o for o in command.options if o.required and o.name not in pending.args)
        if check_admin and command.audience is Audience.ADMIN:
            invocation = await self._invocation(client, caller)
            if not invocation.is_admin:
                await responder.send(commissioners_only(command))
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
        responder = Responder(
            client, caller.user_id, body.get("response_url"), caller.channel_id, self._session()
        )
        try:
            parsed = parse(body.get("text") or "")
        except UsageError as exc:
            self._spawn(responder.send(Reply.error(exc.message)), responder)
            return
        if parsed.secret_options:
            pending = modals.Pending(
                parsed.command.name, parsed.args, caller.channel_id, body.get("response_url")
            )
            work = self._open_form(
                client,
                caller,
                body.get("trigger_id", ""),
                responder,
                parsed.command,
                pending,
                check_admin=True,
            )
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
        user = body.get("user") or {}
        caller = Caller(
            team_id=(body.get("team") or {}).get("id") or user.get("team_id", ""),
            user_id=user.get("id", ""),
            user_name=user.get("username") or user.get("name", ""),
            channel_id=(body.get("channel") or {}).get("id"),
            # Each click is its own interaction: a double click is two, and the command
            # layer makes confirming a slip exactly-once whatever the clicks' ids.
            interaction_id=_interaction_id(body.get("trigger_id"), action.get("action_ts")),
        )
        responder = Responder(
            client, caller.user_id, body.get("response_url"), caller.channel_id, self._session()
        )
        try:
            pressed = buttons.decode(action.get("value") or "")
        except buttons.ButtonValueError:
            self._spawn(responder.send(Reply.error("That button isn't one of Sidebet's.")), responder)
            return
        if pressed.owner_id and pressed.owner_id != caller.user_id:
            self._spawn(responder.send(Reply.error(NOT_YOURS)), responder)
            return
        trigger_id = body.get("trigger_id", "")
        if pressed.action == buttons.ASK_OPTIONS:
            command = catalogue.BY_NAME.get(str(pressed.args.get("command")))
            if command is None:
                self._spawn(responder.send(Reply.error("That button is out of date.")), responder)
                return
            pending = modals.Pending(
                command.name,
                dict(pressed.args.get("args") or {}),
                caller.channel_id,
                body.get("response_url"),
            )
            self._spawn(
                self._open_form(client, caller, trigger_id, responder, command, pending, check_admin=False),
                responder,
            )
            return
        command = catalogue.BY_NAME.get(pressed.action)
        if command is None:
            self._spawn(responder.send(Reply.error("That button is out of date.")), responder)
            return
        missing = [o for o in command.options if o.required and o.name not in pressed.args]
        if missing and all(o.type is OptionType.CREDITS for o in missing):
            prompt = stake_prompt(command, pressed.args, caller.user_id)
            self._spawn(responder.send(prompt), responder)
        elif missing:
            pending = modals.Pending(command.name, pressed.args, caller.channel_id, body.get("response_url"))
            self._spawn(
                self._open_form(client, caller, trigger_id, responder, command, pending, check_admin=True),
                responder,
            )
        else:
            # A slip or a stake prompt exists for this one decision: the answer replaces it.
            replace = command.action or pressed.replace
            work = self._run(client, caller, responder, command, pressed.args, replace_original=replace)
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
        user = body.get("user") or {}
        caller = Caller(
            team_id=(body.get("team") or {}).get("id") or user.get("team_id", ""),
            user_id=user.get("id", ""),
            user_name=user.get("username") or user.get("name", ""),
            channel_id=pending.channel_id,
            interaction_id=f"slack:{body.get('trigger_id') or view.get('id')}:{view.get('hash', '')}",
        )
        responder = Responder(
            client, caller.user_id, pending.response_url, caller.channel_id, self._session()
        )
        if command is None:
            self._spawn(responder.send(Reply.error("That form is out of date.")), responder)
            return
        args = {**pending.args, **values}
        self._spawn(self._run(client, caller, responder, command, args, replace_original=False), responder)


def stake_prompt(command: Command, args: dict[str, Any], owner_id: str) -> Reply:
    """Quick stakes for a bet button that carries no stake, and a Custom one opening a form."""
    stake_name = next(o.name for o in command.options if o.type is OptionType.CREDITS)
    quick = tuple(
        buttons.ReplacingButton(
            label, command.name, {**args, stake_name: stake}, ButtonStyle.PRIMARY, owner_id
        )
        for label, stake in QUICK_STAKES
    )
    custom = Button(
        "Custom…", buttons.ASK_OPTIONS, {"command": command.name, "args": args}, owner_id=owner_id
    )
    return Reply(
        text="How much do you want to stake? A share of your balance, or Custom for an exact amount.",
        buttons=(*quick, custom),
    )
