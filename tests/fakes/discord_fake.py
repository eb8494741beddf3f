"""A fake Discord (REST API and gateway) on 127.0.0.1 for the real discord.py client.

Point discord.py at it with `fake.patch(monkeypatch)` (or `fake.install()` outside pytest):
`discord.http.Route.BASE` and `DiscordWebSocket.DEFAULT_GATEWAY` then lead to this server,
on a port the OS picked. The fake speaks just enough of Discord's protocol for a bot that
lives on interactions:

- REST: who am I, application info, gateway discovery, bulk command overwrite (global and
  per guild), interaction callbacks (answering `{interaction, resource}` as Discord does),
  followup/original-response webhooks, and channel messages. JSON answers carry
  `Content-Type: application/json` exactly, because discord.py compares it verbatim.
- Gateway: HELLO, IDENTIFY -> READY + GUILD_CREATE, heartbeats, RESUME; and INTERACTION_CREATE
  on demand, timed: `interact()` returns the callback with the time from sending the event
  to receiving the callback.

Messages the bot creates are kept (with their components), so a test can press a button on
a message exactly as a user would, also after the bot restarted.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import secrets
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import discord
import yarl
from aiohttp import WSMsgType, web

EPHEMERAL = 64
LOADING = 128
MANAGE_GUILD = 1 << 5
SEND_MESSAGES = 1 << 11
BASIC_PERMISSIONS = (1 << 10) | SEND_MESSAGES  # view channel, send messages


@dataclass(frozen=True, slots=True)
class FakeMember:
    id: int
    name: str
    permissions: int = BASIC_PERMISSIONS
    roles: tuple[int, ...] = ()


@dataclass(slots=True)
class Recorded:
    method: str
    path: str
    body: Any
    at: float


@dataclass(slots=True)
class Callback:
    """An interaction's initial response as the fake received it."""

    interaction_id: str
    token: str
    type: int
    data: dict[str, Any]
    latency: float  # seconds from INTERACTION_CREATE sent to callback received
    message: dict[str, Any] | None = None

    @property
    def ephemeral(self) -> bool:
        return bool(int(self.data.get("flags") or 0) & EPHEMERAL)


@dataclass(slots=True)
class Pending:
    payload: dict[str, Any]
    sent_at: float = 0.0
    future: asyncio.Future[Callback] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


def _json(data: Any, status: int = 200) -> web.Response:
    return web.Response(
        status=status, body=json.dumps(data).encode(), headers={"Content-Type": "application/json"}
    )


class _Reset(Exception):
    """Raised inside a route to drop the connection without an answer."""


