"""The book's tables.

Money columns are integers. `members.balance` is a cache of the member's ledger entries,
changed only in the same transaction as the entry that explains it, and guarded by a CHECK
so that even a bug cannot store a negative balance. Every idempotency rule (one allowance
per member per week, one payout per bet, one bet per slip) is a UNIQUE constraint, so it
holds across processes and restarts, not just inside one Python process.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.statuses import BetStatus, MarketStatus, OutboxStatus, QuoteStatus, WeekStatus
from storage.types import StatusColumn, UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# A 64-bit id column that is still an auto-incrementing rowid alias on SQLite.
Id = BigInteger().with_variant(Integer, "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Tenant(Base):
    """A Discord guild, a Slack team or the console: the outer wall of every query."""

    __tablename__ = "tenants"
    __table_args__ = (UniqueConstraint("platform", "workspace_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    workspace_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class League(Base):
    __tablename__ = "leagues"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    # Where the league's data comes from: "espn" (the default), "sleeper", "yahoo", or a demo source.
    source: Mapped[str] = mapped_column(String(16), default="espn")
    espn_league_id: Mapped[int | None] = mapped_column(BigInteger)
    # A Sleeper league's id: a string of 18-19 digits (used when source is "sleeper").
    sleeper_league_id: Mapped[str | None] = mapped_column(String(32))
    # A Yahoo league's key ("449.l.12345", used when source is "yahoo") and the OAuth grant of
    # the commissioner who linked it: secrets like the ESPN cookies below, never shown or logged.
    yahoo_league_key: Mapped[str | None] = mapped_column(String(32))
    yahoo_access_token: Mapped[str | None] = mapped_column(Text)
    yahoo_refresh_token: Mapped[str | None] = mapped_column(Text)
    yahoo_token_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    season: Mapped[int | None] = mapped_column(Integer)
    channel_id: Mapped[str | None] = mapped_column(String(64))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    # Private-league cookies. Never rendered, logged or echoed; see bot/logging.py.
    espn_s2: Mapped[str | None] = mapped_column(Text)
    espn_swid: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Sync health, so persistent ESPN trouble reaches the commissioner instead of a log.
    last_synced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sync_failures: Mapped[int] = mapped_column(Integer, default=0)
    last_sync_error: Mapped[str | None] = mapped_column(String(32))
    season_over: Mapped[bool] = mapped_column(Boolean, default=False)
    # Fitted from the league's own settled team-weeks (see engine/calibration.py); None
    # until there is enough history, and pricing then uses 1.0.
    calibration_k: Mapped[float | None] = mapped_column(Float)
    calibration_fitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # ESPN's starting lineup, slot -> count (e.g. {"QB": 1, "FLEX": 1}); None before a sync.
    lineup_slots: Mapped[dict[str, int] | None] = mapped_column(JSON)
    # The last number given to one of the league's markets, and to one of its slips (a bet
    # keeps its slip's number): what users see and type, not the rows' ids, which run across
    # every league of the database. Bumped set-based by storage/numbering.py.
    last_market_number: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    last_bet_number: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class Team(Base):
    """A fantasy team of the linked ESPN league."""

    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("league_id", "espn_team_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    league_id: Mapped[int] = mapped_column(ForeignKey("leagues.id"))
    espn_team_id: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(120))
    abbrev: Mapped[str] = mapped_column(String(16))
    owner_name: Mapped[str | None] = mapped_column(String(120))
    wins: Mapped[int] = mapped_column(Integer, default=0)
    losses: Mapped[int] = mapped_column(Integer, default=0)
    ties: Mapped[int] = mapped_column(Integer, default=0)
    points_for: Mapped[float] = mapped_column(Float, default=0.0)
    points_against: Mapped[float] = mapped_column(Float, default=0.0)


class Member(Base):
    __tablename__ = "members"
    __table_args__ = (
        UniqueConstraint("league_id", "user_id"),
        CheckConstraint("balance >= 0", name="balance_not_negative"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    league_id: Mapped[int] = mapped_column(ForeignKey("leagues.id"))
    user_id: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(120))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    # A team the member says is theirs, waiting for a commissioner's `link`.
    claimed_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    balance: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Opt-in direct messages when this member's bets settle.
    dm_opt_in: Mapped[bool] = mapped_column(Boolean, default=False)


class Week(Base):
    """A matchup period: open -> locked -> final -> settled."""

    __tablename__ = "weeks"
    __table_args__ = (UniqueConstraint("league_id", "season", "matchup_period"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    league_id: Mapped[int] = mapped_column(ForeignKey("leagues.id"))
    season: Mapped[int] = mapped_column(Integer)
    matchup_period: Mapped[int] = mapped_column(Integer)
    scoring_periods: Mapped[list[int]] = mapped_column(JSON)
    status: Mapped[WeekStatus] = mapped_column(StatusColumn(WeekStatus), default=WeekStatus.OPEN)
    first_kickoff: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_kickoff: Mapped[datetime | None] = mapped_column(UTCDateTime())
    final_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    is_playoff: Mapped[bool] = mapped_column(Boolean, default=False)
    # Markets exist from this instant (the league's "lines open" time); none before.
    lines_open_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    markets_open: Mapped[bool] = mapped_column(Boolean, default=False)
    # A digest of the snapshot (and settings) the week was last stored and priced from;
    # a sync that brings the same one has nothing to write (commands/services/weeks.py).
    synced_fingerprint: Mapped[str | None] = mapped_column(String(64))
    # A digest of everything the week's open prices were last computed from; a sync whose
    # inputs to pricing digest the same has no market to write (commands/services/priced_inputs.py).
    priced_digest: Mapped[str | None] = mapped_column(String(64))
    # Stat corrections are applied until this instant after settlement.
    corrections_close_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The seed the week's pools were shuffled with, kept so the draw can be re-checked.
    pool_seed: Mapped[int | None] = mapped_column(BigInteger)


class Matchup(Base):
    __tablename__ = "matchups"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    week_id: Mapped[int] = mapped_column(ForeignKey("weeks.id"), index=True)
    home_team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    away_team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    # ESPN's official scores: the starters' points plus the commissioner's adjustment,
    # which is also kept on its own (it is not play: calibration leaves it out).
    home_score: Mapped[float | None] = mapped_column(Float)
    away_score: Mapped[float | None] = mapped_column(Float)
    home_adjustment: Mapped[float] = mapped_column(Float, default=0.0)
    away_adjustment: Mapped[float] = mapped_column(Float, default=0.0)
    lock_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Starter(Base):
    """A starter as last synced: projection for pricing, points for settling props."""

    __tablename__ = "starters"
    __table_args__ = (UniqueConstraint("matchup_id", "player_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    matchup_id: Mapped[int] = mapped_column(ForeignKey("matchups.id"))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    player_id: Mapped[str] = mapped_column(String(16))  # ESPN's number as text, or Sleeper's id
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[str] = mapped_column(String(8))
    slot: Mapped[str] = mapped_column(String(16))
    pro_team: Mapped[str] = mapped_column(String(8))
    injury_status: Mapped[str | None] = mapped_column(String(32))
    projection: Mapped[float] = mapped_column(Float)
    points: Mapped[float | None] = mapped_column(Float)
    game_id: Mapped[str | None] = mapped_column(String(32))
    kickoff: Mapped[datetime | None] = mapped_column(UTCDateTime())
    game_state: Mapped[str | None] = mapped_column(String(8))  # pre | in | post
    # ESPN lineup slots the player may fill, for the optimal-lineup award.
    eligible_slots: Mapped[list[str] | None] = mapped_column(JSON)


class BenchPlayer(Base):
    """A rostered player not in the starting lineup, as last synced.

    Kept apart from `starters` so pricing never sees the bench; used for the "best
    manager" award (share of the optimal lineup) and for spotting an owner who benched
    projected points after betting on their own matchup.
    """

    __tablename__ = "bench_players"
    __table_args__ = (UniqueConstraint("matchup_id", "player_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    matchup_id: Mapped[int] = mapped_column(ForeignKey("matchups.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    player_id: Mapped[str] = mapped_column(String(16))  # ESPN's number as text, or Sleeper's id
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[str] = mapped_column(String(8))
    slot: Mapped[str] = mapped_column(String(16))  # BE | IR
    eligible_slots: Mapped[list[str] | None] = mapped_column(JSON)
    projection: Mapped[float] = mapped_column(Float)
    points: Mapped[float | None] = mapped_column(Float)


class TeamProjection(Base):
    """A team's projected score distribution as priced, last written at lock.

    The closing mean and sd per team-week are what the calibration factor is fitted on.
    """

    __tablename__ = "team_projections"
    __table_args__ = (UniqueConstraint("week_id", "team_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    week_id: Mapped[int] = mapped_column(ForeignKey("weeks.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    mean: Mapped[float] = mapped_column(Float)
    sd: Mapped[float] = mapped_column(Float)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The calibration factor `sd` was priced with, so a refit can divide it back out.
    k: Mapped[float] = mapped_column(Float, default=1.0)


class PoolAssignment(Base):
    """Which pool a member bets in for a week, when a league outgrows one pool."""

    __tablename__ = "pool_assignments"
    __table_args__ = (UniqueConstraint("week_id", "member_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    week_id: Mapped[int] = mapped_column(ForeignKey("weeks.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    pool: Mapped[int] = mapped_column(Integer)


class NflGame(Base):
    """A real NFL game of the week, as ESPN's scoreboard last showed it: the games board.

    Kept per week (so per league and tenant, like matchups): its markets belong to the
    week, and its final score settles them. `completed` is whether it was played to the
    end; only then are its bets graded (see commands/services/game_board.py).
    """

    __tablename__ = "nfl_games"
    __table_args__ = (UniqueConstraint("week_id", "event_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    week_id: Mapped[int] = mapped_column(ForeignKey("weeks.id"), index=True)
    event_id: Mapped[str] = mapped_column(String(32))
    home: Mapped[str] = mapped_column(String(8))
    away: Mapped[str] = mapped_column(String(8))
    home_name: Mapped[str] = mapped_column(String(120))
    away_name: Mapped[str] = mapped_column(String(120))
    kickoff: Mapped[datetime] = mapped_column(UTCDateTime())
    state: Mapped[str] = mapped_column(String(8))  # pre | in | post, the book's reading
    completed: Mapped[bool] = mapped_column(Boolean, default=False)
    status_name: Mapped[str] = mapped_column(String(40), default="")
    home_score: Mapped[int] = mapped_column(Integer, default=0)
    away_score: Mapped[int] = mapped_column(Integer, default=0)


class GameOdds(Base):
    """Every price a sportsbook has shown for a game, with when the bot saw it: line history.

    One row per provider and phase (open, current, close) each time its prices changed,
    so the opening and closing lines, and every move between, can be shown and measured.
    """

    __tablename__ = "game_odds"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    game_id: Mapped[int] = mapped_column(ForeignKey("nfl_games.id"), index=True)
    provider_id: Mapped[str] = mapped_column(String(32))
    provider_name: Mapped[str] = mapped_column(String(120))
    phase: Mapped[str] = mapped_column(String(8))
    details: Mapped[str | None] = mapped_column(String(40))
    home_moneyline: Mapped[int | None] = mapped_column(Integer)
    away_moneyline: Mapped[int | None] = mapped_column(Integer)
    spread: Mapped[float | None] = mapped_column(Float)  # the home team's expected margin
    home_spread_odds: Mapped[int | None] = mapped_column(Integer)
    away_spread_odds: Mapped[int | None] = mapped_column(Integer)
    total: Mapped[float | None] = mapped_column(Float)
    over_odds: Mapped[int | None] = mapped_column(Integer)
    under_odds: Mapped[int | None] = mapped_column(Integer)
    observed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Market(Base):
    """A fantasy matchup's market (matchup_id) or an NFL game's (game_id): exactly one is set,
    except for the week's high score, which is about every team and belongs to the week."""

    __tablename__ = "markets"
    __table_args__ = (
        # A parent's markets are unique per (kind, subject). Partial: a key over a parent
        # indexes only the markets that have it (NULLs never conflict), so a league's new
        # markets are appended to it rather than scattered through one block of NULLs
        # (migration 0015_parent_keys_partial).
        *(
            Index(
                f"uq_markets_{parent}_kind_subject",
                parent,
                "kind",
                "subject",
                unique=True,
                sqlite_where=text(f"{parent} IS NOT NULL"),
                postgresql_where=text(f"{parent} IS NOT NULL"),
            )
            for parent in ("matchup_id", "game_id")
        ),
        # Each league's next lock among its open markets, for the scheduler's one read of
        # what may be due (commands/services/due_jobs.py); open markets are few.
        Index(
            "ix_markets_open_lock",
            "league_id",
            "lock_at",
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        Index("ix_markets_league_number", "league_id", "number", unique=True),
        # The week's high score belongs to the week alone (migration 0013_multiway).
        CheckConstraint(
            "((matchup_id IS NULL) != (game_id IS NULL))"
            " OR (matchup_id IS NULL AND game_id IS NULL AND kind = 'high_score')",
            name="one_parent",
        ),
        Index(
            "ix_markets_week_level",
            "week_id",
            "kind",
            "subject",
            unique=True,
            sqlite_where=text("matchup_id IS NULL AND game_id IS NULL"),
            postgresql_where=text("matchup_id IS NULL AND game_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    league_id: Mapped[int] = mapped_column(ForeignKey("leagues.id"), index=True)
    # The market's number in its league (#1, #2, ...), for as long as the league exists.
    number: Mapped[int] = mapped_column(BigInteger)
    week_id: Mapped[int] = mapped_column(ForeignKey("weeks.id"), index=True)
    matchup_id: Mapped[int | None] = mapped_column(ForeignKey("matchups.id"))
    game_id: Mapped[int | None] = mapped_column(ForeignKey("nfl_games.id"))
    kind: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(32), default="")  # "" | home | away | player id
    label: Mapped[str] = mapped_column(String(160))
    line: Mapped[float | None] = mapped_column(Float)
    status: Mapped[MarketStatus] = mapped_column(StatusColumn(MarketStatus), default=MarketStatus.OPEN)
    lock_at: Mapped[datetime] = mapped_column(UTCDateTime())
    void_reason: Mapped[str | None] = mapped_column(Text)


class Selection(Base):
    """One side of a market with its current price and the house's exposure on it."""

    __tablename__ = "selections"
    __table_args__ = (
        UniqueConstraint("market_id", "side"),
        CheckConstraint("liability >= 0", name="liability_not_negative"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    market_id: Mapped[int] = mapped_column(ForeignKey("markets.id"))
    side: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(160))
    fair_p: Mapped[float] = mapped_column(Float)
    odds: Mapped[int | None] = mapped_column(Integer)  # American; None = not offered
    liability: Mapped[int] = mapped_column(BigInteger, default=0)


class PriceHistory(Base):
    """Every price a selection has had, for line movement and closing-line value."""

    __tablename__ = "price_history"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    selection_id: Mapped[int] = mapped_column(ForeignKey("selections.id"), index=True)
    line: Mapped[float | None] = mapped_column(Float)
    fair_p: Mapped[float] = mapped_column(Float)
    odds: Mapped[int | None] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Quote(Base):
    """A bet slip: the exact price offered, honoured until it expires."""

    __tablename__ = "quotes"
    __table_args__ = (
        UniqueConstraint("league_id", "idempotency_key"),
        Index("ix_quotes_league_number", "league_id", "number", unique=True),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    league_id: Mapped[int] = mapped_column(ForeignKey("leagues.id"))
    # The slip's number in its league; the bet placed from it takes the same number.
    number: Mapped[int] = mapped_column(BigInteger)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    selection_id: Mapped[int] = mapped_column(ForeignKey("selections.id"))
    stake: Mapped[int] = mapped_column(BigInteger)
    odds: Mapped[int] = mapped_column(Integer)
    line: Mapped[float | None] = mapped_column(Float)
    fair_p: Mapped[float] = mapped_column(Float)
    # What the house loses if the bet wins (engine.liability), worked out once when the slip
    # is quoted: placing the bet adds exactly this to the side's liability.
    liability: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    idempotency_key: Mapped[str] = mapped_column(String(100))
    status: Mapped[QuoteStatus] = mapped_column(StatusColumn(QuoteStatus), default=QuoteStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Bet(Base):
    __tablename__ = "bets"
    __table_args__ = (
        UniqueConstraint("league_id", "idempotency_key"),
        Index("ix_bets_league_number", "league_id", "number", unique=True),
        CheckConstraint("stake > 0", name="stake_positive"),
        CheckConstraint("shortfall >= 0", name="shortfall_not_negative"),
        Index("ix_bets_member_status", "member_id", "status"),
        Index("ix_bets_market_status", "market_id", "status"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    league_id: Mapped[int] = mapped_column(ForeignKey("leagues.id"))
    # The number of the slip it was placed from (one counter numbers both, per league).
    number: Mapped[int] = mapped_column(BigInteger)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    week_id: Mapped[int] = mapped_column(ForeignKey("weeks.id"), index=True)
    market_id: Mapped[int] = mapped_column(ForeignKey("markets.id"))
    selection_id: Mapped[int] = mapped_column(ForeignKey("selections.id"))
    stake: Mapped[int] = mapped_column(BigInteger)
    odds: Mapped[int] = mapped_column(Integer)
    line: Mapped[float | None] = mapped_column(Float)
    fair_p: Mapped[float] = mapped_column(Float)
    status: Mapped[BetStatus] = mapped_column(StatusColumn(BetStatus), default=BetStatus.OPEN)
    payout: Mapped[int | None] = mapped_column(BigInteger)
    # The slip's liability, kept so that cancelling or voiding the bet takes off the side's
    # liability exactly what placing it added.
    liability: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # What the member holds beyond what the bet's state owes them, because a clawback (a stat
    # correction, a void of a settled bet) found the balance short. Per bet, the ledger
    # entries carrying its id sum to (payout or 0) - stake + shortfall, exactly.
    shortfall: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    idempotency_key: Mapped[str] = mapped_column(String(100))
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    void_reason: Mapped[str | None] = mapped_column(Text)
    lineup_snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class LedgerEntry(Base):
    """Append-only. A member's balance is the sum of these; nothing else moves credits."""

    __tablename__ = "ledger"
    __table_args__ = (UniqueConstraint("member_id", "dedupe_key"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    league_id: Mapped[int] = mapped_column(ForeignKey("leagues.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    amount: Mapped[int] = mapped_column(BigInteger)
    bet_id: Mapped[int | None] = mapped_column(BigInteger)
    week_id: Mapped[int | None] = mapped_column(BigInteger)
    memo: Mapped[str | None] = mapped_column(Text)
    dedupe_key: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AuditLog(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    league_id: Mapped[int] = mapped_column(ForeignKey("leagues.id"), index=True)
    actor_user_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class OutboxMessage(Base):
    """A channel post waiting to be delivered; the dedupe key makes each post happen once."""

    __tablename__ = "outbox"
    __table_args__ = (UniqueConstraint("league_id", "dedupe_key"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    league_id: Mapped[int] = mapped_column(ForeignKey("leagues.id"))
    kind: Mapped[str] = mapped_column(String(32))
    dedupe_key: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[OutboxStatus] = mapped_column(StatusColumn(OutboxStatus), default=OutboxStatus.PENDING)
    # The platform's id of the posted message, so a board can be edited in place later.
    message_ref: Mapped[str | None] = mapped_column(String(120))
    revision: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A delivering process's lease on this row, so replicas never send the same post at once.
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class JobLease(Base):
    """A named unit of scheduled work held by one process until `expires_at`.

    Several bot processes share one database; a job runs where its lease was won, and a
    lease that outlives a crashed holder simply expires.
    """

    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    owner: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AppState(Base):
    """Small process-independent facts, such as where the demo clock stands."""

    __tablename__ = "app_state"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


# The parlay tables share this metadata (imported last: they subclass Base).
from storage import parlay_models as parlay_models  # noqa: E402
