"""Replies built from the book's data: boards, slips, receipts and standings.

Handlers and scheduled posts (commands.posts) share these, so the markets board in a
"lines are up" post is the very same board a member sees with `markets`. They only word:
the services read the data (commands.services.board for the lines).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import engine
from commands import multiway_views
from commands.format import (
    credits,
    duration,
    half_points,
    handicap,
    local_time,
    lock_phrase,
    odds,
    plural,
    probability,
    signed_credits,
)
from commands.league_settings import LeagueSettings
from commands.provider import YAHOO
from commands.replies import Button, ButtonStyle, Card, Field, Reply, Table, Tone
from commands.services.bettor_stats import Pick
from commands.services.board import MATCHUP_KINDS, WeekMarkets
from commands.services.numbered import matchup_number
from commands.services.standings import Standing
from storage.models import League, Market, Matchup, Quote, Selection, Team, Week
from storage.statuses import MarketStatus, WeekStatus

#: What a score counts, said wherever one is shown: the leaderboards, the recap, the chart.
SCORE_MEANING = (
    "Score: credits won less credits lost on settled bets, minus any credits rebought "
    "(a rebuy is a penalty); allowances don't count."
)


def market_status_word(market: Market, now: datetime, settings: LeagueSettings) -> str:
    if market.status in (MarketStatus.SETTLED, MarketStatus.VOID):
        return market.status
    return lock_phrase(market.lock_at, now, settings.tz)


#: Said wherever a Yahoo league's lines are shown: what they are priced from.
YAHOO_PRICING_NOTE = (
    "Yahoo gives team projections, not player ones: lines come from each team's projection "
    "spread by position, and player props start off."
)


def markets_board(
    league: League, settings: LeagueSettings, week: Week, lines: WeekMarkets, now: datetime
) -> Reply:
    if not week.markets_open:
        opens = "once last week is settled"
        if week.lines_open_at is not None and now < week.lines_open_at:
            opens = f"{local_time(week.lines_open_at, settings.tz)} (in {duration(week.lines_open_at - now)})"
        return Reply(
            f"Week {week.matchup_period} lines open {opens}. "
            f"Everyone gets {credits(settings.allowance)} then."
        )
    matchups, teams, markets, selections = lines.matchups, lines.teams, lines.markets, lines.selections
    rows = []
    buttons = []
    for number, matchup in enumerate(matchups, 1):  # a matchup's number is its row (numbered.py)
        home, away = teams[matchup.home_team_id], teams[matchup.away_team_id]
        by_kind = markets.get(matchup.id, {})
        ml, spread, total = (by_kind.get((k, "")) for k in MATCHUP_KINDS)
        ml_text = spread_text = total_text = "-"
        if ml is not None:
            s = selections[ml.id]
            ml_text = f"{home.abbrev} {odds(s['home'].odds)} / {away.abbrev} {odds(s['away'].odds)}"
        if spread is not None and spread.line is not None:
            spread_text = f"{home.abbrev} {handicap(-spread.line)}"
        if total is not None and total.line is not None:
            total_text = f"O/U {half_points(total.line)}"
        lock_market = ml or spread or total
        status = market_status_word(lock_market, now, settings) if lock_market else "no markets"
        rows.append(
            (
                str(number),
                f"{home.abbrev} vs {away.abbrev}",
                ml_text,
                spread_text,
                total_text,
                status,
            )
        )
        buttons.append(Button(f"{home.abbrev} vs {away.abbrev}", "odds", {"matchup": number}))
    table = Table(
        columns=("#", "Matchup", "Moneyline", "Spread", "Total", "Lock"),
        rows=tuple(rows),
        title=f"{league.name} - week {week.matchup_period} lines",
    )
    extra = [multiway_views.multiway_table(m, lines, settings, now) for m in lines.week_level]
    if settings.popular_picks:
        shown = [m for by_kind in markets.values() for m in by_kind.values()] + lines.week_level
        popular = multiway_views.popular_table(shown, lines)
        extra += [popular] if popular is not None else []
    status_text = {
        WeekStatus.OPEN: "",
        WeekStatus.LOCKED: " All markets are locked.",
        WeekStatus.FINAL: " Games are final; settling soon.",
        WeekStatus.SETTLED: " This week is settled.",
    }.get(week.status, "")
    return Reply(
        text=f"Week {week.matchup_period}: {plural(len(matchups), 'matchup')}.{status_text} "
        "Use `odds <#>` (or a team's abbreviation) for every market of a matchup."
        + (" `games` lists the week's NFL games." if settings.nfl_games else "")
        + (f" {YAHOO_PRICING_NOTE}" if league.source == YAHOO else ""),
        tables=(table, *extra),
        buttons=tuple(buttons),
        ephemeral=False,
    )


def odds_detail(settings: LeagueSettings, matchup: Matchup, lines: WeekMarkets, now: datetime) -> Reply:
    teams, markets, selections = lines.teams, lines.markets, lines.selections
    home, away = teams[matchup.home_team_id], teams[matchup.away_team_id]
    by_kind = markets.get(matchup.id, {})
    order = {
        "moneyline": 0,
        "spread": 1,
        "alt_spread": 1,
        "total": 2,
        "alt_total": 2,
        "team_total": 3,
        "prop": 4,
    }
    game_rows: list[tuple[str, str, str, str, str]] = []
    prop_rows: list[tuple[str, str, str, str, str]] = []
    multiway = [m for m in by_kind.values() if multiway_views.is_multiway(m)]
    board_order = sorted(
        (m for m in by_kind.values() if not multiway_views.is_multiway(m)),
        # alternates after their main line, by line
        key=lambda m: (
            order[m.kind],
            m.kind.startswith("alt_"),
            (m.line or 0.0) * m.kind.startswith("alt_"),
            m.number,
        ),
    )
    for market in board_order:
        sides = selections[market.id]
        picks = ("home", "away") if "home" in sides else ("over", "under")
        names = [sides[p].label for p in picks]
        if market.kind in ("prop", "team_total") and market.line is not None:
            names = [f"{p.capitalize()} {half_points(market.line)}" for p in picks]
        cells = [
            f"{n} {odds(sides[p].odds)} ({probability(sides[p].fair_p)})"
            for n, p in zip(names, picks, strict=True)
        ]
        what = market.label
        if market.kind == "prop":
            owner = teams.get(lines.owners.get(market.id, 0))
            what = (f"{owner.abbrev}: " if owner else "") + market.label.replace(" fantasy points", "")
        row = (
            str(market.number),
            what,
            cells[0],
            cells[1],
            market_status_word(market, now, settings),
        )
        (prop_rows if market.kind == "prop" else game_rows).append(row)
    # One button per side of the game markets (props are many: `bet` reaches them). A
    # button without a stake makes the adapter ask for one.
    buttons = tuple(
        Button(
            f"{sides[p].label} {odds(sides[p].odds)}",
            "bet",
            {"market": market.number, "pick": p},
            ButtonStyle.PRIMARY,
        )
        for market in board_order
        if market.kind in MATCHUP_KINDS and market.status == MarketStatus.OPEN and now < market.lock_at
        for sides in (selections[market.id],)
        for p in (("home", "away") if "home" in sides else ("over", "under"))
        if sides[p].odds is not None
    )
    columns = ("Market", "What", "Pick 1 (fair)", "Pick 2 (fair)", "Lock")
    tables = [Table(columns, tuple(game_rows), title=f"{home.name} vs {away.name}")]
    if prop_rows:
        tables.append(Table(columns, tuple(prop_rows), title="Player props (fantasy points)"))
    tables += [multiway_views.multiway_table(m, lines, settings, now) for m in multiway]
    if settings.popular_picks:
        popular = multiway_views.popular_table((*board_order, *multiway), lines)
        tables += [popular] if popular is not None else []
    return Reply(
        text=f"Matchup #{matchup_number(lines.matchups, matchup)}: "
        f"{home.name} ({home.abbrev}) vs {away.name} ({away.abbrev}). "
        "Bet with `bet <market> <pick> <stake>`, e.g. "
        f"`bet {board_order[0].number if board_order else 1} {home.abbrev.lower()} 50`. "
        "Percentages are fair chances before the house margin.",
        tables=tuple(tables),
        buttons=buttons,
    )


def slip(
    quote: Quote,
    market: Market,
    selection: Selection,
    settings: LeagueSettings,
    now: datetime,
    owner_id: str,
    *,
    note: str = "",
) -> Reply:
    pays = engine.potential_payout(quote.stake, quote.odds)
    seconds = max(0, int((quote.expires_at - now).total_seconds()))
    card = Card(
        title=f"Bet slip #{quote.number}",
        description=f"{selection.label} ({market.label})",
        fields=(
            Field("Odds", odds(quote.odds)),
            Field("Stake", credits(quote.stake)),
            Field("Pays", f"{credits(pays)} (profit {pays - quote.stake:,})"),
            Field("Fair chance", probability(quote.fair_p)),
            Field("Quote holds", f"{seconds}s"),
            Field("Market", lock_phrase(market.lock_at, now, settings.tz), inline=False),
        ),
        footer="Confirm to place the bet at these odds.",
    )
    return Reply(
        text=note,
        cards=(card,),
        buttons=(
            Button("Confirm", "confirm", {"quote": quote.number}, ButtonStyle.PRIMARY, owner_id),
            Button("Cancel", "discard", {"quote": quote.number}, ButtonStyle.SECONDARY, owner_id),
        ),
        notes=(f"Type `confirm {quote.number}` to place it, or `discard {quote.number}`.",),
    )


def receipt(number: int, stake: int, american: int, label: str, balance: int, *, already: bool) -> Reply:
    """What confirming a slip says: the bet, numbered as its slip was."""
    pays = engine.potential_payout(stake, american)
    head = "Already placed" if already else "Bet placed"
    return Reply(
        text=f"{head}: bet #{number}, {credits(stake)} on {label} at {odds(american)}. "
        f"Pays {credits(pays)} if it wins. Balance: {credits(balance)}.",
        tone=Tone.INFO if already else Tone.SUCCESS,
    )


def pick_text(pick: Pick) -> str:
    """A bet's pick in a list of bets, with what it was about: "Under 225.5 (HMH vs GG total
    points)", "Commanders D/ST over 6 (GG player, HMH vs GG)"."""
    matchup = f"{pick.home} vs {pick.away}"
    if pick.kind == "prop":
        return f"{pick.label} ({pick.owner} player, {matchup})" if pick.owner else f"{pick.label} ({matchup})"
    if pick.kind == "team_total":
        return f"{pick.label} ({matchup})"
    return f"{pick.label} ({pick.market})"