class FakeDiscord:
    def __init__(self) -> None:
        ids = itertools.count(1_300_000_000_000_000_000)
        self._ids = ids
        self.app_id = next(ids)
        self.bot_id = self.app_id
        self.guild_id = next(ids)
        self.channel_id = next(ids)
        self.league_channel_id = next(ids)
        self.requests: list[Recorded] = []
        self.unexpected: list[Recorded] = []
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.messages: dict[str, dict[str, Any]] = {}
        self.callbacks: dict[str, Callback] = {}
        self.channel_posts: list[dict[str, Any]] = []
        # Faults for the next channel posts, in order: "503", "reset" (the connection drops
        # before an answer) or "ok" (no fault). A faulted post is not delivered.
        self.post_faults: list[str] = []
        self.identifies: list[dict[str, Any]] = []
        # Direct messages: DM channel id -> user id; what each user received; who refuses DMs.
        self.dm_channels: dict[str, str] = {}
        self.direct_messages: list[tuple[str, dict[str, Any]]] = []
        self.dms_closed: set[str] = set()
        # Roles: user id -> role ids the bot gave; `roles_forbidden` answers 50013 as Discord
        # does when the bot lacks Manage Roles or the role sits above the bot's own.
        self.member_roles: dict[str, set[str]] = {}
        self.roles_forbidden = False
        self._originals: dict[str, str] = {}  # interaction token -> message id
        self._pending: dict[str, Pending] = {}
        self._tokens: dict[str, str] = {}  # token -> interaction id
        self._sockets: list[web.WebSocketResponse] = []
        self._sends: set[asyncio.Future[None]] = set()
        self._seq = 0
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- lifecycle -------------------------------------------------------------------------

    async def start(self) -> FakeDiscord:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server  # the OS picked the port
        assert server is not None and server.sockets
        self.port = server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def patch(self, monkeypatch: Any) -> None:
        monkeypatch.setattr(discord.http.Route, "BASE", self.base_url)
        monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(self.gateway_url))

    def install(self) -> Callable[[], None]:
        """Patch discord.py without pytest; returns an undo function."""
        old = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
        discord.http.Route.BASE = self.base_url
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)

        def undo() -> None:
            discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old

        return undo

    def snowflake(self) -> int:
        return next(self._ids)

    # --- payload pieces ------------------------------------------------------------------------

    def _user(self, user_id: int, name: str, *, bot: bool = False) -> dict[str, Any]:
        return {
            "id": str(user_id),
            "username": name,
            "global_name": name,
            "discriminator": "0",
            "avatar": None,
            "bot": bot,
        }

    @property
    def bot_user(self) -> dict[str, Any]:
        return self._user(self.bot_id, "Sidebet", bot=True) | {"verified": True, "mfa_enabled": False}

    def _channel(self, channel_id: int, name: str) -> dict[str, Any]:
        return {
            "id": str(channel_id),
            "type": 0,
            "name": name,
            "guild_id": str(self.guild_id),
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
            "topic": None,
            "rate_limit_per_user": 0,
            "last_message_id": None,
            "flags": 0,
        }

    def _guild(self) -> dict[str, Any]:
        everyone = {
            "id": str(self.guild_id),
            "name": "@everyone",
            "permissions": str(BASIC_PERMISSIONS),
            "position": 0,
            "color": 0,
            "hoist": False,
            "managed": False,
            "mentionable": False,
            "flags": 0,
        }
        return {
            "id": str(self.guild_id),
            "name": "Fantasy League",
            "icon": None,
            "owner_id": "1",
            "roles": [everyone],
            "channels": [
                self._channel(self.channel_id, "general"),
                self._channel(self.league_channel_id, "sidebet"),
            ],
            "members": [],
            "presences": [],
            "voice_states": [],
            "threads": [],
            "stickers": [],
            "emojis": [],
            "features": [],
            "member_count": 10,
            "large": False,
            "unavailable": False,
            "joined_at": "2026-01-01T00:00:00+00:00",
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "system_channel_flags": 0,
            "nsfw_level": 0,
            "afk_timeout": 300,
            "premium_progress_bar_enabled": False,
        }

    def _member(self, member: FakeMember) -> dict[str, Any]:
        return {
            "user": self._user(member.id, member.name),
            "nick": None,
            "avatar": None,
            "roles": [str(r) for r in member.roles],
            "joined_at": "2026-01-01T00:00:00+00:00",
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "communication_disabled_until": None,
            "permissions": str(member.permissions),
        }

    def _interaction(
        self,
        kind: int,
        data: dict[str, Any],
        member: FakeMember,
        *,
        message: dict[str, Any] | None = None,
        guild: bool = True,
    ) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "id": str(self.snowflake()),
            "application_id": str(self.app_id),
            "type": kind,
            "data": data,
            "token": secrets.token_urlsafe(24),
            "version": 1,
            "app_permissions": str(BASIC_PERMISSIONS),
            "locale": "en-US",
            "entitlements": [],
            "attachment_size_limit": 10 * 1024 * 1024,
            "context": 0 if guild else 1,
            "authorizing_integration_owners": {"0": str(self.guild_id)},
        }
        if guild:
            payload |= {
                "guild_id": str(self.guild_id),
                "guild_locale": "en-US",
                "channel_id": str(self.channel_id),
                "channel": self._channel(self.channel_id, "general"),
                "member": self._member(member),
            }
        else:
            payload["user"] = self._user(member.id, member.name)
        if message is not None:
            payload["message"] = message
        return payload

    # --- interactions a test sends ---------------------------------------------------------------

    def slash(
        self,
        path: Iterable[str],
        options: Mapping[str, Any] | None = None,
        member: FakeMember | None = None,
        *,
        focused: str | None = None,
        guild: bool = True,
    ) -> dict[str, Any]:
        """An APPLICATION_COMMAND (or with `focused`, an AUTOCOMPLETE) interaction."""
        words = list(path)
        values = [
            {"type": 4 if isinstance(v, int) else 3, "name": k, "value": v}
            | ({"focused": True} if k == focused else {})
            for k, v in (options or {}).items()
        ]
        inner: list[dict[str, Any]] = values
        for depth, word in reversed(list(enumerate(words[1:], 1))):
            kind = 1 if depth == len(words) - 1 else 2
            inner = [{"type": kind, "name": word, "options": inner}]
        data = {"id": str(self.snowflake()), "name": words[0], "type": 1, "options": inner}
        return self._interaction(4 if focused else 2, data, member or self.default_member, guild=guild)

    def click(
        self, message: dict[str, Any], custom_id: str, member: FakeMember | None = None
    ) -> dict[str, Any]:
        data = {"custom_id": custom_id, "component_type": 2}
        return self._interaction(3, data, member or self.default_member, message=message)

    def submit(
        self,
        custom_id: str,
        values: Mapping[str, str],
        member: FakeMember | None = None,
        *,
        message: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        rows = [
            {"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]} for k, v in values.items()
        ]
        data = {"custom_id": custom_id, "components": rows}
        return self._interaction(5, data, member or self.default_member, message=message)

    default_member = FakeMember(1_200_000_000_000_000_001, "alex")

    async def send_event(self, event: str, data: dict[str, Any]) -> None:
        self._seq += 1
        frame = json.dumps({"op": 0, "t": event, "s": self._seq, "d": data})
        for ws in self._sockets:
            await ws.send_str(frame)

    def dispatch_interaction(self, payload: dict[str, Any]) -> Pending:
        """Send INTERACTION_CREATE now; the returned Pending resolves with the callback."""
        pending = Pending(payload)
        self._pending[payload["id"]] = pending
        self._tokens[payload["token"]] = payload["id"]
        self._seq += 1
        frame = json.dumps({"op": 0, "t": "INTERACTION_CREATE", "s": self._seq, "d": payload})
        pending.sent_at = time.perf_counter()
        for ws in self._sockets:
            task = asyncio.ensure_future(ws.send_str(frame))
            self._sends.add(task)
            task.add_done_callback(self._sends.discard)
        return pending

    async def interact(self, payload: dict[str, Any], within: float = 10.0) -> Callback:
        pending = self.dispatch_interaction(payload)
        return await asyncio.wait_for(pending.future, within)

    async def wait_for(self, predicate: Callable[[], bool], within: float = 10.0) -> None:
        """Until `predicate()` holds; re-checked whenever the fake receives a request."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(predicate), within)

    def original(self, callback: Callback) -> dict[str, Any]:
        """The message that an interaction's response currently is (after any edits)."""
        return self.messages[self._originals[callback.token]]

    def followups(self, callback: Callback) -> list[dict[str, Any]]:
        return [m for m in self.messages.values() if m.get("_token") == callback.token and m.get("_followup")]

    # --- gateway ----------------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 45_000}}))
        try:
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                frame = json.loads(msg.data)
                op, data = frame.get("op"), frame.get("d")
                if op == 1:
                    await ws.send_str(json.dumps({"op": 11}))
                elif op == 2:
                    await self._identify(ws, data)
                elif op == 6:
                    self._seq += 1
                    await ws.send_str(json.dumps({"op": 0, "t": "RESUMED", "s": self._seq, "d": {}}))
        finally:
            self._sockets.remove(ws)
        return ws

    async def _identify(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        self.identifies.append({k: v for k, v in data.items() if k != "token"})
        shard = data.get("shard") or [0, 1]
        ready = {
            "v": 10,
            "user": self.bot_user,
            "guilds": [{"id": str(self.guild_id), "unavailable": True}],
            "session_id": secrets.token_hex(16),
            "resume_gateway_url": self.gateway_url,
            "shard": shard,
            "application": {"id": str(self.app_id), "flags": 0},
        }
        for event, payload in (("READY", ready), ("GUILD_CREATE", self._guild())):
            self._seq += 1
            await ws.send_str(json.dumps({"op": 0, "t": event, "s": self._seq, "d": payload}))

    # --- REST -------------------------------------------------------------------------------------

    async def _body(self, request: web.Request) -> Any:
        if request.content_type == "application/json":
            return await request.json()
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            body = json.loads(str(form.get("payload_json", "{}")))
            uploads = [(k, v) for k, v in form.items() if k != "payload_json"]
            body["_files"] = [getattr(v, "filename", k) for k, v in uploads]
            # The uploaded bytes, so a test can decode what actually crossed the wire.
            body["_file_data"] = [
                v.file.read() if hasattr(v, "file") else str(v).encode() for _, v in uploads
            ]
            return body
        return None

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        received = time.perf_counter()
        body = await self._body(request)
        path = "/" + request.match_info["tail"]
        record = Recorded(request.method, path, body, received)
        self.requests.append(record)
        try:
            response = await self._route(request.method, path.split("/")[1:], body, received)
        except _Reset:
            assert request.transport is not None
            request.transport.abort()
            raise ConnectionResetError("fake Discord dropped the connection") from None
        finally:
            async with self._changed:
                self._changed.notify_all()
        if response is None:
            self.unexpected.append(record)
            return _json({"message": "404: Not Found", "code": 0}, status=404)
        return response

    async def _route(
        self, method: str, parts: list[str], body: Any, received: float
    ) -> web.StreamResponse | None:
        match method, parts:
            case "GET", ["users", "@me"]:
                return _json(self.bot_user)
            case "GET", ["oauth2", "applications", "@me"]:
                return _json(self._application())
            case "GET", ["gateway", "bot"]:
                limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
                return _json({"url": self.gateway_url, "shards": 1, "session_start_limit": limit})
            case "GET", ["gateway"]:
                return _json({"url": self.gateway_url})
            case "PUT", ["applications", _, "commands"]:
                return _json(self._store_commands("global", body))
            case "PUT", ["applications", _, "guilds", guild_id, "commands"]:
                return _json(self._store_commands(f"guild:{guild_id}", body))
            case "POST", ["interactions", interaction_id, token, "callback"]:
                return _json(self._callback(interaction_id, token, body, received))
            case "PATCH", ["webhooks", _, token, "messages", "@original"]:
                return _json(self._edit(self._originals[token], body))
            case "DELETE", ["webhooks", _, token, "messages", "@original"]:
                self.messages.pop(self._originals.pop(token, ""), None)
                return web.Response(status=204)
            case "POST", ["webhooks", _, token]:
                message = self._message(self.channel_id, body, token=token)
                message["_followup"] = True
                return _json(self._public(message))
            case "PATCH", ["channels", _, "messages", message_id] if message_id in self.messages:
                return _json(self._edit(message_id, body))
            case "DELETE", ["channels", _, "messages", message_id] if message_id in self.messages:
                del self.messages[message_id]
                return web.Response(status=204)
            case "POST", ["users", "@me", "channels"]:
                return _json(self._dm_channel(str(body["recipient_id"])))
            case "POST", ["channels", channel_id, "messages"] if channel_id in self.dm_channels:
                user = self.dm_channels[channel_id]
                if user in self.dms_closed:
                    return _json({"message": "Cannot send messages to this user", "code": 50007}, 403)
                message = self._message(int(channel_id), body)
                self.direct_messages.append((user, message))
                return _json(self._public(message))
            case ("PUT" | "DELETE") as verb, ["guilds", _, "members", user_id, "roles", role_id]:
                if self.roles_forbidden:
                    return _json({"message": "Missing Permissions", "code": 50013}, 403)
                held = self.member_roles.setdefault(user_id, set())
                if verb == "PUT":
                    held.add(role_id)
                else:
                    held.discard(role_id)
                return web.Response(status=204)
            case "POST", ["channels", channel_id, "messages"] if (
                self.post_faults and self.post_faults[0] != "ok"
            ):
                return self._fault(self.post_faults.pop(0))
            case "POST", ["channels", channel_id, "messages"]:
                if self.post_faults:
                    self.post_faults.pop(0)  # an "ok": this one goes through
                message = self._message(int(channel_id), body)
                self.channel_posts.append(message)
                return _json(self._public(message))
        return None

    def _fault(self, fault: str) -> web.StreamResponse:
        if fault == "reset":
            raise _Reset
        return _json({"message": "Service Unavailable", "code": 0}, status=503)

    def _application(self) -> dict[str, Any]:
        return {
            "id": str(self.app_id),
            "name": "Sidebet",
            "icon": None,
            "description": "Play-money sportsbook",
            "bot_public": False,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "owner": self._user(1, "owner"),
            "team": None,
            "flags": 0,
            "interactions_endpoint_url": None,
        }

    def _dm_channel(self, user_id: str) -> dict[str, Any]:
        channel_id = next((c for c, u in self.dm_channels.items() if u == user_id), None)
        if channel_id is None:
            channel_id = str(self.snowflake())
            self.dm_channels[channel_id] = user_id
        return {
            "id": channel_id,
            "type": 1,
            "last_message_id": None,
            "recipients": [self._user(int(user_id), f"user-{user_id[-4:]}")],
        }

    def _store_commands(self, scope: str, body: list[dict[str, Any]]) -> list[dict[str, Any]]:
        stored = [
            c | {"id": str(self.snowflake()), "application_id": str(self.app_id), "version": "1"}
            for c in body
        ]
        self.commands[scope] = stored
        return stored

    def _message(self, channel_id: int, body: dict[str, Any], *, token: str | None = None) -> dict[str, Any]:
        message_id = str(self.snowflake())
        message = {
            "id": message_id,
            "channel_id": str(channel_id),
            "guild_id": str(self.guild_id),
            "author": self._user(self.bot_id, "Sidebet", bot=True),
            "content": body.get("content") or "",
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "attachments": [
                {"id": str(self.snowflake()), "filename": f, "size": len(data), "url": "", "proxy_url": ""}
                for f, data in zip(
                    body.get("_files", []),
                    body.get("_file_data", [b""] * len(body.get("_files", []))),
                    strict=True,
                )
            ],
            "_file_data": body.get("_file_data", []),
            "flags": int(body.get("flags") or 0),
            "type": 0,
            "timestamp": datetime.now(UTC).isoformat(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "pinned": False,
            "_token": token,
        }
        self.messages[message_id] = message
        return message

    @staticmethod
    def _public(message: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in message.items() if not k.startswith("_")}

    def message_payload(self, message: dict[str, Any]) -> dict[str, Any]:
        """A stored message as it appears inside an interaction (what a button press carries)."""
        return self._public(message)

    def _edit(self, message_id: str, body: dict[str, Any]) -> dict[str, Any]:
        message = self.messages[message_id]
        for key in ("content", "embeds", "components"):
            if key in body:
                message[key] = body[key] if body[key] is not None else ([] if key != "content" else "")
        message["flags"] = int(message["flags"]) & ~LOADING
        message["edited_timestamp"] = datetime.now(UTC).isoformat()
        return self._public(message)

    def _callback(
        self, interaction_id: str, token: str, body: dict[str, Any], received: float
    ) -> dict[str, Any]:
        pending = self._pending.pop(interaction_id, None)
        kind = int(body["type"])
        data = body.get("data") or {}
        if "_files" in body:  # a multipart callback: the uploads sit beside the payload
            data = {**data, "_files": body["_files"], "_file_data": body["_file_data"]}
        message: dict[str, Any] | None = None
        if kind == 4:
            message = self._message(self.channel_id, data, token=token)
            self._originals[token] = message["id"]
        elif kind == 5:
            flags = int(data.get("flags") or 0) | LOADING
            message = self._message(self.channel_id, {"flags": flags}, token=token)
            self._originals[token] = message["id"]
        elif kind in (6, 7) and pending is not None and "message" in pending.payload:
            source = pending.payload["message"]["id"]
            self._originals[token] = source
            message = self._edit(source, data) if kind == 7 else self.messages.get(source)
        latency = received - pending.sent_at if pending is not None else 0.0
        callback = Callback(interaction_id, token, kind, data, latency, message)
        self.callbacks[interaction_id] = callback
        if pending is not None and not pending.future.done():
            pending.future.set_result(callback)
        return {
            "interaction": {
                "id": interaction_id,
                "type": pending.payload["type"] if pending else 2,
                "response_message_id": message["id"] if message else None,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(int(data.get("flags") or 0) & EPHEMERAL),
            },
            "resource": {"type": kind}
            | ({"message": self._public(message)} if message and kind != 6 else {}),
        }


def buttons(message: Mapping[str, Any]) -> dict[str, str]:
    """A message's buttons: label -> custom id."""
    return {
        c["label"]: c["custom_id"]
        for row in message.get("components", [])
        for c in row.get("components", [])
        if c.get("type") == 2 and "custom_id" in c
    }


def text_of(message: Mapping[str, Any]) -> str:
    """Everything a user reads in a message: content, embed titles, descriptions, fields, footers."""
    parts = [message.get("content") or ""]
    for embed in message.get("embeds", []):
        parts += [embed.get("title", ""), embed.get("description", "")]
        parts += [f"{f['name']}: {f['value']}" for f in embed.get("fields", [])]
        parts.append((embed.get("footer") or {}).get("text", ""))
    return "\n".join(p for p in parts if p)
