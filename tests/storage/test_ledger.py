"""The ledger primitive: integers only, exactly once per key, never below zero."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from storage.ledger import Credit, InsufficientBalance, post_credits, post_entry
from storage.models import League, LedgerEntry, Member, Tenant

NOW = datetime(2026, 11, 25, tzinfo=UTC)


async def _member(db) -> Member:
    async with db.write() as s:
        tenant = Tenant(platform="t", workspace_id="w", created_at=NOW)
        s.add(tenant)
        await s.flush()
        league = League(
            tenant_id=tenant.id, name="L", source="demo", settings={}, paused=False, created_at=NOW
        )
        s.add(league)
        await s.flush()
        member = Member(league_id=league.id, user_id="u", display_name="u", balance=0, created_at=NOW)
        s.add(member)
        await s.flush()
        return member


async def _post(db, member, amount, key):
    async with db.write() as s:
        return await post_entry(
            s,
            league_id=member.league_id,
            member_id=member.id,
            kind="adjustment",
            amount=amount,
            dedupe_key=key,
            now=NOW,
        )


async def test_dedupe_key_makes_entries_exactly_once(any_db):
    member = await _member(any_db)
    assert await _post(any_db, member, 100, "k1") is True
    assert await _post(any_db, member, 100, "k1") is False
    async with any_db.read() as s:
        assert await s.scalar(select(Member.balance).where(Member.id == member.id)) == 100
        assert await s.scalar(select(func.count()).select_from(LedgerEntry)) == 1


async def test_debit_beyond_balance_rolls_back_everything(any_db):
    member = await _member(any_db)
    await _post(any_db, member, 50, "grant")
    with pytest.raises(InsufficientBalance):
        await _post(any_db, member, -51, "take")
    async with any_db.read() as s:
        assert await s.scalar(select(Member.balance).where(Member.id == member.id)) == 50
        assert await s.scalar(select(func.count()).select_from(LedgerEntry)) == 1


async def test_amounts_must_be_integers(db):
    member = await _member(db)
    with pytest.raises(TypeError):
        await _post(db, member, 1.5, "frac")


def _credit(member, amount, key) -> Credit:
    return Credit(
        league_id=member.league_id,
        member_id=member.id,
        kind="payout",
        amount=amount,
        dedupe_key=key,
        bet_id=None,
        week_id=None,
        memo=None,
    )


async def test_bulk_credits_move_balances_only_by_what_was_recorded(any_db):
    member = await _member(any_db)
    assert await _post(any_db, member, 5, "settle:1") is True  # already paid one way or another
    async with any_db.write() as s:
        batch = [_credit(member, 10, "settle:1"), _credit(member, 20, "settle:2"), _credit(member, 0, "z")]
        assert await post_credits(s, batch, NOW) == 2
    async with any_db.write() as s:
        assert await post_credits(s, batch, NOW) == 0  # a rerun records and moves nothing
    async with any_db.read() as s:
        balance = await s.scalar(select(Member.balance).where(Member.id == member.id))
        ledger = await s.scalar(
            select(func.sum(LedgerEntry.amount)).where(LedgerEntry.member_id == member.id)
        )
        assert balance == ledger == 5 + 20


async def test_bulk_credits_refuse_debits_and_fractions(any_db):
    member = await _member(any_db)
    for bad, error in ((-1, ValueError), (1.5, TypeError), (True, TypeError)):
        async with any_db.write() as s:
            with pytest.raises(error):
                await post_credits(s, [_credit(member, 1, "ok"), _credit(member, bad, "bad")], NOW)
    async with any_db.read() as s:
        assert await s.scalar(select(Member.balance).where(Member.id == member.id)) == 0
        assert await s.scalar(select(func.count()).select_from(LedgerEntry)) == 0
