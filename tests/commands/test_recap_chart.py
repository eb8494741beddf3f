"""The season-score chart: a real PNG of sensible size, one line per member from a starting
point, whole-week ticks, in the order of the leaderboard beside it."""

from __future__ import annotations

import io
import subprocess
import sys

from matplotlib.image import imread

from commands.charts import DPI, FIGURE_INCHES, png, profit_chart, profit_figure

# In the order of the leaderboard the chart sits beside (best score first).
PROFITS = {"dee": [300, 250, 400], "ann": [50, -20, 130], "bob": [-100, -40, 10], "cy": [0, 0, 0]}


def test_one_line_per_member_from_a_starting_point_in_the_leaderboards_order() -> None:
    figure = profit_figure([1, 2, 3], PROFITS, "Season score")
    [axes] = figure.axes
    lines = {line.get_label(): line for line in axes.get_lines() if line.get_label() in PROFITS}
    # every line starts at 0 the week before the first settled one
    assert {name: list(line.get_ydata()) for name, line in lines.items()} == {
        name: [0, *values] for name, values in PROFITS.items()
    }
    assert all(list(line.get_xdata()) == [0, 1, 2, 3] for line in lines.values())
    # the zero line is the only other line drawn
    assert len(axes.get_lines()) == len(PROFITS) + 1
    # the legend keeps the leaderboard's order, whatever the names or last values
    assert [t.get_text() for t in axes.get_legend().get_texts()] == list(PROFITS)


def test_a_single_settled_week_draws_lines_on_whole_week_ticks() -> None:
    """One settled week used to draw lone dots on ticks like 11.40, 11.55, ..."""
    figure = profit_figure([12], {"ann": [27], "bob": [-33], "cy": [0]}, "Week 12")
    png(figure)  # draw it, as the recap does, so the ticks are the ones shown
    [axes] = figure.axes
    members = [line for line in axes.get_lines() if line.get_label() in ("ann", "bob", "cy")]
    assert len(members) == 3 and all(len(line.get_xdata()) == 2 for line in members)
    assert [float(x) for x in axes.get_xticks()] == [11.0, 12.0]
    assert [t.get_text() for t in axes.get_xticklabels()] == ["start", "12"]
    assert axes.get_ylabel() == "Season score (credits)"


def test_a_long_season_keeps_whole_week_ticks() -> None:
    figure = profit_figure(list(range(1, 18)), {"ann": list(range(17))}, "A season")
    png(figure)
    ticks = [float(x) for x in figure.axes[0].get_xticks()]
    assert ticks and all(x.is_integer() for x in ticks) and ticks[0] == 0.0


def test_the_png_decodes_to_the_figure_size_and_stays_small() -> None:
    image = profit_chart([1, 2, 3], PROFITS, "Season score", "profit.png")
    assert image.data.startswith(b"\x89PNG\r\n\x1a\n")
    pixels = imread(io.BytesIO(image.data), format="png")
    height, width = pixels.shape[:2]
    assert (width, height) == (int(FIGURE_INCHES[0] * DPI), int(FIGURE_INCHES[1] * DPI))
    assert 5_000 < len(image.data) < 250_000
    assert "season score by week (bets' profit less rebuys)" in image.alt


def test_fourteen_members_over_a_whole_season_still_fit() -> None:
    members = {f"member {i:02d}": [i * w - 50 * w for w in range(1, 18)] for i in range(14)}
    figure = profit_figure(list(range(1, 18)), members, "A big league")
    assert len([line for line in figure.axes[0].get_lines() if line.get_label() in members]) == 14
    assert len(png(figure)) < 400_000


def test_the_bot_does_not_import_matplotlib_at_start_up() -> None:
    script = (
        "import sys, bot.app, commands.recap, commands.services.lifecycle; print('matplotlib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
