"""The commissioner's money commands: void a market, void a bet, adjust a member's credits.

Each is one transaction that decides from rows it has locked or conditionally updated,
never from a copy read earlier, in the lock order settlement shares (market rows, then
bets, then selections, then members: commands/services/settlement.py). So a void that
races settlement either runs first (and settlement then leaves the void market alone) or
waits and reverses what settlement paid; either way every bet ends void and the counts
say what happened. The handlers (commands/handlers/commissioner/money.py) word the
replies from what these return; the channel notice of a void is queued here, in the same
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from commands.errors import Conflict, NotFound
from commands.format import credits, plural
from commands.outbox import enqueue_post
from commands.replies import Reply, Tone
from commands.services.journal import audit
from commands.services.numbered import find_bet, find_market
from commands.services.settlement import VOIDABLE, Voided, lock_market_bets, void_locked_bets
from commands.services.tenancy import find_member
from storage import keys
from storage.database import Database
from storage.ledger import InsufficientBalance, post_entry
from storage.models import Bet, Market, Member
from storage.statuses import BetStatus, MarketStatus


@dataclass(frozen=True, slots=True)
class MarketVoid:
    number: int  # the market's number in the league
    label: str
    voided: list[Voided]

    @property
    def refunded(self) -> int:
        """Open bets whose stake went back."""
        return sum(1 for v in self.voided if v.was == BetStatus.OPEN)

    @property
    def reversed(self) -> int:
        """Bets already graded whose result was undone."""
        return len(self.voided) - self.refunded

    @property
    def shortfall(self) -> int:
        return sum(v.shortfall for v in self.voided)

    def summary(self) -> str:
        """What the void did, in words: the reply and the channel notice both say it."""
        parts = [f"{plural(self.refunded, 'open bet')} refunded"]
        if self.reversed:
            parts.append(f"{plural(self.reversed, 'settled bet')} reversed")
        text = " and ".join(parts)
        if self.shortfall:
            text += f"; {credits(self.shortfall)} of winnings could not be taken back (balances ran out)"
        return text


async def void_market(
    db: Database, *, league_id: int, number: int, reason: str, actor: str, now: datetime
) -> MarketVoid:
    """Void the league's market #`number` and every bet on it: open bets refunded, settled
    ones reversed. Any week's market may be voided, so the number names it on its own."""
    async with db.write() as session:
        market = await find_market(session, league_id, number, lock=True)
        if market.status == MarketStatus.VOID:
            raise Conflict(f"Market #{market.number} is already void.")
        bets = await lock_market_bets(session, [market.id], VOIDABLE)
        done = MarketVoid(market.number, market.label, await void_locked_bets(session, bets, reason, now))
        await session.execute(
            update(Market).where(Market.id == market.id).values(status=MarketStatus.VOID, void_reason=reason)
        )
        await audit(
            session,
            league_id=league_id,
            actor=actor,
            action="void.market",
            detail={
                "market": market.id,
                "number": market.number,
                "reason": reason,
                "bets": len(done.voided),
                "refunded": done.refunded,
                "reversed": done.reversed,
                "shortfall": done.shortfall,
            },
            now=now,
        )
        await enqueue_post(
            session,
            league_id=league_id,
            kind="void",
            dedupe_key=keys.void_market_post(market.id),
            reply=Reply(
                f"Market #{market.number} ({market.label}) was voided by the commissioner: {reason}. "
                f"{done.summary()}.",
                ephemeral=False,
                tone=Tone.WARNING,
            ),
            now=now,
        )
    return done


async def void_bet(
    db: Database, *, league_id: int, number: int, reason: str, actor: str, now: datetime
) -> tuple[Voided, str]:
    """Void the league's bet #`number` (refund it, or reverse its result); returns what moved
    and the member's name."""
    async with db.write() as session:
        found = await find_bet(session, league_id, number)
        # The lock order: the bet's market, then the bet, re-read once held.
        await session.execute(select(Market.id).where(Market.id == found.market_id).with_for_update())
        bet = await session.scalar(
            select(Bet).where(Bet.id == found.id).with_for_update().execution_options(populate_existing=True)
        )
        assert bet is not None
        if bet.status not in VOIDABLE:
            raise Conflict(f"Bet #{bet.number} is already {bet.status}.")
        [voided] = await void_locked_bets(session, [bet], reason, now)
        name = await session.scalar(select(Member.display_name).where(Member.id == bet.member_id))
        await audit(
            session,
            league_id=league_id,
            actor=actor,
            action="void.bet",
            detail={
                "bet": bet.id,
                "number": bet.number,
                "reason": reason,
                "was": voided.was,
                "moved": voided.moved,
                "shortfall": voided.shortfall,
            },
            now=now,
        )
    return voided, name or "the member"


@dataclass(frozen=True, slots=True)
class Adjusted:
    member: str
    amount: int
    balance: int


async def adjust(
    db: Database,
    *,
    league_id: int,
    who: str,
    amount: int,
    reason: str,
    actor: str,
    interaction_id: str,
    now: datetime,
) -> Adjusted:
    """Give or take credits. A debit is the ledger's conditional write, so it can never take
    more than the balance holds at that instant, whatever runs beside it; a repeated
    delivery of the same interaction moves nothing (its dedupe key)."""
    async with db.write() as session:
        member = await find_member(session, league_id, who)
        if member is None:
            raise NotFound(f"There's no member '{who}' in this league.")
        try:
            applied = await post_entry(
                session,
                league_id=league_id,
                member_id=member.id,
                kind="adjustment",
                amount=amount,
                dedupe_key=keys.adjust(interaction_id),
                memo=reason,
                now=now,
            )
        except InsufficientBalance as exc:
            raise Conflict(
                f"{member.display_name} has only {credits(exc.balance)}; you can take at most that."
            ) from None
        if applied:
            await audit(
                session,
                league_id=league_id,
                actor=actor,
                action="adjust",
                detail={"member": member.user_id, "amount": amount, "reason": reason},
                now=now,
            )
        balance = await session.scalar(select(Member.balance).where(Member.id == member.id))
    return Adjusted(member.display_name, amount, balance or 0)
