"""The own-matchup policy at quote and at confirm, the lineup snapshot, and the benching flag.

alex owns the home team of matchup 0 (against blake's), casey and drew own matchup 1's
teams, finn owns nothing.
"""

from __future__ import annotations

from sqlalchemy import select

from commands.provider import PlayerLine
from storage.models import AuditLog, Bet, Member, OutboxMessage
from tests.book import Book
from tests.commands.economy_season import lines_up, market, open_season, starter

MEMBERS = ("alex", "blake", "casey", "drew", "finn")


async def start(db, **settings):
    book, season = await open_season(db, **settings)
    for member in MEMBERS:
        await book.run(member, "balance")
    book.clock.set(lines_up(1))
    await book.due()
    return book, season


async def refused_and_nothing_written(book: Book, user: str, market_id: int, pick: str) -> str:
    before = await book.snapshot()
    reply = await book.run(user, "bet", market=market_id, pick=pick, stake=110)
    assert not reply.cards, f"{user} got a slip for {pick} on #{market_id}"
    assert await book.snapshot() == before
    return reply.text


async def snapshots(book: Book) -> dict[str, dict | None]:
    async with book.db.read() as session:
        rows = (
            await session.execute(
                select(Member.display_name, Bet.lineup_snapshot).join(Member, Member.id == Bet.member_id)
            )
        ).all()
    return dict(rows)


async def test_default_policy_refuses_only_picks_against_the_owners_team(db):
    book, _ = await start(db)
    for kind, subject, pick in [
        ("moneyline", "", "away"),
        ("spread", "", "away"),
        ("team_total", "home", "under"),
        ("team_total", "away", "over"),
    ]:
        text = await refused_and_nothing_written(book, "alex", await market(book, 0, kind, subject), pick)
        assert text.startswith(
            "You own Team Alex, and this league doesn't let owners bet against their own team"
        )
    assert (
        await book.run("alex", "bet", market=await market(book, 0, "total"), pick="over", stake=110)
    ).cards
    await book.place("alex", await market(book, 0), "home", 110)  # for his own team
    await book.place("finn", await market(book, 0), "away", 110)  # owns no team
    await book.place("drew", await market(book, 0), "away", 110)  # not his matchup
    kept = await snapshots(book)
    assert kept["finn"] is None and kept["drew"] is None
    alex = kept["alex"]
    assert alex["projection"] == 35.0
    assert alex["starters"] == {
        "101": {"name": "Alex QB 101", "projection": 20.0},
        "102": {"name": "Alex WR 102", "projection": 15.0},
    }


async def test_no_bets_policy_and_anything_policy(db):
    book, _ = await start(db, own_matchup="no_bets")
    text = await refused_and_nothing_written(book, "alex", await market(book, 0), "home")
    assert text == "You own Team Alex, and this league doesn't let owners bet on their own matchup."
    await book.place("alex", await market(book, 1), "home", 110)  # another matchup is fine
    await book.run("blake", "config set", admin=True, setting="own_matchup", value="anything")
    await book.place("alex", await market(book, 0), "away", 110)  # even against himself
    async with db.read() as session:
        bets = (await session.scalars(select(Bet).order_by(Bet.id))).all()
    assert [b.lineup_snapshot is not None for b in bets] == [False, True]


async def test_a_slip_quoted_under_one_policy_cannot_be_confirmed_under_a_stricter_one(db):
    book, _ = await start(db, own_matchup="anything")
    slip = await book.run("alex", "bet", market=await market(book, 0), pick="away", stake=110)
    await book.run("blake", "config set", admin=True, setting="own_matchup", value="not_against")
    before = await book.snapshot()
    reply = await book.run("alex", "confirm", quote=await book.slip_number(slip))
    assert "against their own team" in reply.text
    assert await book.snapshot() == before
    assert await book.balance("alex") == 1000


def swap(team: int, out_slot: str, player: int, slot: str, projection: float) -> tuple[PlayerLine, ...]:
    """Team `team`'s default lineup with its `out_slot` starter benched for another player."""
    kept = starter(team, "QB" if out_slot == "WR" else "WR", 20.0 if out_slot == "WR" else 15.0)
    return (kept, starter(team, slot, projection, player))


async def flags(book: Book) -> list[OutboxMessage]:
    async with book.db.read() as session:
        return list(
            (await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "lineup_flag"))).all()
        )


async def test_the_commissioner_hears_once_when_an_owner_benches_projected_points(db):
    book, season = await start(db)
    await book.place("alex", await market(book, 0), "home", 110)  # own matchup: snapshot 35
    await book.place("blake", await market(book, 0), "away", 110)  # own matchup: snapshot 35
    await book.place("drew", await market(book, 1), "away", 110)  # own matchup: snapshot 35
    await book.place("finn", await market(book, 1), "home", 110)  # no team: no snapshot
    await book.due()
    assert await flags(book) == []  # nothing changed, nothing said

    season.lineups[(1, 1)] = swap(1, "WR", 105, "RB", 10.0)  # alex: 15 out, 10 in -> 30
    season.lineups[(1, 2)] = swap(2, "WR", 205, "RB", 18.0)  # blake: a swap that adds points
    season.lineups[(1, 3)] = swap(3, "WR", 305, "RB", 1.0)  # casey benches, but has no bet
    season.lineups[(1, 4)] = (starter(4, "QB", 5.0), starter(4, "WR", 15.0))  # drew: worse news, same lineup
    await book.due()
    await book.due()  # a later sync says nothing twice

    raised = await flags(book)
    assert len(raised) == 1
    async with db.read() as session:
        alex_bet = await session.scalar(
            select(Bet.id).join(Member, Member.id == Bet.member_id).where(Member.display_name == "alex")
        )
        audits = (
            await session.scalars(select(AuditLog).where(AuditLog.action == "own_matchup.benched"))
        ).all()
    assert raised[0].dedupe_key == f"lineup_flag:bet:{alex_bet}"
    text = raised[0].payload["text"]
    assert text == (
        f"For the commissioner: alex owns Team Alex and has bet #{alex_bet} (110 credits on Team Alex) "
        "on their own week 1 matchup. Since that bet, Alex WR 102 left Team Alex's starting lineup, "
        "and its projection went from 35 to 30 points."
    )
    assert [(a.actor_user_id, a.detail["bet"], a.detail["removed"]) for a in audits] == [
        ("sidebet", alex_bet, ["Alex WR 102"])
    ]
