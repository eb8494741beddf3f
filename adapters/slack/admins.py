"""Who is calling: their name, and whether they may run commissioner commands.

A Slack user is a commissioner if the workspace says they are an admin or owner
(users.info) or if their user id is on the league's `admins` list. users.info costs a Web
API call (rate-limited, Tier 4), so each answer is kept for a short while; a demoted admin
keeps the rights for at most that long. The league's list is read fresh, so `config set
admins` takes effect at once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from cachetools import TTLCache
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.interactions import league_settings
from commands.context import Services

log = logging.getLogger(__name__)
PLATFORM = "slack"


@dataclass(frozen=True, slots=True)
class SlackUser:
    user_id: str
    display_name: str
    workspace_admin: bool


class UserDirectory:
    """users.info answers per (team, user), kept for `ttl_seconds`."""

    def __init__(
        self,
        ttl_seconds: float = 60.0,
        max_entries: int = 10_000,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._entries: TTLCache[tuple[str, str], SlackUser] = TTLCache(
            max_entries, ttl_seconds, timer=monotonic
        )

    async def lookup(
        self, client: AsyncWebClient, team_id: str, user_id: str, fallback_name: str
    ) -> SlackUser:
        key = (team_id, user_id)
        cached = self._entries.get(key)
        if cached is not None:
            return cached
        try:
            response = await client.users_info(user=user_id)
        except SlackApiError as exc:
            # Without the answer nobody is treated as a workspace admin; the league's list
            # still applies. Only the error code is logged: never the request.
            log.warning("users.info failed for a user of team %s: %s", team_id, exc.response.get("error"))
            return SlackUser(user_id, fallback_name or user_id, workspace_admin=False)
        user = response.get("user") or {}
        profile = user.get("profile") or {}
        name = profile.get("display_name") or profile.get("real_name") or user.get("name") or fallback_name
        found = SlackUser(
            user_id,
            name or user_id,
            workspace_admin=bool(
                user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner")
            ),
        )
        self._entries[key] = found
        return found


async def on_league_admin_list(services: Services, team_id: str, user_id: str) -> bool:
    """Whether the league of `team_id` lists `user_id` among its commissioners."""
    settings = await league_settings(services, PLATFORM, team_id)
    return settings is not None and user_id in settings.admin_ids
