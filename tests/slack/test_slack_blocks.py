"""Block Kit rendering stays within Slack's limits and never drops content."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.interactions import Press
from adapters.slack import blocks, buttons
from commands.replies import Button, ButtonStyle, Card, Field, Reply, Table, Tone


def all_text(messages: list[blocks.SlackMessage]) -> str:
    return json.dumps([m.blocks for m in messages], ensure_ascii=False)


def assert_within_limits(messages: list[blocks.SlackMessage]) -> None:
    for message in messages:
        assert 1 <= len(message.blocks) <= blocks.MAX_BLOCKS
        assert sum(blocks._block_chars(b) for b in message.blocks) <= blocks.MAX_MESSAGE_CHARS
        assert len(message.text) <= blocks.FALLBACK_CHARS
        for block in message.blocks:
            if block["type"] == "section" and "text" in block:
                assert len(block["text"]["text"]) <= blocks.MAX_TEXT
            if "fields" in block:
                assert len(block["fields"]) <= blocks.MAX_FIELDS
                assert all(len(f["text"]) <= blocks.MAX_FIELD for f in block["fields"])
            if block["type"] == "actions":
                assert len(block["elements"]) <= blocks.MAX_ACTIONS
        ids = [e["action_id"] for b in message.blocks if b["type"] == "actions" for e in b["elements"]]
        assert len(ids) == len(set(ids))


def test_a_slip_card_with_buttons():
    reply = Reply(
        cards=(
            Card("Bet slip #4", "HMH (moneyline)", (Field("Odds", "-140"), Field("Stake", "50")), "Confirm"),
        ),
        buttons=(
            Button("Confirm", "confirm", {"quote": 4}, ButtonStyle.PRIMARY, "U1"),
            Button("Cancel", "discard", {"quote": 4}, owner_id="U1"),
        ),
    )
    [message] = blocks.render(reply)
    kinds = [b["type"] for b in message.blocks]
    assert kinds == ["section", "section", "context", "actions"]
    confirm = message.blocks[-1]["elements"][0]
    assert confirm["style"] == "primary" and confirm["action_id"].startswith(buttons.ACTION_PREFIX)
    assert buttons.decode(confirm["value"]) == buttons.Pressed(Press("confirm", {"quote": 4}, "U1"))


def test_control_characters_are_escaped():
    [message] = blocks.render(Reply("<!channel> & <@U1>", tone=Tone.ERROR))
    text = message.blocks[0]["text"]["text"]
    assert text == ":warning: &lt;!channel&gt; &amp; &lt;@U1&gt;"
    assert "<!channel>" not in message.text


def test_a_long_table_splits_into_blocks_and_messages_without_losing_rows():
    rows = tuple((str(i), f"member-{i:04d}", f"{i * 7:,}") for i in range(1, 3001))
    reply = Reply("Standings", tables=(Table(("#", "Member", "Net"), rows, title="Season"),))
    messages = blocks.render(reply)
    assert len(messages) > 1
    assert_within_limits(messages)
    text = all_text(messages)
    assert all(f"member-{i:04d}" in text for i in range(1, 3001))
    code_blocks = [
        b for m in messages for b in m.blocks if b.get("text", {}).get("text", "").startswith("```")
    ]
    assert all("Member" in b["text"]["text"] for b in code_blocks)  # headers repeated


def test_many_fields_and_buttons_are_grouped():
    card = Card("Settings", fields=tuple(Field(f"k{i}", "v") for i in range(23)))
    many = tuple(Button(f"b{i}", "odds", {"matchup": i}) for i in range(30))
    [message] = blocks.render(Reply(cards=(card,), buttons=many))
    assert [len(b["fields"]) for b in message.blocks if "fields" in b] == [10, 10, 3]
    assert [len(b["elements"]) for b in message.blocks if b["type"] == "actions"] == [25, 5]
    assert_within_limits([message])


texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=4000)


@settings(max_examples=40, deadline=None)
@given(
    text=texts,
    cells=st.lists(st.text(alphabet="abcxyz<>&0123456789 ", min_size=1, max_size=40), max_size=400),
    field_values=st.lists(st.text(max_size=2500), max_size=14),
    n_buttons=st.integers(0, 40),
)
def test_any_reply_fits_slack(text, cells, field_values, n_buttons):
    reply = Reply(
        text=text,
        cards=(Card("Card", "desc", tuple(Field(f"f{i}", v) for i, v in enumerate(field_values))),),
        tables=(Table(("A", "B"), tuple((c, str(i)) for i, c in enumerate(cells)), title="T"),),
        buttons=tuple(Button(f"b{i}", "odds", {"matchup": i}) for i in range(n_buttons)),
    )
    messages = blocks.render(reply)
    assert_within_limits(messages)
    rendered = all_text(messages)
    for cell in cells:
        assert json.dumps(blocks.escape(cell.strip()), ensure_ascii=False)[1:-1] in rendered
