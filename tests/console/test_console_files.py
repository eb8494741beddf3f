"""The console saves what chat would attach, never outside its folder, never over an older file."""

from __future__ import annotations

from adapters.console.files import FileSaver
from adapters.console.render import render
from commands.replies import Attachment, Image, Reply


def test_files_are_saved_with_fresh_names_and_their_paths_printed(tmp_path):
    saver = FileSaver(tmp_path / "out")
    reply = Reply(
        "Export ready.",
        images=(Image("chart.png", b"\x89PNG-1", "a chart"),),
        files=(Attachment("../../escape.csv", b"a,b\n", "text/csv", "your bets"),),
    )
    first = saver.save(reply)
    second = saver.save(reply)
    assert first["chart.png"].read_bytes() == b"\x89PNG-1"
    assert first["../../escape.csv"] == (tmp_path / "out" / "escape.csv").resolve()
    assert second["chart.png"].name == "chart-2.png" and second["../../escape.csv"].name == "escape-2.csv"
    text = render(reply, first)
    assert f"[image saved to {first['chart.png']}] a chart" in text
    assert f"[file saved to {first['../../escape.csv']}] your bets" in text
    assert "[image: chart.png]" in render(reply)  # without a saver, the name is still shown
