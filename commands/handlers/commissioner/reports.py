"""Commissioners' reports: the league's CSV export and how well the lines did."""

from __future__ import annotations

from typing import Any

from commands.context import Context
from commands.format import percent, plural
from commands.handlers.registry import handles
from commands.replies import Card, Field, Reply
from commands.services.calibration import CalibrationReport, calibration_report
from commands.services.export import audited_export
from engine.calibration import COIN_FLIP_BRIER, MIN_SAMPLE


@handles("export")
async def export(ctx: Context, args: dict[str, Any]) -> Reply:
    """Every bet and ledger entry of this league as two CSV files, for the commissioner only."""
    done = await audited_export(ctx.db, ctx.league, ctx.invocation.user_id, ctx.now)
    return Reply(
        f"Export of {ctx.league.name}: {plural(done.bets, 'bet')} and "
        f"{done.entries:,} ledger {'entry' if done.entries == 1 else 'entries'}, "
        "as two CSV files.",
        files=done.files,
        ephemeral=True,
    )


@handles("calibration")
async def calibration(ctx: Context, args: dict[str, Any]) -> Reply:
    return calibration_reply(await calibration_report(ctx.db, ctx.league.id))


def calibration_reply(r: CalibrationReport) -> Reply:
    season = f"{r.season} season" if r.season else "this season"
    b = r.brier
    if b.score is None:
        brier_text = "no settled moneylines yet"
    else:
        brier_text = (
            f"{b.score:.3f} over {plural(b.games, 'game')} (a coin flip scores {COIN_FLIP_BRIER:.3f}; "
            f"skill {percent(b.skill)})" + (f"; {plural(b.ties, 'tie')} left out" if b.ties else "")
        )
    coverage = (
        ", ".join(
            f"{c.level:.0%}: {c.inside}/{c.total} ({percent(c.share, signed=False)})" for c in r.coverage
        )
        if r.coverage and r.coverage[0].total
        else "no settled team-weeks with closing projections yet"
    )
    t = r.totals
    if t.share_under is None:
        totals_text = "no settled totals yet"
    else:
        totals_text = (
            f"{t.under} of {t.under + t.over} ({percent(t.share_under, signed=False)}; 50% is unbiased)"
        )
        totals_text += f", {plural(t.pushes, 'push')}" if t.pushes else ""
    current = (
        f"{r.current_k:.3f} (fitted {r.fitted_at:%Y-%m-%d})"
        if r.current_k is not None and r.fitted_at is not None
        else "1.000 (not fitted yet)"
    )
    fit = r.fit
    if fit.k is not None:
        would = f"{fit.k:.3f} from {plural(fit.sample, 'team-week')}"
        if fit.raw_k is not None and abs(fit.raw_k - fit.k) > 1e-9:
            would += f" (raw {fit.raw_k:.3f}, clamped)"
    elif fit.sample:
        would = f"needs {MIN_SAMPLE} team-weeks, has {fit.sample} (raw {fit.raw_k:.3f})"
    else:
        would = f"needs {MIN_SAMPLE} settled team-weeks with closing projections"
    return Reply(
        cards=(
            Card(
                f"How the lines did ({season})",
                "Measured on settled weeks against the closing prices and projections.",
                (
                    Field("Moneyline Brier score", brier_text, inline=False),
                    Field("Team scores inside the closing intervals", coverage, inline=False),
                    Field("Game totals under the closing line", totals_text, inline=False),
                    Field("Calibration factor k (in use)", current),
                    Field("k the league's history gives", would),
                ),
                footer="k scales every projected spread; it is refitted after each week settles "
                "so that past (actual - projected) / sd has unit variance.",
            ),
        )
    )