def leaderboard(title: str, rows: list[Standing], *, week: bool, note: str = "") -> Reply:
    """The ranked table; a Rebuys column (the penalty taken off the score) appears once anyone rebought."""
    rebuys = any(s.rebuys for s in rows)
    table_rows = tuple(
        (
            str(i),
            s.name,
            signed_credits(s.score),
            f"{s.won}-{s.lost}-{s.pushed}",
            f"{s.open_stake:,}",
            f"{s.balance:,}",
            *((f"{s.rebuys:,}",) if rebuys else ()),
        )
        for i, s in enumerate(rows, 1)
    )
    return Reply(
        tables=(
            Table(
                (
                    "Rank",
                    "Member",
                    "Week score" if week else "Season score",
                    "W-L-P",
                    "At stake",
                    "Balance",
                    *(("Rebuys",) if rebuys else ()),
                ),
                table_rows,
                title=title,
                numeric=(0, 2, 4, 5, *((6,) if rebuys else ())),
            ),
        ),
        text=note if rows else "Nobody has placed a bet yet.",
        ephemeral=False,
    )


def fantasy_standings_table(teams: Sequence[Team], title: str) -> Table | None:
    """The fantasy league's standings as ESPN reports them, best first; None before the first sync."""
    if not teams:
        return None
    rows = tuple(
        (
            str(i),
            f"{t.name} ({t.abbrev})",
            f"{t.wins}-{t.losses}-{t.ties}",
            f"{t.points_for:.1f}",
            f"{t.points_against:.1f}",
        )
        for i, t in enumerate(teams, 1)
    )
    return Table(("#", "Team", "W-L-T", "PF", "PA"), rows, title=title, numeric=(0, 3, 4))
