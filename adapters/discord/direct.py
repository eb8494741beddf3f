"""Direct messages and the weekly winner role on Discord, for `direct_delivery.deliver_direct`.

A DM opens (or reuses) the bot's DM channel with the member and posts there. Discord
answers 50007 when a member does not accept DMs from server members or has blocked the
bot: that will not change by retrying, so it becomes `Undeliverable`. Roles use the REST
endpoints directly (PUT/DELETE /guilds/{g}/members/{u}/roles/{r}), which need no member
cache and no privileged intent; both calls are idempotent on Discord's side.
"""

from __future__ import annotations

import logging

import discord

from adapters.discord.channel_posts import _kwargs
from adapters.discord.render import render
from commands.replies import Reply
from commands.services.direct_delivery import RoleChange, Undeliverable
from storage.models import League

log = logging.getLogger("sidebet.discord.direct")

UNKNOWN_ROLE = 10011
UNKNOWN_MEMBER = 10007
UNKNOWN_USER = 10013
CANNOT_DM = 50007
MISSING_PERMISSIONS = 50013
MISSING_ACCESS = 50001
_WHY = {
    CANNOT_DM: "the member does not accept direct messages from the bot",
    MISSING_PERMISSIONS: "Sidebet needs Manage Roles, and its own role above the winner role",
    MISSING_ACCESS: "Sidebet has no access",
    UNKNOWN_ROLE: "the winner role does not exist (check `config set winner_role`)",
    UNKNOWN_USER: "unknown user",
}


def _refusal(error: discord.HTTPException) -> Undeliverable:
    return Undeliverable(f"Discord {error.code}: {_WHY.get(error.code, error.text or 'refused')}")


class DirectSender:
    def __init__(self, client: discord.Client) -> None:
        self._client = client

    async def send_dm(self, league: League, user_id: str, reply: Reply) -> None:
        if not user_id.isdigit():
            raise Undeliverable(f"not a Discord user id: {user_id[:32]!r}")
        try:
            channel = await self._client.create_dm(discord.Object(id=int(user_id)))
            for out in render(reply):
                await channel.send(**_kwargs(out, editing=False))
        except (discord.Forbidden, discord.NotFound) as error:
            raise _refusal(error) from None

    async def apply_role(self, change: RoleChange) -> None:
        http = self._client.http
        reason = "Sidebet weekly winner"
        try:
            if change.add:
                await http.add_role(change.guild_id, change.user_id, change.role_id, reason=reason)
            else:
                await http.remove_role(change.guild_id, change.user_id, change.role_id, reason=reason)
        except discord.NotFound as error:
            if error.code == UNKNOWN_MEMBER:
                # Left the server: nothing to give or take; the rest of the hand-over goes on.
                log.info("winner role: member %s is no longer in guild %s", change.user_id, change.guild_id)
                return
            raise _refusal(error) from None
        except discord.Forbidden as error:
            raise _refusal(error) from None
