"""A bettor looking back: their (or another member's) stats, and their bet history."""

from __future__ import annotations

from typing import Any

from commands.context import Context
from commands.errors import InvalidInput, NotFound
from commands.format import odds, percent, plural, signed_credits
from commands.handlers.registry import handles
from commands.replies import Button, ButtonStyle, Card, Field, Reply, Table
from commands.services.bettor_stats import HistoryPage, history_page, stats_of
from commands.views import pick_text
from engine.bettor_stats import PARLAY, BettorStats
from engine.parlay import decimal_to_display
from storage.statuses import BetStatus

KIND_NAMES = {
    "moneyline": "Moneyline",
    "spread": "Spread",
    "total": "Total",
    "team_total": "Team total",
    "prop": "Player prop",
    "alt_spread": "Alternate spread",
    "alt_total": "Alternate total",
    "mvp": "Matchup MVP",
    "high_score": "Week high score",
    PARLAY: "Parlay",
}


CLV_MEANING = (
    "CLV (closing-line value): expected return per credit staked at the fair price when the "
    "market locked, `p_close x decimal odds - 1`. Above 0 means you got a better price than the "
    "line closed at."
)


@handles("stats")
async def stats(ctx: Context, args: dict[str, Any]) -> Reply:
    who = args.get("member")
    found = await stats_of(ctx.db, ctx.league.id, ctx.member, who, ctx.now)
    if found is None:
        raise NotFound(
            f"There's no member '{who}' in this league. Use their display name or mention them "
            "(members appear once they've used Sidebet)."
        )
    member, figures = found
    return stats_reply(member.display_name, figures)


def stats_reply(name: str, s: BettorStats) -> Reply:
    if s.settled == 0 and s.clv_overall is None:
        return Reply(f"{name} has no settled bets yet, so there are no stats to show.")
    fields = [
        Field("Record (W-L-P)", f"{s.won}-{s.lost}-{s.pushed}"),
        Field("ROI", f"{percent(s.roi)} ({signed_credits(s.net)} on {s.staked:,} staked)"),
        Field("Average odds", f"{odds(s.average_odds)} (mean of decimal odds)" if s.average_odds else "-"),
    ]
    if s.clv_overall is not None:
        fields.append(
            Field(
                "Closing-line value",
                f"{percent(s.clv_overall.value)} over {plural(s.clv_overall.bets, 'bet')}",
            )
        )
    if s.parlays or s.leg_clv is not None or PARLAY in s.clv_by_kind:
        fields.append(Field("Parlays", _parlay_line(s)))
    tables: tuple[Table, ...] = ()
    if s.clv_by_kind:
        rows = tuple(
            (KIND_NAMES.get(kind, kind), str(c.bets), f"{c.staked:,}", percent(c.value))
            for kind, c in sorted(s.clv_by_kind.items(), key=lambda item: list(KIND_NAMES).index(item[0]))
        )
        tables = (Table(("Market", "Bets", "Staked", "CLV"), rows, title="CLV by market", numeric=(1, 2, 3)),)
    return Reply(
        cards=(
            Card(
                f"{name}: betting stats",
                "Record and ROI count settled bets (void and cancelled left out); CLV counts every "
                "bet whose market has locked.",
                tuple(fields),
                footer=CLV_MEANING,
            ),
        ),
        tables=tables,
    )


def _parlay_line(s: BettorStats) -> str:
    """How much of the record was parlays, and their legs' CLV (each leg at its single's price).

    Said only to members who bet parlays, so everyone else's reply is unchanged.
    """
    said = f"{s.parlays} of the {plural(s.settled, 'settled bet')} in the record and ROI"
    if s.leg_clv is not None:
        said += f"; legs' CLV {percent(s.leg_clv.value)} over {plural(s.leg_clv.bets, 'leg')}"
    return said


@handles("history")
async def history(ctx: Context, args: dict[str, Any]) -> Reply:
    page = args.get("page") or 1
    found = await history_page(ctx.db, ctx.member.id, page)
    if found.total == 0:
        return Reply("You have no finished bets yet; `mybets` shows the open ones.")
    if page > found.pages:
        raise InvalidInput(
            f"There's no page {page}: your history has {plural(found.pages, 'page')}. Try `history 1`."
        )
    return history_reply(found, ctx.invocation.user_id)


def history_reply(found: HistoryPage, owner_id: str) -> Reply:
    rows = tuple(
        (
            f"#{r.number}",
            str(r.week),
            pick_text(r.pick) if r.pick is not None else r.legs,
            decimal_to_display(r.decimal) if r.decimal is not None else odds(r.odds),
            f"{r.stake:,}",
            r.status,
            "refunded"
            if r.status in (BetStatus.VOID, BetStatus.CANCELLED)
            else signed_credits((r.payout or 0) - r.stake),
        )
        for r in found.rows
    )
    buttons = []
    if found.page > 1:
        buttons.append(Button("Newer", "history", {"page": found.page - 1}, ButtonStyle.SECONDARY, owner_id))
    if found.page < found.pages:
        buttons.append(Button("Older", "history", {"page": found.page + 1}, ButtonStyle.SECONDARY, owner_id))
    return Reply(
        tables=(
            Table(
                ("Bet", "Week", "Pick", "Odds", "Stake", "Result", "Net"),
                rows,
                title=f"Your bet history, page {found.page} of {found.pages} ({plural(found.total, 'bet')})",
                numeric=(4, 6),
            ),
        ),
        buttons=tuple(buttons),
        notes=(f"Type `history {found.page + 1}` for older bets.",) if found.page < found.pages else (),
    )
