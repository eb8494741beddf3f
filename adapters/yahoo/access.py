"""`setup yahoo`'s view of Yahoo's OAuth (`commands.context.YahooAccess`), on the shared client.

A consent link carries a signed state (who asked, from which workspace and channel, for which
league), so Yahoo's redirect to the bot's callback can finish the link without a table of
pending grants; when the app's redirect URI is "oob", Yahoo shows a code instead and the
commissioner pastes it into `setup yahoo`'s private form.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from adapters.yahoo.client import YahooClient, YahooGrant
from adapters.yahoo.oauth import GrantRequest, read_state, sign_state
from adapters.yahoo.provider import league_key_for
from commands.context import Invocation, YahooGrantTokens

__all__ = ["YahooOAuthAccess"]


class YahooOAuthAccess:
    def __init__(self, client: YahooClient, now: Callable[[], datetime]) -> None:
        self.client = client
        self._now = now

    def __repr__(self) -> str:
        return f"YahooOAuthAccess({self.client.app!r})"

    @property
    def pastes_code(self) -> bool:
        return self.client.app.pastes_code

    def consent_link(self, invocation: Invocation, league_id: str) -> str:
        request = GrantRequest(
            platform=invocation.platform,
            workspace_id=invocation.workspace_id,
            channel_id=invocation.channel_id,
            user_id=invocation.user_id,
            league_id=league_id,
            issued_at=self._now(),
        )
        return self.client.app.consent_url(sign_state(self.client.app, request))

    async def grant(self, code: str, league_id: str) -> YahooGrantTokens:
        """Exchange the commissioner's code and find this season's key of the league."""
        tokens = await self.client.exchange_code(code)
        key = await league_key_for(self.client, YahooGrant(tokens), league_id)
        return YahooGrantTokens(key, tokens.access_token, tokens.refresh_token, tokens.expires_at)

    def request_for(self, state: str) -> GrantRequest | None:
        """Who asked for the consent link `state` came with; None if forged or expired."""
        return read_state(self.client.app, state, self._now())
