"""Yahoo's OAuth 2 as a chat bot can do it: the operator's app, each commissioner's grant.

The operator registers one Yahoo app (client id and secret, from the environment). A
commissioner's `setup yahoo <league id>` gets a private link to Yahoo's consent page; Yahoo
then either redirects to the bot's own `/yahoo/callback` (when the bot serves HTTP) or shows a
code the commissioner pastes into a private form (redirect URI `oob`). Either way the code is
exchanged for an access token (an hour) and a refresh token, stored with the league like ESPN's
cookies: never shown, never logged.

The redirect's `state` is signed rather than stored: it carries which workspace, channel,
user and league asked, with an HMAC under a key derived from the app's secret, so the
callback needs no table of pending grants and a forged or stale state is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final
from urllib.parse import urlencode

__all__ = [
    "OOB",
    "GrantRequest",
    "YahooApp",
    "YahooTokens",
    "read_state",
    "sign_state",
]

OOB: Final = "oob"
DEFAULT_AUTH_BASE: Final = "https://api.login.yahoo.com/oauth2"
#: How long a signed state (and so a consent link) stays good.
STATE_TTL: Final = timedelta(minutes=30)


@dataclass(frozen=True, slots=True)
class YahooApp:
    """The operator's Yahoo app. `redirect_uri` is the bot's callback, or "oob" (paste a code)."""

    client_id: str
    client_secret: str
    redirect_uri: str = OOB
    auth_base: str = DEFAULT_AUTH_BASE

    def __repr__(self) -> str:  # the secret must not reach a log through a repr
        return (
            f"YahooApp(client_id={self.client_id!r}, client_secret='***', redirect_uri={self.redirect_uri!r})"
        )

    @property
    def pastes_code(self) -> bool:
        return self.redirect_uri == OOB

    def consent_url(self, state: str) -> str:
        query = {
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "response_type": "code",
            "language": "en-us",
            "state": state,
        }
        return f"{self.auth_base.rstrip('/')}/request_auth?{urlencode(query)}"

    @property
    def basic_auth(self) -> str:
        raw = f"{self.client_id}:{self.client_secret}".encode()
        return "Basic " + base64.b64encode(raw).decode()

    def _key(self) -> bytes:
        return hashlib.sha256(b"sidebet-yahoo-state:" + self.client_secret.encode()).digest()


@dataclass(frozen=True, slots=True)
class YahooTokens:
    """A commissioner's grant: never printed (the repr hides both tokens)."""

    access_token: str
    refresh_token: str
    expires_at: datetime  # aware, UTC

    def __repr__(self) -> str:
        return f"YahooTokens(access_token='***', refresh_token='***', expires_at={self.expires_at!r})"

    def stale(self, now: datetime, margin: timedelta = timedelta(minutes=5)) -> bool:
        """Whether to refresh before the next call: expired or about to be."""
        return now >= self.expires_at - margin

    @classmethod
    def from_answer(cls, answer: Any, now: datetime, refresh_token: str | None = None) -> YahooTokens:
        """Yahoo's token answer (`access_token`, `refresh_token`, `expires_in`); a refresh may
        leave the refresh token out, and the old one stays good."""
        if not isinstance(answer, dict) or not answer.get("access_token"):
            raise ValueError("Yahoo token answer has no access_token")
        seconds = int(answer.get("expires_in") or 3600)
        return cls(
            access_token=str(answer["access_token"]),
            refresh_token=str(answer.get("refresh_token") or refresh_token or ""),
            expires_at=now + timedelta(seconds=seconds),
        )


@dataclass(frozen=True, slots=True)
class GrantRequest:
    """Who asked for a grant, carried through Yahoo's redirect in the signed state."""

    platform: str
    workspace_id: str
    channel_id: str | None
    user_id: str
    league_id: str
    issued_at: datetime


def sign_state(app: YahooApp, request: GrantRequest) -> str:
    body = json.dumps(
        [
            request.platform,
            request.workspace_id,
            request.channel_id,
            request.user_id,
            request.league_id,
            int(request.issued_at.timestamp()),
        ],
        separators=(",", ":"),
    ).encode()
    mac = hmac.new(app._key(), body, hashlib.sha256).digest()[:16]
    return _b64(body) + "." + _b64(mac)


def read_state(app: YahooApp, state: str, now: datetime) -> GrantRequest | None:
    """The request a state was signed for; None when forged, malformed or older than STATE_TTL."""
    try:
        body_text, mac_text = state.split(".", 1)
        body, mac = _unb64(body_text), _unb64(mac_text)
        if not hmac.compare_digest(mac, hmac.new(app._key(), body, hashlib.sha256).digest()[:16]):
            return None
        platform, workspace, channel, user, league, issued = json.loads(body)
        issued_at = datetime.fromtimestamp(int(issued), tz=now.tzinfo)
    except (ValueError, TypeError):
        return None
    if not timedelta(0) <= now - issued_at <= STATE_TTL:
        return None
    return GrantRequest(str(platform), str(workspace), channel, str(user), str(league), issued_at)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
