"""Discord's limits are met by splitting, never by silently dropping text."""

from __future__ import annotations

from collections import Counter

import discord
import pytest
from hypothesis import Phase, given, note, settings
from hypothesis import strategies as st

from adapters.discord.custom_ids import CustomIdTooLong, Kind, decode, encode
from adapters.discord.render import (
    MAX_BUTTONS,
    MAX_CONTENT,
    MAX_EMBED_TOTAL,
    MAX_EMBEDS,
    render,
    split_text,
)
from commands.replies import Button, Card, Field, Reply, Table, Tone
from tests.time_limit import time_limit

# Rendering a reply takes milliseconds; this only has to be long enough never to flake.
RENDER_SECONDS = 10


def check_limits(messages) -> None:
    for out in messages:
        assert len(out.content) <= MAX_CONTENT
        assert len(out.embeds) <= MAX_EMBEDS
        assert sum(len(e) for e in out.embeds) <= MAX_EMBED_TOTAL
        assert len(out.buttons) <= MAX_BUTTONS
        for embed in out.embeds:
            assert len(embed.description or "") <= 4096
            assert len(embed.title or "") <= 256
            assert len(embed.fields) <= 25
            assert all(len(f.value) <= 1024 and len(f.name) <= 256 for f in embed.fields)
        assert out.content or out.embeds or out.buttons or out.images


def everything(messages) -> str:
    parts = []
    for out in messages:
        parts.append(out.content)
        for embed in out.embeds:
            parts += [embed.title or "", embed.description or "", embed.footer.text or ""]
            parts += [f.value for f in embed.fields]
    return "\n".join(parts)


@settings(max_examples=40, deadline=None)
@given(
    text=st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=7000),
    rows=st.integers(min_value=0, max_value=400),
    fields=st.integers(min_value=0, max_value=60),
    buttons=st.integers(min_value=0, max_value=60),
)
def test_any_reply_fits_discord_and_loses_nothing(text, rows, fields, buttons):
    table = Table(("#", "Who", "Credits"), tuple((str(i), f"member-{i}", f"{i * 7:,}") for i in range(rows)))
    card = Card("Slip", "d" * 5000, tuple(Field(f"f{i}", f"value-{i} " * 40) for i in range(fields)), "foot")
    reply = Reply(
        text=text,
        cards=(card,),
        tables=(table,),
        buttons=tuple(Button(f"b{i}", "odds", {"matchup": i}) for i in range(buttons)),
    )
    messages = render(reply)
    check_limits(messages)
    body = everything(messages)
    for i in range(rows):
        assert f"member-{i} " in body or body.endswith(f"member-{i}")
    for i in range(fields):
        assert f"value-{i}" in body
    assert sum(len(m.buttons) for m in messages) == buttons
    assert "".join(text.split()) in "".join("".join(m.content for m in messages).split()) or not text.strip()


def _characters(text: str) -> Counter[str]:
    return Counter(c for c in text.replace("`", "ˋ") if not c.isspace())


cell_text = st.text(alphabet=st.sampled_from("ab Zé9-|`\n"), max_size=40) | st.integers(0, 5000).map(
    lambda width: ("w" * 97 + " ") * (width // 98) + "w" * (width % 98)
)


# Shrinking is off: a hang would make every shrink step wait out the time limit. The
# drawn widths are noted instead, which is what a failure needs to be reproduced.
@settings(max_examples=60, deadline=None, phases=(Phase.explicit, Phase.generate))
@given(
    columns=st.lists(cell_text.filter(str.strip), min_size=1, max_size=4),
    cells=st.lists(cell_text, max_size=60),
    title=st.text(max_size=300),
)
def test_a_table_of_any_width_renders_within_discord_limits(columns, cells, title):
    """Wide columns (a header past half a page, 2,040 characters) once made `render` loop forever."""
    width = len(columns)
    rows = tuple(tuple(cells[i : i + width]) for i in range(0, len(cells) - width + 1, width))
    table = Table(tuple(columns), rows, title=title)
    note(f"column widths {[len(c) for c in columns]}, {len(rows)} rows")
    with time_limit(RENDER_SECONDS, "rendering the table"):
        messages = render(Reply(tables=(table,)))
    check_limits(messages)
    shown = _characters(everything(messages))
    wanted = _characters("".join(columns) + "".join("".join(row) for row in rows))
    assert not wanted - shown, "characters of the table went missing"


@pytest.mark.parametrize("width", [2040, 2100, 4000, 9000])
def test_a_table_wider_than_half_a_page_renders(width):
    table = Table(("Team", "x" * width), (("a", "b" * width), ("c", "d")))
    with time_limit(RENDER_SECONDS, f"rendering a {width}-wide table"):
        messages = render(Reply(tables=(table,)))
    check_limits(messages)
    body = everything(messages)
    assert body.count("b") >= width and body.count("x") >= width


@pytest.mark.parametrize("limit", [0, -5])
def test_split_text_refuses_a_limit_it_could_never_meet(limit):
    with time_limit(RENDER_SECONDS, "split_text"), pytest.raises(ValueError):
        split_text("abc", limit)


def test_split_text_prefers_line_breaks():
    pieces = split_text("a" * 1500 + "\n" + "b" * 1500, 2000)
    assert pieces == ["a" * 1500, "b" * 1500]


def test_long_table_pages_repeat_the_header():
    table = Table(("#", "Member"), tuple((str(i), "x" * 60) for i in range(300)), title="Board")
    embeds = [e for m in render(Reply(tables=(table,))) for e in m.embeds]
    assert len(embeds) > 1
    assert all(e.description.startswith("```\n#") for e in embeds)
    assert embeds[0].title == f"Board (1/{len(embeds)})"


def test_cells_cannot_break_out_of_the_code_block():
    table = Table(("Team",), (("```@everyone```",),))
    (embed,) = render(Reply(tables=(table,)))[0].embeds
    assert embed.description.count("```") == 2


def test_tone_colours_embeds():
    reply = Reply(text="x", cards=(Card("t"),), tone=Tone.ERROR)
    assert render(reply)[0].embeds[0].colour == discord.Colour.red()


def test_custom_ids_round_trip_and_refuse_to_truncate():
    text = encode(Kind.RUN, "void bet", "123", {"bet": 7, "reason": "a b&c"})
    parsed = decode(text)
    assert parsed is not None and parsed.action == "void bet" and parsed.owner_id == "123"
    assert parsed.args == {"bet": "7", "reason": "a b&c"}
    assert decode("not-ours") is None and decode("sb:z:x:-:") is None
    with pytest.raises(CustomIdTooLong):
        encode(Kind.RUN, "bet", "1" * 20, {"pick": "x" * 90})
