"""Commissioners linking the book to its fantasy league (ESPN, Sleeper or Yahoo): setup, owners,
the channel, a sync."""

from __future__ import annotations

from typing import Any

from commands.context import Context, Invocation, Services
from commands.errors import CommandError
from commands.format import plural
from commands.handlers.registry import handles, handles_leagueless
from commands.provider import ESPN, SLEEPER, YAHOO, LeagueData, ProviderError
from commands.replies import Reply, Table, Tone
from commands.services.league_admin import set_channel
from commands.services.league_link import link_espn_league, link_sleeper_league, link_yahoo_league
from commands.services.lifecycle import sync_now
from commands.services.teams import link_owner
from commands.views import YAHOO_PRICING_NOTE


@handles_leagueless("setup")
async def setup(services: Services, invocation: Invocation, args: dict[str, Any]) -> Reply:
    """Link the workspace to an ESPN (the default), Sleeper or Yahoo league; cookies and Yahoo's
    codes are never repeated."""
    platform, league_id = args.get("platform") or ESPN, args["league"]
    if platform == YAHOO:
        return await _setup_yahoo(services, invocation, args)
    if args.get("code"):
        raise CommandError("Only a Yahoo league takes a code. Run `setup yahoo <league id>` for one.")
    if platform == SLEEPER:
        if args.get("season") or args.get("espn_s2") or args.get("swid"):
            raise CommandError(
                "A Sleeper league needs only its id: Sleeper gives each season a league id of its "
                "own, and its leagues are public. Run `setup sleeper <league id>`."
            )
        try:
            data = await link_sleeper_league(services, invocation, league_id)
        except ProviderError as error:
            return _not_linked(f"Sleeper league {league_id}", error)
        return _linked(data, "", "Sleeper owner")
    espn_s2 = args.get("espn_s2")
    try:
        data = await link_espn_league(
            services, invocation, int(league_id), args.get("season"), espn_s2, args.get("swid")
        )
    except ProviderError as error:
        return _not_linked(f"ESPN league {league_id}", error)
    private = " with your private-league cookies (saved, never shown)" if espn_s2 else ""
    return _linked(data, private, "ESPN owner")


async def _setup_yahoo(services: Services, invocation: Invocation, args: dict[str, Any]) -> Reply:
    """No code: a private link to Yahoo's consent page. A code: exchange it, check the league
    and link it, as for ESPN. The code and the tokens are never repeated."""
    league_id = args["league"]
    if args.get("season") or args.get("espn_s2") or args.get("swid"):
        raise CommandError(
            "A Yahoo league needs only its id (and, once you have approved access, Yahoo's code): "
            "run `setup yahoo <league id>`."
        )
    if services.yahoo is None:
        raise CommandError(
            "This Sidebet has no Yahoo app configured, so it can't link Yahoo leagues. The bot's "
            "operator sets SIDEBET_YAHOO__CLIENT_ID and SIDEBET_YAHOO__CLIENT_SECRET (see the README)."
        )
    code = args.get("code")
    if not code:
        url = services.yahoo.consent_link(invocation, league_id)
        then = (
            "Yahoo then shows a code: run `setup yahoo " + league_id + "` again and paste it in the "
            "form (it works once, for a few minutes)."
            if services.yahoo.pastes_code
            else "Yahoo then sends you back to Sidebet, and the league's teams are posted in this channel."
        )
        return Reply(
            f"To link Yahoo league {league_id}, open this private link and approve read access "
            f"for Sidebet: {url}\n{then}",
            ephemeral=True,
        )
    return await complete_yahoo_setup(services, invocation, league_id, code)


async def complete_yahoo_setup(
    services: Services, invocation: Invocation, league_id: str, code: str
) -> Reply:
    """Exchange Yahoo's code, check the league and link it; the reply lists its teams. Shared by
    the pasted code (`setup yahoo <id>` with `code`) and Yahoo's redirect to the bot."""
    if services.yahoo is None:
        raise CommandError("This Sidebet has no Yahoo app configured, so it can't link Yahoo leagues.")
    try:
        grant = await services.yahoo.grant(code, league_id)
        data = await link_yahoo_league(services, invocation, league_id, grant)
    except ProviderError as error:
        return _not_linked(f"Yahoo league {league_id}", error)
    reply = _linked(data, " with your Yahoo approval (saved, never shown)", "Yahoo manager")
    return Reply(reply.text + " " + YAHOO_PRICING_NOTE, tables=reply.tables, tone=reply.tone, ephemeral=True)


def _not_linked(what: str, error: ProviderError) -> Reply:
    retry = " Nothing is linked yet: run `setup` again in a few minutes." if error.retryable else ""
    return Reply.error(f"Couldn't link {what}: {error.user_message}{retry}")


def _linked(data: LeagueData, private: str, owner_heading: str) -> Reply:
    rows = tuple((t.abbrev, t.name, t.owner_name or "") for t in data.teams)
    return Reply(
        f"Linked {data.name} ({data.season}, {plural(len(data.teams), 'team')}){private}. "
        "Lines and results will be posted in this channel. Next: `link <member> <team>` for each "
        "owner, or members can `claim <team>`.",
        tables=(Table(("Team", "Name", owner_heading), rows, title="Teams"),),
        tone=Tone.SUCCESS,
    )


@handles("link")
async def link(ctx: Context, args: dict[str, Any]) -> Reply:
    done = await link_owner(
        ctx.db,
        league_id=ctx.league.id,
        member_text=args["member"],
        team_text=args["team"],
        actor=ctx.invocation.user_id,
        now=ctx.now,
    )
    return Reply(f"{done.member} now owns {done.team} ({done.abbrev}).", tone=Tone.SUCCESS)


@handles("channel")
async def channel(ctx: Context, args: dict[str, Any]) -> Reply:
    if not ctx.invocation.channel_id:
        raise CommandError("Run this in the channel where the league's posts should go.")
    await set_channel(ctx, ctx.invocation.channel_id)
    return Reply("Lines, results and notices will be posted in this channel.", tone=Tone.SUCCESS)


@handles("sync")
async def sync(ctx: Context, args: dict[str, Any]) -> Reply:
    report = await sync_now(ctx.services, ctx.league.id)
    if report.sync_error is not None:
        return Reply.error(report.sync_error.user_message)
    assert report.sync is not None
    return Reply(
        f"Synced week {report.sync.current_period} of {report.sync.season}: "
        f"{plural(report.sync.repriced, 'market')} repriced, {report.locked:,} locked, "
        f"{plural(len(report.settled), 'week')} settled.",
        tone=Tone.SUCCESS,
    )
