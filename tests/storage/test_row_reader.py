"""The row reader (SQLite, PostgreSQL) gives the caller's rows exactly as a session would load them."""

from __future__ import annotations

from sqlalchemy import inspect, select, update

from commands.services.tenancy import load_caller
from storage.models import League, Member
from tests.book import Book


def _columns(instance: object) -> dict[str, object]:
    return {attr.key: getattr(instance, attr.key) for attr in inspect(type(instance)).column_attrs}


async def test_the_caller_read_equals_the_orm_load_and_sees_the_latest_commit(any_db):
    db = any_db
    book = await Book(db).open()
    await book.run("zoe", "balance")
    async with db.read() as session:
        member = await session.scalar(select(Member).where(Member.user_id == "zoe"))
        assert member is not None
        league = await session.get(League, member.league_id)
    assert league is not None
    found = await load_caller(db, league.id, member.id)
    assert found is not None
    read_league, read_member = found
    assert _columns(read_league) == _columns(league)  # settings dict, aware datetimes, booleans
    assert _columns(read_member) == _columns(member)
    assert inspect(read_league).detached and inspect(read_member).detached
    async with db.write() as session:  # another command commits a change
        await session.execute(update(Member).where(Member.id == member.id).values(balance=7, team_id=None))
        await session.execute(update(League).where(League.id == league.id).values(paused=True))
    again = await load_caller(db, league.id, member.id)
    assert again is not None
    assert again[1].balance == 7 and again[0].paused is True
    assert await load_caller(db, league.id, 999_999) is None
