"""The season-profit chart: a real PNG of sensible size, one line per member."""

from __future__ import annotations

import io
import subprocess
import sys

from matplotlib.image import imread

from commands.charts import DPI, FIGURE_INCHES, png, profit_chart, profit_figure

PROFITS = {"ann": [50, -20, 130], "bob": [-100, -40, 10], "cy": [0, 0, 0], "dee": [300, 250, 400]}


def test_one_line_per_member_with_their_cumulative_profit() -> None:
    figure = profit_figure([1, 2, 3], PROFITS, "Season profit")
    [axes] = figure.axes
    lines = {
        line.get_label(): list(line.get_ydata()) for line in axes.get_lines() if line.get_label() in PROFITS
    }
    assert lines == PROFITS
    # the zero line is the only other line drawn
    assert len(axes.get_lines()) == len(PROFITS) + 1
    assert [t.get_text() for t in axes.get_legend().get_texts()] == ["dee", "ann", "bob", "cy"]


def test_the_png_decodes_to_the_figure_size_and_stays_small() -> None:
    image = profit_chart([1, 2, 3], PROFITS, "Season profit", "profit.png")
    assert image.data.startswith(b"\x89PNG\r\n\x1a\n")
    pixels = imread(io.BytesIO(image.data), format="png")
    height, width = pixels.shape[:2]
    assert (width, height) == (int(FIGURE_INCHES[0] * DPI), int(FIGURE_INCHES[1] * DPI))
    assert 5_000 < len(image.data) < 250_000
    assert "cumulative profit" in image.alt


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
