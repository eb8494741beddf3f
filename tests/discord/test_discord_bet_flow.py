"""End to end: the real discord.py client, the fake Discord, the real command layer.

Each test drives Discord interactions (slash commands, button presses, modal submits) and
asserts the callback Discord would receive: its type (4 message, 5 deferred, 7 update,
8 autocomplete, 9 modal), whether it is ephemeral, and what it says.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from storage.models import Bet, League, Market, Member
from tests.fakes.discord_fake import EPHEMERAL, buttons, text_of

MESSAGE, DEFERRED, UPDATE, AUTOCOMPLETE, MODAL = 4, 5, 7, 8, 9


async def market_number(h, kind: str = "moneyline", index: int = 0) -> int:
    async with h.services.db.read() as session:
        ids = (
            await session.scalars(
                select(Market.number)
                .where(Market.league_id == h.league_id, Market.kind == kind, Market.subject == "")
                .order_by(Market.matchup_id, Market.number)
            )
        ).all()
    return ids[index]


async def bets(h) -> int:
    async with h.services.db.read() as session:
        return int(await session.scalar(select(func.count(Bet.id))) or 0)


async def balance(h, member) -> int:
    async with h.services.db.read() as session:
        value = await session.scalar(select(Member.balance).where(Member.user_id == str(member.id)))
    return int(value or 0)


async def slip(h, member=None, stake: int | str = 100):
    """A bet slip from `/bet`, asserted to be a private slip with Confirm and Cancel."""
    cb = await h.slash("bet", member, market=await market_number(h), pick="home", stake=stake)
    assert cb.type == MESSAGE and cb.ephemeral, text_of(cb.data)
    assert "Bet slip #" in text_of(cb.data)
    assert set(buttons(cb.data)) == {"Confirm", "Cancel"}
    return cb


async def test_markets_board_is_public_with_a_button_per_matchup(harness):
    cb = await harness.slash("markets")
    assert cb.type == MESSAGE and not cb.ephemeral
    assert cb.data["embeds"][0]["title"].endswith("week 12 lines")
    assert "HMH vs GG" in cb.data["embeds"][0]["description"]
    assert len(buttons(cb.data)) == 5
    assert cb.data["allowed_mentions"] == {"parse": []}


async def test_place_and_confirm_a_bet(harness):
    alex = harness.member("alex")
    cb = await slip(harness, alex)
    card = cb.data["embeds"][0]
    fields = {f["name"]: f["value"] for f in card["fields"]}
    assert {"Odds", "Stake", "Pays", "Quote holds"} <= set(fields)
    assert fields["Stake"] == "100 credits"

    confirmed = await harness.press(cb, "Confirm", alex)
    assert confirmed.type == UPDATE  # the slip turns into its receipt
    assert "Bet placed: bet #" in confirmed.data["content"]
    assert confirmed.data["components"] == []
    assert await bets(harness) == 1
    assert await balance(harness, alex) == 900


async def test_board_button_quick_stake_then_confirm(harness):
    board = await harness.slash("markets")
    odds = await harness.press(harness.fake.original(board), "HMH vs GG")
    assert odds.type == MESSAGE and odds.ephemeral
    bet_buttons = [label for label in buttons(odds.data) if "HMH" in label or "Hunt" in label]
    assert bet_buttons, buttons(odds.data)

    picker = await harness.press(odds, bet_buttons[0])
    assert picker.type == MESSAGE and picker.ephemeral
    assert list(buttons(picker.data)) == ["10%", "25%", "All-in", "Custom…"]
    assert bet_buttons[0] in picker.data["content"]

    quoted = await harness.press(picker, "25%")
    assert quoted.type == UPDATE
    assert "Stake: 250 credits" in text_of(quoted.data)

    placed = await harness.press(quoted, "Confirm")
    assert placed.type == UPDATE and "Bet placed" in placed.data["content"]
    assert await bets(harness) == 1


async def test_custom_stake_through_the_modal(harness):
    odds = await harness.slash("odds", matchup=1)
    label = next(iter(buttons(odds.data)))
    picker = await harness.press(odds, label)
    modal = await harness.press(picker, "Custom…")
    assert modal.type == MODAL
    inputs = [c for row in modal.data["components"] for c in row["components"]]
    assert [i["custom_id"] for i in inputs] == ["stake"]

    message = harness.fake.message_payload(harness.fake.original(picker))
    quoted = await harness.fake.interact(
        harness.fake.submit(modal.data["custom_id"], {"stake": "42"}, message=message)
    )
    assert quoted.type == UPDATE
    assert "Stake: 42 credits" in text_of(quoted.data)


async def test_insufficient_credits_is_a_private_error(harness):
    boss = harness.member("boss", manage_guild=True)
    alex = harness.member("alex")
    await harness.slash("balance", alex)  # joins the league with the allowance
    taken = await harness.slash("admin adjust", boss, member=str(alex.id), amount=-950, reason="test")
    assert "alex" in taken.data["content"], taken.data

    cb = await harness.slash("bet", alex, market=await market_number(harness), pick="home", stake=100)
    assert cb.type == MESSAGE and cb.ephemeral
    assert "You have 50 credits; that bet needs 100" in cb.data["content"]
    assert not cb.data.get("embeds") and await bets(harness) == 0


async def test_locked_market_refuses_bets_and_confirms(harness):
    alex = harness.member("alex")
    cb = await slip(harness, alex)
    harness.clock.advance(timedelta(days=2))  # past Thursday's kickoffs

    refused = await harness.slash("bet", alex, market=await market_number(harness), pick="home", stake=100)
    assert refused.type == MESSAGE and refused.ephemeral
    assert "locked" in refused.data["content"].lower()

    late = await harness.press(cb, "Confirm", alex)
    assert late.type == MESSAGE and late.ephemeral  # an error never replaces the slip
    assert await bets(harness) == 0


async def test_double_click_on_confirm_places_one_bet(harness):
    alex = harness.member("alex")
    cb = await slip(harness, alex)
    message = harness.fake.message_payload(harness.fake.original(cb))
    custom_id = buttons(message)["Confirm"]
    first, second = (harness.fake.click(message, custom_id, alex) for _ in range(2))
    results = await asyncio.gather(harness.fake.interact(first), harness.fake.interact(second))

    texts = sorted(r.data["content"].split(":")[0] for r in results)
    assert texts == ["Already placed", "Bet placed"]
    assert all(r.type == UPDATE for r in results)
    assert await bets(harness) == 1
    assert await balance(harness, alex) == 900


async def test_someone_elses_slip_cannot_be_confirmed(harness):
    cb = await slip(harness, harness.member("alex"))
    other = await harness.press(cb, "Confirm", harness.member("blake"))
    assert other.type == MESSAGE and other.ephemeral
    assert "belong to someone else" in other.data["content"]
    assert await bets(harness) == 0


async def test_button_pressed_after_a_restart(harness):
    alex = harness.member("alex")
    cb = await slip(harness, alex)
    await harness.restart()  # a new process: nothing in memory knows this slip
    placed = await harness.press(cb, "Confirm", alex)
    assert placed.type == UPDATE and "Bet placed" in placed.data["content"]
    assert await bets(harness) == 1


async def test_expired_quote_is_requoted_not_accepted(harness):
    alex = harness.member("alex")
    cb = await slip(harness, alex)
    old_title = cb.data["embeds"][0]["title"]
    harness.clock.advance(timedelta(seconds=61))

    requoted = await harness.press(cb, "Confirm", alex)
    assert requoted.type == UPDATE
    assert "expired before you confirmed, so nothing was placed" in requoted.data["content"]
    new_title = requoted.data["embeds"][0]["title"]
    assert new_title.startswith("Bet slip #") and new_title != old_title
    assert await bets(harness) == 0

    placed = await harness.press(requoted, "Confirm", alex)
    assert "Bet placed" in placed.data["content"] and await bets(harness) == 1


async def test_cancel_button_discards_the_slip(harness):
    cb = await slip(harness)
    gone = await harness.press(cb, "Cancel")
    assert gone.type == UPDATE and "discarded; nothing was placed" in gone.data["content"]
    assert gone.data["components"] == []


async def test_public_ticket_goes_to_the_league_channel(harness):
    boss = harness.member("boss", manage_guild=True)
    turned_on = await harness.slash("admin config set", boss, setting="public_tickets", value="on")
    assert turned_on.ephemeral and "error" not in turned_on.data["content"].lower()
    alex = harness.member("alex")
    placed = await harness.press(await slip(harness, alex), "Confirm", alex)
    assert "Bet placed" in placed.data["content"]

    assert harness.client is not None
    await harness.client.outbox.deliver_once()
    posts = [p for p in harness.fake.channel_posts if "put 100 credits on" in p["content"]]
    assert len(posts) == 1
    assert posts[0]["channel_id"] == str(harness.fake.league_channel_id)
    assert not posts[0]["flags"] & EPHEMERAL


async def test_lines_up_post_is_delivered_as_embeds_with_buttons(harness):
    assert harness.client is not None
    sent = await harness.client.outbox.deliver_once()
    assert sent >= 1
    lines = next(p for p in harness.fake.channel_posts if "Lines are up" in p["content"])
    assert lines["embeds"] and len(buttons(lines)) == 5
    async with harness.services.db.read() as session:
        league = await session.get(League, harness.league_id)
    assert league is not None and league.channel_id == str(harness.fake.league_channel_id)


async def test_a_revised_post_edits_its_messages_in_place(harness):
    from adapters.discord.outbox import DiscordOutbox
    from commands.replies import Reply, Table

    assert harness.client is not None
    poster = DiscordOutbox(harness.client)
    async with harness.services.db.read() as session:
        league = await session.get(League, harness.league_id)
    long_table = Table(("#", "Line"), tuple((str(i), "x" * 80) for i in range(150)))
    ref = await poster.send_post(league, Reply("Board v1", tables=(long_table,), ephemeral=False))
    assert ref is not None and ref.count(",") >= 1  # too long for one message: several ids kept

    await poster.update_post(league, ref, Reply("Board v2 (locked)", ephemeral=False))
    ids = ref.split(",")
    assert harness.fake.messages[ids[0]]["content"] == "Board v2 (locked)"
    assert all(i not in harness.fake.messages for i in ids[1:])  # surplus parts removed
