"""Suggestions while a user types an option, served from the database (never from ESPN).

Chat platforms cap suggestions (Discord: 25, each label at most 100 characters), so the
list is filtered by what was typed so far and cut to that size. Nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from commands.catalogue import BY_NAME, Command, OptionType
from commands.context import Invocation, Services
from commands.errors import InvalidInput
from commands.format import lock_phrase, odds
from commands.league_settings import LeagueSettings
from commands.options import parse_id
from commands.services.tenancy import current_week, find_caller
from storage.models import Bet, Market, Matchup, Member, NflGame, Quote, Selection, Team
from storage.statuses import BetStatus, MarketStatus, QuoteStatus

MAX_CHOICES = 25
MAX_LABEL = 100


@dataclass(frozen=True, slots=True)
class Choice:
    label: str
    value: str


def _fits(typed: str, *texts: str) -> bool:
    needle = typed.strip().lower().lstrip("#")
    return not needle or any(needle in t.lower() for t in texts)


def _market_number(spec: Command | None, args: dict[str, Any] | None) -> int | None:
    """The market already chosen, parsed as the command itself will parse it (or None)."""
    option = next((o for o in spec.options if o.name == "market"), None) if spec else None
    raw = (args or {}).get("market")
    if option is None or raw in (None, ""):
        return None
    try:
        value = parse_id(raw, option)
    except InvalidInput:
        return None
    return value if isinstance(value, int) else None


async def suggest(
    services: Services,
    invocation: Invocation,
    command: str,
    option: str,
    typed: str,
    args: dict[str, Any] | None = None,
) -> list[Choice]:
    spec = BY_NAME.get(command)
    found = next((o for o in spec.options if o.name == option), None) if spec else None
    if found is None or found.secret:
        return []
    async with services.db.read() as session:
        league, member = await find_caller(session, invocation)
        if league is None:
            return []
        settings = LeagueSettings.of(league.settings)
        now = services.clock.now()
        choices: list[Choice] = []
        if found.type is OptionType.WORD and option == "setting":
            choices = [Choice(n, n) for n in LeagueSettings.model_fields if _fits(typed, n)]
        elif found.type is OptionType.MEMBER:
            members = (await session.scalars(select(Member).where(Member.league_id == league.id))).all()
            choices = [Choice(m.display_name, m.user_id) for m in members if _fits(typed, m.display_name)]
        elif found.type is OptionType.TEAM:
            teams = (await session.scalars(select(Team).where(Team.league_id == league.id))).all()
            choices = [
                Choice(f"{t.name} ({t.abbrev})", t.abbrev) for t in teams if _fits(typed, t.name, t.abbrev)
            ]
        elif found.type is OptionType.PICK:
            number = _market_number(spec, args)
            if number is not None:
                selections = (
                    (
                        await session.execute(
                            select(Selection)
                            .join(Market, Market.id == Selection.market_id)
                            .where(Market.league_id == league.id, Market.number == number)
                        )
                    )
                    .scalars()
                    .all()
                )
                choices = [
                    Choice(f"{s.label} ({odds(s.odds)})", s.side)
                    for s in selections
                    if s.odds is not None and _fits(typed, s.label, s.side)
                ]
        elif found.type is OptionType.ID and option == "bet" and member is not None:
            open_bets = (Bet.member_id == member.id, Bet.status == BetStatus.OPEN)
            choices = await _numbered_stakes(session, Bet, typed, "", *open_bets)
        elif found.type is OptionType.ID and option == "quote" and member is not None:
            open_slips = (
                Quote.member_id == member.id,
                Quote.status == QuoteStatus.PENDING,
                Quote.expires_at > now,
            )
            choices = await _numbered_stakes(session, Quote, typed, "slip ", *open_slips)
        elif found.type is OptionType.ID and option in ("market", "matchup"):
            week = await current_week(session, league.id)
            if week is not None:
                choices = await _market_or_matchup(session, week.id, option, typed, settings, now)
    return [Choice(c.label[:MAX_LABEL], c.value) for c in choices[:MAX_CHOICES]]


async def _numbered_stakes(
    session: Any, model: type[Bet] | type[Quote], typed: str, what: str, *where: Any
) -> list[Choice]:
    """The caller's bets or slips matching `where`, newest first, by their league numbers."""
    rows = (
        await session.execute(
            select(model.number, Selection.label, model.stake)
            .join(Selection, Selection.id == model.selection_id)
            .where(*where)
            .order_by(model.number.desc())
        )
    ).all()
    return [
        Choice(f"{what}#{n} {label}, {stake:,} credits", str(n))
        for n, label, stake in rows
        if _fits(typed, str(n), label)
    ]


async def _market_or_matchup(
    session: Any, week_id: int, option: str, typed: str, settings: LeagueSettings, now: Any
) -> list[Choice]:
    if option == "matchup":
        matchups = (
            await session.scalars(select(Matchup).where(Matchup.week_id == week_id).order_by(Matchup.id))
        ).all()
        # Only this week's teams: a database holds every league's.
        ids = {m.home_team_id for m in matchups} | {m.away_team_id for m in matchups}
        teams = {t.id: t for t in (await session.scalars(select(Team).where(Team.id.in_(ids)))).all()}
        out = []
        for number, m in enumerate(matchups, 1):  # numbered as on the board (numbered.py)
            label = f"#{number} {teams[m.home_team_id].name} vs {teams[m.away_team_id].name}"
            if _fits(typed, label):
                out.append(Choice(f"{label}, {lock_phrase(m.lock_at, now, settings.tz)}", str(number)))
        if settings.nfl_games:  # `odds` takes an NFL team too: its game's markets
            games = (
                await session.scalars(
                    select(NflGame).where(NflGame.week_id == week_id).order_by(NflGame.kickoff)
                )
            ).all()
            for game in games:
                label = f"{game.away} at {game.home} (NFL)"
                if _fits(typed, label, game.away_name, game.home_name):
                    out.append(Choice(f"{label}, {lock_phrase(game.kickoff, now, settings.tz)}", game.home))
        return out
    markets = (
        await session.scalars(
            select(Market)
            .where(Market.week_id == week_id, Market.status == MarketStatus.OPEN, Market.lock_at > now)
            # the fantasy matchups' markets first, then the NFL games' (the games board)
            .order_by(Market.game_id.is_not(None), Market.matchup_id, Market.game_id, Market.number)
        )
    ).all()
    return [
        Choice(f"#{m.number} {m.label}", str(m.number))
        for m in markets
        if _fits(typed, str(m.number), m.label)
    ]
