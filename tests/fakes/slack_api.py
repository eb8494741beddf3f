"""A fake Slack on 127.0.0.1: the Web API methods Sidebet calls, response_urls and Socket Mode.

It records every call so tests can assert what the real slack_sdk clients sent, and lets a
test wait for a call or a response by *event*, never by sleeping. Nothing here talks to
any address other than the loopback one it listens on.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

ADMIN = {"is_admin": True, "is_owner": False}
MEMBER = {"is_admin": False, "is_owner": False}


@dataclass
class ApiCall:
    method: str
    args: dict[str, Any]
    token: str | None


@dataclass
class Posted:
    """A post to a response_url."""

    key: str
    body: dict[str, Any]


@dataclass
class Upload:
    """A file uploaded through files.getUploadURLExternal -> upload URL -> completeUploadExternal."""

    file_id: str
    filename: str
    length: int
    alt_txt: str | None
    data: bytes | None = None  # what arrived at the upload URL
    title: str | None = None
    channel_id: str | None = None  # set when completeUploadExternal shares it
    completed: bool = False


@dataclass
class FakeSlack:
    bot_tokens: dict[str, str] = field(default_factory=dict)  # token -> team id
    app_token: str = "xapp-1-fake"
    users: dict[str, dict[str, Any]] = field(default_factory=dict)  # user id -> users.info user
    oauth_codes: dict[str, dict[str, Any]] = field(default_factory=dict)  # code -> oauth.v2.access body
    client_id: str = "111.222"
    client_secret: str = "client-secret-fake"

    def __post_init__(self) -> None:
        self.calls: list[ApiCall] = []
        self.posts: list[Posted] = []
        self._posts_by_key: dict[str, list[dict[str, Any]]] = {}
        self.socket_acks: list[dict[str, Any]] = []
        self.rate_limited: dict[str, int] = {}
        # method -> faults for its next calls, in order: "500" (Slack's fatal_error), "reset"
        # (the connection drops before an answer) or "ok" (no fault). Faulted calls are not delivered.
        self.failures: dict[str, list[str]] = {}
        self.faulted: list[ApiCall] = []
        self.gone_response_urls: set[str] = set()
        # User ids whose DMs from the app fail as Slack answers for an unknown or deactivated user.
        self.dms_closed: set[str] = set()
        self._changed = asyncio.Condition()
        self._ids = itertools.count(1)
        self.uploads: dict[str, Upload] = {}
        self._sockets: list[web.WebSocketResponse] = []
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    # --- lifecycle ---------------------------------------------------------------------

    async def start(self) -> FakeSlack:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/response/{key}", self._response_url)
        app.router.add_post("/upload/{file_id}", self._upload_url)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}"
        return self

    async def close(self) -> None:
        for ws in self._sockets:
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def new_response_url(self) -> str:
        return f"{self.base_url}/response/r{next(self._ids)}"

    # --- waiting by event --------------------------------------------------------------

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_until(self, predicate: Callable[[], bool], within: float = 10.0) -> None:
        """Wait for `predicate` to hold, woken by each recorded call; `within` only bounds a hang."""
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(predicate)

    def posted_to(self, response_url: str) -> list[dict[str, Any]]:
        return list(self._posts_by_key.get(response_url.rsplit("/", 1)[1], ()))

    async def responses(self, response_url: str, count: int = 1) -> list[dict[str, Any]]:
        await self.wait_until(lambda: len(self.posted_to(response_url)) >= count)
        return self.posted_to(response_url)

    def delivered(self, method: str) -> list[ApiCall]:
        """Calls Slack accepted: everything but the ones a fault was injected into."""
        return [c for c in self.calls_to(method) if all(c is not f for f in self.faulted)]

    def calls_to(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method == method]

    # --- handlers ----------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                args.update(await request.json())
            else:
                args.update({k: v for k, v in (await request.post()).items() if isinstance(v, str)})
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else args.get("token")
        call = ApiCall(method, args, token)
        self.calls.append(call)
        await self._notify()
        fault = self.failures[method].pop(0) if self.failures.get(method) else "ok"
        if fault != "ok":
            self.faulted.append(call)
            if fault == "reset":
                assert request.transport is not None
                request.transport.abort()
                raise ConnectionResetError("fake Slack dropped the connection")
            return web.json_response({"ok": False, "error": "fatal_error"}, status=500)
        if self.rate_limited.get(method):
            self.rate_limited[method] -= 1
            return web.json_response(
                {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": "1"}
            )
        if method == "oauth.v2.access":
            return web.json_response(self._oauth_access(auth, args))
        if method == "apps.connections.open":
            if token != self.app_token:
                return web.json_response({"ok": False, "error": "invalid_auth"})
            return web.json_response({"ok": True, "url": f"{self.base_url.replace('http', 'ws')}/socket"})
        team = self.bot_tokens.get(token or "")
        if team is None:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        return web.json_response(self._answer(method, args, team))

    def _answer(self, method: str, args: dict[str, Any], team: str) -> dict[str, Any]:
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://fake.slack.test/",
                "team": "Fake team",
                "user": "sidebet",
                "team_id": team,
                "user_id": "UBOT",
                "bot_id": "BBOT",
            }
        if method == "users.info":
            user_id = args.get("user", "")
            user = {"id": user_id, "name": user_id.lower(), "profile": {"display_name": user_id.lower()}}
            return {"ok": True, "user": user | self.users.get(user_id, MEMBER)}
        if method == "chat.postMessage" and args.get("channel") in self.dms_closed:
            return {"ok": False, "error": "channel_not_found"}
        if method == "chat.postMessage":
            return {"ok": True, "channel": args.get("channel"), "ts": f"{next(self._ids)}.000100"}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"{next(self._ids)}.000200"}
        if method == "views.open":
            return {"ok": True, "view": {"id": f"V{next(self._ids)}"}}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": f"D{args.get('users', '')}"}}
        if method == "files.getUploadURLExternal":
            return self._upload_url_for(args)
        if method == "files.completeUploadExternal":
            return self._complete_upload(args)
        return {"ok": False, "error": "unknown_method"}

    def completed_uploads(self, channel_id: str | None = None) -> list[Upload]:
        return [
            u
            for u in self.uploads.values()
            if u.completed and (channel_id is None or u.channel_id == channel_id)
        ]

    def _upload_url_for(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("filename") or not str(args.get("length", "")).isdigit():
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F{next(self._ids)}"
        self.uploads[file_id] = Upload(file_id, args["filename"], int(args["length"]), args.get("alt_txt"))
        return {"ok": True, "upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}

    def _complete_upload(self, args: dict[str, Any]) -> dict[str, Any]:
        files = args.get("files")
        listed = json.loads(files) if isinstance(files, str) else files
        if not listed:
            return {"ok": False, "error": "invalid_arguments"}
        done = []
        for item in listed:
            upload = self.uploads.get(item.get("id", ""))
            # Slack refuses to complete a file whose bytes never arrived, or arrived short.
            if upload is None or upload.data is None or len(upload.data) != upload.length:
                return {"ok": False, "error": "file_not_found"}
            upload.title, upload.channel_id, upload.completed = (
                item.get("title"),
                args.get("channel_id"),
                True,
            )
            done.append({"id": upload.file_id, "name": upload.filename, "title": upload.title})
        return {"ok": True, "files": done}

    async def _upload_url(self, request: web.Request) -> web.Response:
        upload = self.uploads.get(request.match_info["file_id"])
        if upload is None:
            return web.Response(status=404, text="not found")
        upload.data = await request.read()
        await self._notify()
        return web.Response(text=f"OK - {len(upload.data)}")

    def _oauth_access(self, auth: str, args: dict[str, Any]) -> dict[str, Any]:
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if auth != f"Basic {expected}":
            return {"ok": False, "error": "invalid_client_id"}
        body = self.oauth_codes.pop(args.get("code", ""), None)
        if body is None:
            return {"ok": False, "error": "invalid_code"}
        self.bot_tokens[body["access_token"]] = body["team"]["id"]
        return body

    async def _response_url(self, request: web.Request) -> web.Response:
        key = request.match_info["key"]
        if key in self.gone_response_urls:
            return web.Response(status=404, text="expired_url")
        body = await request.json()
        self.posts.append(Posted(key, body))
        self._posts_by_key.setdefault(key, []).append(body)
        await self._notify()
        return web.Response(text="ok")

    # --- Socket Mode -------------------------------------------------------------------

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_json({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A1"}})
        await self._notify()
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                self.socket_acks.append(json.loads(message.data))
                await self._notify()
        return ws

    async def socket_send(self, envelope: dict[str, Any]) -> None:
        await self.wait_until(lambda: bool(self._sockets))
        await self._sockets[-1].send_json(envelope)
