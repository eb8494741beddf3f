"""Who counts as a commissioner on Discord, decided here and enforced by the command layer.

Discord's default member permissions only hide `/admin` in the client, and a server can
override them in its integration settings, so the check is made again on every
interaction: Manage Server (or Administrator), the league's `admin_role`, or the user's id
in the league's `admins` setting.
"""

from __future__ import annotations

import discord

from adapters.interactions import league_settings
from commands.context import Services
from commands.league_settings import LeagueSettings

PLATFORM = "discord"


def _role_ids(user: discord.User | discord.Member) -> frozenset[int]:
    # The interaction payload carries the member's role ids even when the guild's role
    # cache is cold (Member.roles would silently skip roles it cannot resolve).
    raw = getattr(user, "_roles", None)
    if raw is not None:
        return frozenset(int(r) for r in raw)
    return frozenset(r.id for r in getattr(user, "roles", ()))


def holds_admin_role(settings: LeagueSettings, user: discord.User | discord.Member) -> bool:
    role = settings.admin_role.strip()
    return role.isdigit() and int(role) in _role_ids(user)


async def is_commissioner(services: Services, interaction: discord.Interaction) -> bool:
    if interaction.guild_id is None:
        return False
    permissions = interaction.permissions
    if permissions.manage_guild or permissions.administrator:
        return True
    settings = await league_settings(services, PLATFORM, str(interaction.guild_id))
    if settings is None:
        return False
    return str(interaction.user.id) in settings.admin_ids or holds_admin_role(settings, interaction.user)
