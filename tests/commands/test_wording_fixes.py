"""Each wording bug a newcomer met in the demo (issue 15), with the reply that now answers it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.app import describe_report
from commands.replies import Tone
from commands.serialize import reply_from_dict
from storage.models import Matchup, OutboxMessage, Team
from tests.template_book import joined_book

USERS = ("alex", "blake")


async def test_settings_read_on_off_and_none_never_python(tmp_path):
    async with joined_book(tmp_path, USERS) as book:
        said = await book.run("boss", "config set", admin=True, setting="rebuy", value="on")
        assert said.text == "`rebuy` is now on (was off)."
        said = await book.run("boss", "config set", admin=True, setting="props", value="yes")
        assert said.text == "`props` was already on; nothing changed."
        said = await book.run("boss", "config set", admin=True, setting="admins", value="none")
        assert said.text == "`admins` was already none; nothing changed."
        show = (await book.run("boss", "config show", admin=True)).tables[0]
        values = {row[0]: row[1] for row in show.rows}
        assert values["props"] == "on" and values["public_tickets"] == "off" and values["admins"] == "none"
        assert values["allowance"] == "1,000" and values["bankroll_mode"] == "`carry_over`"


async def test_a_bad_weekday_or_time_is_named_as_such(tmp_path):
    async with joined_book(tmp_path, USERS) as book:
        day = await book.run("boss", "config set", admin=True, setting="lines_open", value="funday 10:00")
        assert day.tone is Tone.ERROR
        assert "'funday' isn't a weekday (mon, tue, wed, thu, fri, sat or sun)" in day.text
        assert "out of range" not in day.text
        hour = await book.run("boss", "config set", admin=True, setting="settle_at", value="tue 25:00")
        assert "'25:00' isn't a 24-hour time" in hour.text
        zone = await book.run("boss", "config set", admin=True, setting="timezone", value="Mars/Base")
        assert "'Mars/Base' isn't a time zone" in zone.text
        big = await book.run("boss", "config set", admin=True, setting="allowance", value="5")
        assert "a whole number from 10 to 1,000,000; '5' is outside that range" in big.text


async def test_option_errors_name_what_was_typed_not_the_parameter(tmp_path):
    async with joined_book(tmp_path, USERS) as book:
        notify = await book.run("alex", "notify", dms="maybe")
        assert notify.text == "'maybe' isn't on or off." and "dms" not in notify.text
        board = await book.run("alex", "leaderboard", period="month")
        assert board.text == "'month' isn't week or season."
        usage = (await book.run("alex", "help", command="notify")).text
        assert usage.startswith("`notify [on/off]`") and "dms" not in usage


async def test_help_for_a_command_group_lists_its_subcommands(tmp_path):
    async with joined_book(tmp_path, USERS) as book:
        void = await book.run("alex", "help", command="void")
        assert void.tone is not Tone.ERROR
        assert "`void market <market> <reason>`" in void.text and "`void bet <bet> <reason>`" in void.text
        config = await book.run("alex", "help", command="Config")
        assert "`config show`" in config.text and "`config set <setting> <value>`" in config.text
        assert (await book.run("alex", "help", command="nope")).tone is Tone.ERROR


async def test_confirming_a_cancelled_bets_slip_says_it_was_cancelled(tmp_path):
    async with joined_book(tmp_path, USERS) as book:
        slip = await book.run("alex", "bet", market=await book.market_number(), pick="home", stake=40)
        quote = await book.slip_number(slip)
        placed = await book.run("alex", "confirm", quote=quote)
        bet_id = int(placed.text.split("bet #")[1].split(",")[0])
        assert "cancelled" in (await book.run("alex", "cancel", bet=bet_id)).text
        again = await book.run("alex", "confirm", quote=quote)
        assert again.tone is Tone.ERROR
        assert f"already placed as bet #{bet_id}, which you cancelled (40 credits refunded)" in again.text
        assert "Pays" not in again.text and "Already placed" not in again.text
        assert await book.balance("alex") == 1000


async def test_plurals_in_sync_and_settle(tmp_path):
    async with joined_book(tmp_path, USERS) as book:
        await book.place("alex", await book.market_number(), "home", 40)
        book.clock.advance(timedelta(days=8))
        settled = await book.run("boss", "settle", admin=True)
        assert settled.text.startswith("Week 12 is settled: 1 bet (")
        assert "1 bets" not in settled.text
        synced = await book.run("boss", "sync", admin=True)
        assert "1 markets" not in synced.text and "1 weeks" not in synced.text
        assert "0 weeks settled" in synced.text


async def test_the_console_and_the_channel_post_count_the_same_bets(tmp_path):
    """A market voided before settling: its bets are void, and both places count them."""
    async with joined_book(tmp_path, USERS) as book:
        ml, total = await book.market_number(), await book.market_number("total")
        await book.place("alex", ml, "home", 40)
        await book.place("blake", ml, "away", 30)
        await book.place("alex", total, "over", 20)
        await book.run("boss", "void market", admin=True, market=ml, reason="wrong line")
        book.clock.advance(timedelta(days=8))
        report = await book.due()
        async with book.db.read() as session:
            post = await session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "settled"))
    [console] = [line for _, line in describe_report(report, book.clock.now()) if "settled" in line]
    assert console.startswith("Week 12 is settled: 3 bets (")
    assert "2 void" in console
    assert reply_from_dict(post.payload).text.startswith(console)


async def test_odds_by_team_abbreviation_and_props_say_whose_player(tmp_path):
    async with joined_book(tmp_path, USERS) as book:
        async with book.db.read() as session:
            matchup = (await session.scalars(select(Matchup).order_by(Matchup.id))).first()
            home = await session.get(Team, matchup.home_team_id)
            away = await session.get(Team, matchup.away_team_id)
        by_number = await book.run("alex", "odds", matchup=1)  # the week's first matchup
        for typed in (away.abbrev, away.abbrev.lower(), "#1"):
            assert (await book.run("alex", "odds", matchup=typed)).tables == by_number.tables, typed
        assert "No team 'zzz' plays" in (await book.run("alex", "odds", matchup="zzz")).text
        props = by_number.tables[1]
        owners = {row[1].split(":")[0] for row in props.rows}
        assert owners == {home.abbrev, away.abbrev}


async def test_bet_lists_say_the_matchup_and_the_slip_says_the_all_in_cap(tmp_path):
    async with joined_book(tmp_path, USERS) as book:
        total, prop = await book.market_number("total"), await book.market_number("prop")
        await book.place("alex", total, "under", 20)
        await book.place("alex", prop, "over", 10)
        rows = {row[0]: row[1] for row in (await book.run("alex", "mybets")).tables[0].rows}
        picks = list(rows.values())
        assert any(p.startswith("Under ") and p.endswith(" total points)") and " vs " in p for p in picks)
        assert any(" player, " in p and " vs " in p for p in picks), picks
        slip = await book.run("blake", "bet", market=total, pick="over", stake="all")
        assert slip.cards[0].fields[1].value == "250 credits"
        assert slip.text == "`all` stakes your balance up to the most one bet may take: 250 credits."
        book.clock.advance(timedelta(days=8))
        await book.due()
        history = (await book.run("alex", "history")).tables[0]
        assert all(" vs " in row[2] for row in history.rows), history.rows
