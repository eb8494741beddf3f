"""The season-score chart attached to the weekly recap and the final standings.

matplotlib is imported inside the functions (it costs about half a second), so the bot
starts without it and pays only when a recap is built. The Agg backend draws to memory:
no display, no GUI toolkit, safe in a worker thread on a server.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from commands.replies import Image

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: 8 x 4.5 inches at 100 dpi: 800 x 450 pixels, readable in a chat preview, tens of KB.
FIGURE_INCHES = (8.0, 4.5)
DPI = 100


def profit_figure(weeks: Sequence[int], profits: Mapping[str, Sequence[int]], title: str) -> Figure:
    """One line per member: their season score (credits) after each settled week.

    Every line starts from 0 at "start", the week before the first settled one, so even a
    single settled week draws lines, not dots. The weeks are whole-number ticks. The legend
    keeps the order of `profits`: pass it in the order of the leaderboard the chart sits beside.
    """
    from matplotlib.figure import Figure

    # A bare Figure (not pyplot) keeps no global state, so concurrent recaps cannot mix.
    # Fixed margins, not the constrained layout engine: it costs a third of the drawing time.
    figure = Figure(figsize=FIGURE_INCHES, dpi=DPI)
    figure.subplots_adjust(left=0.1, right=0.76, top=0.92, bottom=0.12)
    axes = figure.add_subplot()
    start = weeks[0] - 1 if weeks else 0
    xs = [start, *weeks]
    for name, line in profits.items():
        axes.plot(xs, [0, *line], marker="o", markersize=3, linewidth=1.5, label=_short(name))
    axes.axhline(0, color="grey", linewidth=0.8)
    axes.set_title(title)
    axes.set_xlabel("Week")
    axes.set_ylabel("Season score (credits)")
    # Whole weeks only; on a long season every other week, so the labels never collide.
    step = 1 if len(xs) <= 18 else 2
    ticks = xs[::step]
    axes.set_xticks(ticks, ["start" if x == start else str(x) for x in ticks])
    axes.set_xlim(start - 0.3, xs[-1] + 0.3)
    axes.grid(alpha=0.3)
    if profits:
        axes.legend(fontsize="small", loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    return figure


def _short(name: str, limit: int = 24) -> str:
    """Legend labels fit the right margin; a longer display name is shortened, not clipped."""
    return name if len(name) <= limit else name[: limit - 1] + "…"


#: The PNG text chunk holding what a chart shows as data (see `drawn`).
DATA_KEY = "Sidebet-Chart"


def png(figure: Figure) -> bytes:
    """The figure as PNG, carrying what it draws as JSON in a text chunk (`DATA_KEY`), so a
    test (or a screen reader's alt text one day) can check the picture without OCR."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(figure)
    canvas.draw()  # ticks and the legend are only final once drawn
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={DATA_KEY: json.dumps(drawn(figure))})
    return buffer.getvalue()


def drawn(figure: Figure) -> dict[str, object]:
    """What a drawn figure shows: each axes' visible x ticks, its labelled lines (points as
    drawn) and its legend's labels in order."""
    import numpy  # matplotlib's own dependency, loaded with it

    shown = []
    for axes in figure.get_axes():
        low, high = sorted(axes.get_xlim())
        legend = axes.get_legend()
        shown.append(
            {
                "xticks": [float(t) for t in axes.get_xticks() if low <= t <= high],
                "lines": [
                    {
                        "label": line.get_label(),
                        "x": numpy.asarray(line.get_xdata(), dtype=float).tolist(),
                        "y": numpy.asarray(line.get_ydata(), dtype=float).tolist(),
                    }
                    for line in axes.get_lines()
                    if not str(line.get_label()).startswith("_")
                ],
                "legend": [text.get_text() for text in legend.get_texts()] if legend else [],
            }
        )
    return {"axes": shown}


def profit_chart(
    weeks: Sequence[int], profits: Mapping[str, Sequence[int]], title: str, filename: str
) -> Image:
    figure = profit_figure(weeks, profits, title)
    return Image(
        filename,
        png(figure),
        alt=f"{title}: each member's season score by week (bets' profit less rebuys), from the start",
    )
