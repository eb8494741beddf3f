"""Owners betting on their own matchup: the league's policy, the lineup snapshot, the flag.

An owner controls one side of the matchup they bet on, so the league chooses what they may
do (`own_matchup`): nothing against their own team (the default), no bets on the matchup at
all, or anything. Whatever is allowed, each bet an owner places on their own matchup keeps
a snapshot of their lineup as it stood. After every sync the snapshot is compared with the
lineup now: when a starter from the snapshot has left the lineup and the lineup's projected
points are lower than at bet time, the commissioner is told, once per bet, with the
numbers. The note states facts; what they mean is the commissioner's call.

The snapshot is attached right after the bet is placed, in its own transaction: if the
process died between the two, that one bet would go unwatched (its money is unaffected).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from commands.errors import NotAllowed
from commands.format import credits
from commands.league_settings import LeagueSettings
from commands.outbox import enqueue_post
from commands.replies import Reply, Tone
from commands.services.journal import audit
from engine.ownership import TeamSide, pick_is_against
from storage.models import Bet, League, Market, Matchup, Member, Selection, Starter, Team, Week
from storage.statuses import BetStatus

FLAG_ACTOR = "sidebet"  # the audit log's actor for what the bot itself noticed


async def check_own_matchup(
    session: AsyncSession,
    settings: LeagueSettings,
    team_id: int | None,
    market: Market,
    selection: Selection,
    now: datetime,
) -> dict[str, Any] | None:
    """Refuse a pick the league's policy forbids the owner of `team_id`.

    Returns the owner's lineup snapshot when the pick is on their own matchup and allowed,
    None when it is not their matchup (or they own no team).
    """
    if team_id is not None and market.kind == "high_score":  # every team's: the owner's too
        _check_high_score(settings, team_id, selection)
        return None
    if team_id is None or market.matchup_id is None:  # no team, or an NFL game's market
        return None
    matchup = await session.get(Matchup, market.matchup_id)
    if matchup is None or team_id not in (matchup.home_team_id, matchup.away_team_id):
        return None
    own_side: TeamSide = "home" if team_id == matchup.home_team_id else "away"
    if settings.own_matchup == "no_bets":
        name = await _team_name(session, team_id)
        raise NotAllowed(f"You own {name}, and this league doesn't let owners bet on their own matchup.")
    if settings.own_matchup == "not_against":
        subject = await _subject_side(session, market, matchup, selection)
        if pick_is_against(market.kind, selection.side, subject, own_side):
            name = await _team_name(session, team_id)
            raise NotAllowed(
                f"You own {name}, and this league doesn't let owners bet against their own team. "
                "Bets for your team are fine."
            )
    return await lineup_snapshot(session, matchup, team_id, now)


async def _team_name(session: AsyncSession, team_id: int) -> str:
    """For the refusal's words only, so an allowed pick doesn't pay a query for it."""
    team = await session.get(Team, team_id)
    return team.name if team is not None else "your team"


def _check_high_score(settings: LeagueSettings, team_id: int, selection: Selection) -> None:
    """The week's high score is every owner's own market: under `no_bets` an owner may not bet
    on it, under `not_against` only on their own team (any other pick pays when they score less).
    """
    if settings.own_matchup == "no_bets":
        raise NotAllowed(
            "You own a team, and this league doesn't let owners bet on markets their team is in."
        )
    if settings.own_matchup == "not_against" and selection.side != str(team_id):
        raise NotAllowed(
            "You own a team, and this league doesn't let owners bet against it: "
            "on the high score you may back your own team only."
        )


async def _subject_side(
    session: AsyncSession, market: Market, matchup: Matchup, selection: Selection
) -> TeamSide | None:
    """Whose team a team total or player prop is about (an MVP: the picked player's)."""
    if market.kind == "team_total":
        return "home" if market.subject == "home" else "away"
    player = selection.side if market.kind == "mvp" else market.subject
    if market.kind in ("prop", "mvp") and player:
        team_id = await session.scalar(
            select(Starter.team_id).where(Starter.matchup_id == matchup.id, Starter.player_id == player)
        )
        if team_id is not None:
            return "home" if team_id == matchup.home_team_id else "away"
    return None


async def lineup_snapshot(
    session: AsyncSession, matchup: Matchup, team_id: int, now: datetime
) -> dict[str, Any]:
    starters = (
        await session.scalars(
            select(Starter).where(Starter.matchup_id == matchup.id, Starter.team_id == team_id)
        )
    ).all()
    return {
        "matchup_id": matchup.id,
        "team_id": team_id,
        "taken_at": now.isoformat(),
        "projection": round(sum(s.projection for s in starters), 2),
        "starters": {s.player_id: {"name": s.name, "projection": s.projection} for s in starters},
    }


@dataclass(frozen=True, slots=True)
class Benched:
    """A snapshot starter out of the lineup, and the lineup's projection then and now."""

    bet_number: int  # the bet's number in the league
    member: str
    team: str
    label: str
    stake: int
    removed: tuple[str, ...]
    projected_then: float
    projected_now: float


def compare_lineup(snapshot: dict[str, Any], current: list[Starter]) -> tuple[tuple[str, ...], float] | None:
    """The starters gone and the projection now, when the lineup lost projected points."""
    now_ids = {s.player_id for s in current}
    removed = tuple(
        entry["name"] for player_id, entry in snapshot["starters"].items() if player_id not in now_ids
    )
    projected_now = round(sum(s.projection for s in current), 2)
    if removed and projected_now < snapshot["projection"]:
        return removed, projected_now
    return None


async def flag_benched_lineups(
    session: AsyncSession, league: League, week: Week, now: datetime
) -> list[Benched]:
    """Tell the commissioner about each open own-matchup bet whose owner benched projected points."""
    # Every sync of a week asks, and almost every one finds no such bet: the columns alone,
    # on the session's connection, by a statement built once (see _OWN_MATCHUP_BETS).
    rows = (await (await session.connection()).execute(_OWN_MATCHUP_BETS, {"week_id": week.id})).all()
    flagged: list[Benched] = []
    for bet_id, bet_number, stake, lineup_snapshot, member_name, label in rows:
        snapshot = lineup_snapshot or {}
        current = list(
            (
                await session.scalars(
                    select(Starter).where(
                        Starter.matchup_id == snapshot["matchup_id"], Starter.team_id == snapshot["team_id"]
                    )
                )
            ).all()
        )
        change = compare_lineup(snapshot, current)
        if change is None:
            continue
        removed, projected_now = change
        team = await session.get(Team, snapshot["team_id"])
        benched = Benched(
            bet_number=bet_number,
            member=member_name,
            team=team.name if team is not None else "their team",
            label=label,
            stake=stake,
            removed=removed,
            projected_then=snapshot["projection"],
            projected_now=projected_now,
        )
        queued = await enqueue_post(
            session,
            league_id=league.id,
            kind="lineup_flag",
            dedupe_key=f"lineup_flag:bet:{bet_id}",
            reply=_flag_post(benched, week),
            now=now,
        )
        if queued:
            await audit(
                session,
                league_id=league.id,
                actor=FLAG_ACTOR,
                action="own_matchup.benched",
                detail={
                    "bet": bet_id,
                    "member": member_name,
                    "removed": list(removed),
                    "projected_then": benched.projected_then,
                    "projected_now": projected_now,
                },
                now=now,
            )
            flagged.append(benched)
    return flagged


_OWN_MATCHUP_BETS = (
    select(Bet.id, Bet.number, Bet.stake, Bet.lineup_snapshot, Member.display_name, Selection.label)
    .join(Member, Member.id == Bet.member_id)
    .join(Selection, Selection.id == Bet.selection_id)
    .where(
        Bet.week_id == bindparam("week_id"), Bet.status == BetStatus.OPEN, Bet.lineup_snapshot.is_not(None)
    )
)


def _flag_post(b: Benched, week: Week) -> Reply:
    return Reply(
        f"For the commissioner: {b.member} owns {b.team} and has bet #{b.bet_number} "
        f"({credits(b.stake)} on {b.label}) on their own week {week.matchup_period} matchup. "
        f"Since that bet, {', '.join(b.removed)} left {b.team}'s starting lineup, and its projection "
        f"went from {b.projected_then:g} to {b.projected_now:g} points.",
        ephemeral=False,
        tone=Tone.WARNING,
    )
