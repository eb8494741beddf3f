"""Settlement DMs and the weekly winner role through the real discord.py client and the fake Discord."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from commands.outbox import DM_KIND, ROLE_KIND, enqueue, role_payload
from commands.services.lifecycle import run_due
from storage.models import League, Market, Member, OutboxMessage
from tests.fakes.discord_fake import buttons, text_of

ROLE = "1290000000000000001"
OLD_HOLDER = "1180000000000000009"


async def _bet(h, member, pick: str) -> None:
    async with h.services.db.read() as session:
        market = await session.scalar(
            select(Market.number)
            .where(Market.league_id == h.league_id, Market.kind == "moneyline")
            .order_by(Market.matchup_id)
            .limit(1)
        )
    cb = await h.slash("bet", member, market=market, pick=pick, stake=100)
    placed = await h.press(cb, "Confirm", member)
    assert "Bet placed" in placed.data["content"], text_of(placed.data)


def _dm_requests(fake) -> int:
    """Requests that posted into a DM channel, refused or not."""
    return sum(
        1 for r in fake.requests if r.path.split("/")[2:3] and r.path.split("/")[2] in fake.dm_channels
    )


async def _outbox(h, kind: str) -> list[OutboxMessage]:
    async with h.services.db.read() as session:
        query = select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
        return list((await session.scalars(query)).all())


async def test_settlement_dms_and_the_winner_role_go_out_once_and_refusals_are_recorded(harness):
    h, fake = harness, harness.fake
    boss, alex, blake, casey = (
        h.member(n, manage_guild=n == "boss") for n in ("boss", "alex", "blake", "casey")
    )
    set_role = await h.slash("admin config set", boss, setting="winner_role", value=f"<@&{ROLE}>")
    assert "now" in set_role.data["content"], text_of(set_role.data)
    for member in (alex, casey):
        on = await h.slash("notify", member, dms="on")
        assert on.ephemeral and "Notifications on" in on.data["content"]
    fake.dms_closed.add(str(casey.id))  # casey opted in but does not accept DMs
    # Last week's winner holds the role; this week's hand-over must take it away.
    async with h.services.db.write() as session:
        await enqueue(
            session,
            league_id=h.league_id,
            kind=ROLE_KIND,
            dedupe_key="winner_role:week:0",
            payload=role_payload(str(fake.guild_id), ROLE, [OLD_HOLDER], []),
            now=h.clock.now(),
        )
        await session.execute(
            OutboxMessage.__table__.update().where(OutboxMessage.kind == ROLE_KIND).values(status="sent")
        )
    fake.member_roles[OLD_HOLDER] = {ROLE}

    await _bet(h, alex, "home")
    await _bet(h, blake, "away")
    await _bet(h, casey, "home")
    h.clock.advance(timedelta(days=8))
    async with h.services.db.read() as session:
        league = await session.get(League, h.league_id)
    assert (await run_due(h.services, league)).settled

    assert h.client is not None
    await h.client.outbox.deliver_once()
    # The channel got its results post although casey's DM was refused.
    assert any("settled" in text_of(p).lower() for p in fake.channel_posts)
    assert [user for user, _ in fake.direct_messages] == [str(alex.id)]
    dm = fake.direct_messages[0][1]
    assert "Week 12 is settled" in text_of(dm) and "your balance is" in text_of(dm)
    assert not buttons(dm)
    dms = {m.payload["to"]: m for m in await _outbox(h, DM_KIND)}
    assert set(dms) == {str(alex.id), str(casey.id)}
    assert dms[str(casey.id)].status == "failed" and "50007" in (dms[str(casey.id)].last_error or "")

    async with h.services.db.read() as session:
        rows = await session.execute(
            select(Member.user_id, Member.balance).where(Member.league_id == h.league_id)
        )
        balances = {user: balance for user, balance in rows.all()}
    best = max(balances[str(m.id)] for m in (alex, blake, casey))
    winners = {str(m.id) for m in (alex, blake, casey) if balances[str(m.id)] == best}
    assert winners and OLD_HOLDER not in winners
    assert {u for u, roles in fake.member_roles.items() if ROLE in roles} == winners
    assert (await _outbox(h, ROLE_KIND))[-1].status == "sent"

    # Delivering again, also after a restart, sends nothing twice and retries no refusal.
    dm_posts = _dm_requests(fake)
    await h.client.outbox.deliver_once()
    await h.restart()
    assert h.client is not None
    assert await h.client.outbox.deliver_once() == 0
    assert len(fake.direct_messages) == 1
    assert _dm_requests(fake) == dm_posts

    # A bot without Manage Roles: the hand-over is recorded as failed, nothing crashes.
    fake.roles_forbidden = True
    async with h.services.db.write() as session:
        await enqueue(
            session,
            league_id=h.league_id,
            kind=ROLE_KIND,
            dedupe_key="winner_role:week:next",
            payload=role_payload(str(fake.guild_id), ROLE, [str(blake.id)], []),
            now=h.clock.now(),
        )
    assert await h.client.outbox.deliver_once() == 0
    refused = (await _outbox(h, ROLE_KIND))[-1]
    assert refused.status == "failed" and "50013" in (refused.last_error or "")
    assert "Manage Roles" in (refused.last_error or "")
