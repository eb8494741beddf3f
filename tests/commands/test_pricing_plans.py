"""Market plans pinned to the value: speeding pricing up must not move a price, line or label.

The matchup is small but meets most of what plan_markets decides: a QB stacked with his
receiver, an opposing defence in the same game, a player OUT, one on bye, one
questionable (still priced), a position the CV table does not know, a starter without
a kickoff (no prop), and props locking at their own kickoff or at the matchup's lock.
The expected plans were produced by the code before its speed-up (commit de448a1), and
`python -m bench.pricing_plans` fingerprints every plan of the bench's week the same way.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, inspect
from sqlalchemy.orm import Session

from commands.league_settings import LeagueSettings
from commands.services.pricing import (
    PRICED_COLUMNS,
    MarketPlan,
    PricedRow,
    SelectionPlan,
    matchup_model,
    plan_markets,
    priced_columns,
)
from storage.models import Base, Starter, Team

LOCK = datetime(2026, 10, 11, 17, 0, tzinfo=UTC)
LATE = LOCK + timedelta(hours=3, minutes=25)


def row(
    player_id: int,
    name: str,
    position: str,
    pro_team: str,
    projection: float,
    game_id: str | None,
    kickoff: datetime | None = LOCK,
    status: str | None = None,
) -> Starter:
    return Starter(
        player_id=str(player_id),
        name=name,
        position=position,
        slot=position,
        pro_team=pro_team,
        projection=projection,
        game_id=game_id,
        kickoff=kickoff,
        injury_status=status,
    )


def teams() -> tuple[Team, Team]:
    return Team(id=1, name="Gridiron Gang", abbrev="GG"), Team(id=2, name="Waiver Wire", abbrev="WW")


def starter_rows() -> tuple[list[Starter], list[Starter]]:
    home = [
        row(11, "Joe Burrow", "QB", "CIN", 21.4, "g1"),
        row(12, "Ja'Marr Chase", "WR", "CIN", 16.8, "g1"),
        row(13, "Bijan Robinson", "RB", "ATL", 15.1, "g2", LATE),
        row(14, "Travis Kelce", "TE", "KC", 9.6, "g3", status="OUT"),
        row(15, "Justin Tucker", "K", "BAL", 7.9, None),
    ]
    away = [
        row(21, "Lamar Jackson", "QB", "BAL", 23.2, "g4"),
        row(22, "Steelers D/ST", "D/ST", "PIT", 6.1, "g1"),
        row(23, "Puka Nacua", "WR", "LAR", 12.7, "g5", LATE, status="QUESTIONABLE"),
        row(24, "Some Rookie", "FLEX", "NYJ", 4.6, "g6", None),
    ]
    return home, away


def lineups() -> tuple[list[PricedRow], list[PricedRow]]:
    """The lineups as pricing takes them: each starter's PRICED_COLUMNS values."""
    home, away = starter_rows()
    return [priced_columns(r) for r in home], [priced_columns(r) for r in away]


DEFAULT_PLANS = [
    MarketPlan(
        kind="moneyline",
        subject="",
        label="GG vs WW moneyline",
        line=None,
        lock_at=LOCK,
        selections=(
            SelectionPlan(side="home", label="Gridiron Gang", fair_p=0.6107681073627949, odds=-175),
            SelectionPlan(side="away", label="Waiver Wire", fair_p=0.3892318926372051, odds=140),
        ),
    ),
    MarketPlan(
        kind="spread",
        subject="",
        label="GG vs WW spread",
        line=6.5,
        lock_at=LOCK,
        selections=(
            SelectionPlan(side="home", label="GG -6.5", fair_p=0.5033501415042302, odds=-115),
            SelectionPlan(side="away", label="WW +6.5", fair_p=0.4966498584957698, odds=-110),
        ),
    ),
    MarketPlan(
        kind="total",
        subject="",
        label="GG vs WW total points",
        line=100.0,
        lock_at=LOCK,
        selections=(
            SelectionPlan(side="over", label="Over 100", fair_p=0.498240362795623, odds=-110),
            SelectionPlan(side="under", label="Under 100", fair_p=0.501759637204377, odds=-115),
        ),
    ),
    MarketPlan(
        kind="team_total",
        subject="home",
        label="Gridiron Gang team total",
        line=53.5,
        lock_at=LOCK,
        selections=(
            SelectionPlan(side="over", label="GG over 53.5", fair_p=0.49580890628334146, odds=-110),
            SelectionPlan(side="under", label="GG under 53.5", fair_p=0.5041910937166586, odds=-115),
        ),
    ),
    MarketPlan(
        kind="team_total",
        subject="away",
        label="Waiver Wire team total",
        line=46.5,
        lock_at=LOCK,
        selections=(
            SelectionPlan(side="over", label="WW over 46.5", fair_p=0.5029885610314813, odds=-115),
            SelectionPlan(side="under", label="WW under 46.5", fair_p=0.49701143896851874, odds=-110),
        ),
    ),
    MarketPlan(
        kind="prop",
        subject="11",
        label="Joe Burrow (QB, CIN) fantasy points",
        line=20.0,
        lock_at=LOCK,
        selections=(
            SelectionPlan(side="over", label="Joe Burrow over 20", fair_p=0.5100768383011892, odds=-115),
            SelectionPlan(side="under", label="Joe Burrow under 20", fair_p=0.4899231616988108, odds=-110),
        ),
    ),
    MarketPlan(
        kind="prop",
        subject="12",
        label="Ja'Marr Chase (WR, CIN) fantasy points",
        line=15.0,
        lock_at=LOCK,
        selections=(
            SelectionPlan(side="over", label="Ja'Marr Chase over 15", fair_p=0.4903215794579251, odds=-110),
            SelectionPlan(side="under", label="Ja'Marr Chase under 15", fair_p=0.5096784205420749, odds=-115),
        ),
    ),
    MarketPlan(
        kind="prop",
        subject="13",
        label="Bijan Robinson (RB, ATL) fantasy points",
        line=13.0,
        lock_at=LATE,
        selections=(
            SelectionPlan(side="over", label="Bijan Robinson over 13", fair_p=0.5071349895586607, odds=-115),
            SelectionPlan(
                side="under", label="Bijan Robinson under 13", fair_p=0.49286501044133935, odds=-110
            ),
        ),
    ),
    MarketPlan(
        kind="prop",
        subject="21",
        label="Lamar Jackson (QB, BAL) fantasy points",
        line=22.0,
        lock_at=LOCK,
        selections=(
            SelectionPlan(side="over", label="Lamar Jackson over 22", fair_p=0.49626541979768046, odds=-110),
            SelectionPlan(side="under", label="Lamar Jackson under 22", fair_p=0.5037345802023195, odds=-115),
        ),
    ),
    MarketPlan(
        kind="prop",
        subject="22",
        label="Steelers D/ST (D/ST, PIT) fantasy points",
        line=5.0,
        lock_at=LOCK,
        selections=(
            SelectionPlan(side="over", label="Steelers D/ST over 5", fair_p=0.5114762278286307, odds=-120),
            SelectionPlan(side="under", label="Steelers D/ST under 5", fair_p=0.4885237721713694, odds=-110),
        ),
    ),
    MarketPlan(
        kind="prop",
        subject="23",
        label="Puka Nacua (WR, LAR) fantasy points",
        line=11.0,
        lock_at=LATE,
        selections=(
            SelectionPlan(side="over", label="Puka Nacua over 11", fair_p=0.5091778848210737, odds=-115),
            SelectionPlan(side="under", label="Puka Nacua under 11", fair_p=0.4908221151789262, odds=-110),
        ),
    ),
]

WEEK_LOCK_PLANS = [
    MarketPlan(
        kind="moneyline",
        subject="",
        label="GG vs WW moneyline",
        line=None,
        lock_at=LOCK,
        selections=(
            SelectionPlan(side="home", label="Gridiron Gang", fair_p=0.5856624806148891, odds=-150),
            SelectionPlan(side="away", label="Waiver Wire", fair_p=0.4143375193851108, odds=130),
        ),
    ),
    MarketPlan(
        kind="spread",
        subject="",
        label="GG vs WW spread",
        line=6.5,
        lock_at=LOCK,
        selections=(
            SelectionPlan(side="home", label="GG -6.5", fair_p=0.5025770442927827, odds=-110),
            SelectionPlan(side="away", label="WW +6.5", fair_p=0.49742295570721734, odds=-105),
        ),
    ),
    MarketPlan(
        kind="total",
        subject="",
        label="GG vs WW total points",
        line=100.0,
        lock_at=LOCK,
        selections=(
            SelectionPlan(side="over", label="Over 100", fair_p=0.49864643112778734, odds=-105),
            SelectionPlan(side="under", label="Under 100", fair_p=0.5013535688722126, odds=-110),
        ),
    ),
    MarketPlan(
        kind="team_total",
        subject="home",
        label="Gridiron Gang team total",
        line=53.5,
        lock_at=LOCK,
        selections=(
            SelectionPlan(side="over", label="GG over 53.5", fair_p=0.4967760575437684, odds=-105),
            SelectionPlan(side="under", label="GG under 53.5", fair_p=0.5032239424562316, odds=-110),
        ),
    ),
    MarketPlan(
        kind="team_total",
        subject="away",
        label="Waiver Wire team total",
        line=46.5,
        lock_at=LOCK,
        selections=(
            SelectionPlan(side="over", label="WW over 46.5", fair_p=0.5022989018800456, odds=-110),
            SelectionPlan(side="under", label="WW under 46.5", fair_p=0.49770109811995444, odds=-105),
        ),
    ),
    MarketPlan(
        kind="prop",
        subject="11",
        label="Joe Burrow (QB, CIN) fantasy points",
        line=20.0,
        lock_at=LOCK,
        selections=(
            SelectionPlan(side="over", label="Joe Burrow over 20", fair_p=0.5100768383011892, odds=-110),
            SelectionPlan(side="under", label="Joe Burrow under 20", fair_p=0.4899231616988108, odds=-105),
        ),
    ),
    MarketPlan(
        kind="prop",
        subject="12",
        label="Ja'Marr Chase (WR, CIN) fantasy points",
        line=15.0,
        lock_at=LOCK,
        selections=(
            SelectionPlan(side="over", label="Ja'Marr Chase over 15", fair_p=0.4903215794579251, odds=-105),
            SelectionPlan(side="under", label="Ja'Marr Chase under 15", fair_p=0.5096784205420749, odds=-110),
        ),
    ),
    MarketPlan(
        kind="prop",
        subject="13",
        label="Bijan Robinson (RB, ATL) fantasy points",
        line=13.0,
        lock_at=LOCK,
        selections=(
            SelectionPlan(side="over", label="Bijan Robinson over 13", fair_p=0.5071349895586607, odds=-110),
            SelectionPlan(
                side="under", label="Bijan Robinson under 13", fair_p=0.49286501044133935, odds=-105
            ),
        ),
    ),
    MarketPlan(
        kind="prop",
        subject="21",
        label="Lamar Jackson (QB, BAL) fantasy points",
        line=22.0,
        lock_at=LOCK,
        selections=(
            SelectionPlan(side="over", label="Lamar Jackson over 22", fair_p=0.49626541979768046, odds=-105),
            SelectionPlan(side="under", label="Lamar Jackson under 22", fair_p=0.5037345802023195, odds=-110),
        ),
    ),
    MarketPlan(
        kind="prop",
        subject="22",
        label="Steelers D/ST (D/ST, PIT) fantasy points",
        line=5.0,
        lock_at=LOCK,
        selections=(
            SelectionPlan(side="over", label="Steelers D/ST over 5", fair_p=0.5114762278286307, odds=-115),
            SelectionPlan(side="under", label="Steelers D/ST under 5", fair_p=0.4885237721713694, odds=-105),
        ),
    ),
    MarketPlan(
        kind="prop",
        subject="23",
        label="Puka Nacua (WR, LAR) fantasy points",
        line=11.0,
        lock_at=LOCK,
        selections=(
            SelectionPlan(side="over", label="Puka Nacua over 11", fair_p=0.5091778848210737, odds=-110),
            SelectionPlan(side="under", label="Puka Nacua under 11", fair_p=0.4908221151789262, odds=-105),
        ),
    ),
]


def test_plans_with_default_settings_are_pinned() -> None:
    home, away = teams()
    home_rows, away_rows = lineups()
    assert plan_markets(home, away, home_rows, away_rows, LeagueSettings(), LOCK) == DEFAULT_PLANS


def test_plans_with_another_margin_week_lock_and_calibration_are_pinned() -> None:
    home, away = teams()
    home_rows, away_rows = lineups()
    settings = LeagueSettings(margin_pct=2.5, lock_mode="week")
    plans = plan_markets(home, away, home_rows, away_rows, settings, LOCK, calibration=1.3)
    assert plans == WEEK_LOCK_PLANS


def test_a_model_passed_in_gives_the_same_plans_as_one_built_inside() -> None:
    home, away = teams()
    home_rows, away_rows = lineups()
    settings = LeagueSettings(margin_pct=2.5, lock_mode="week")
    model = matchup_model(home_rows, away_rows, 1.3)
    plans = plan_markets(home, away, home_rows, away_rows, settings, LOCK, calibration=1.3, model=model)
    assert plans == WEEK_LOCK_PLANS


def test_without_props_only_the_matchup_markets_are_planned() -> None:
    home, away = teams()
    home_rows, away_rows = lineups()
    plans = plan_markets(home, away, home_rows, away_rows, LeagueSettings(props=False), LOCK)
    assert plans == DEFAULT_PLANS[:5]


def test_columns_not_loaded_are_read_through_the_orm() -> None:
    """priced_columns takes loaded values from the instance dict; anything else must still load."""
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine, tables=[Starter.__table__])
    home, away = teams()
    home_rows, away_rows = starter_rows()
    for n, row in enumerate((*home_rows, *away_rows)):
        row.matchup_id, row.team_id = 1, 1 if n < len(home_rows) else 2
    with Session(engine) as session:
        session.add_all([*home_rows, *away_rows])
        session.commit()  # expires every attribute: the instance dicts no longer hold them
        assert "name" not in inspect(home_rows[0]).dict
        assert [priced_columns(row) for row in home_rows] == [
            tuple(getattr(row, column) for column in PRICED_COLUMNS) for row in home_rows
        ]
        session.expire_all()
        home_priced = [priced_columns(row) for row in home_rows]
        away_priced = [priced_columns(row) for row in away_rows]
        plans = plan_markets(home, away, home_priced, away_priced, LeagueSettings(), LOCK)
    assert plans == DEFAULT_PLANS


def test_a_transient_row_without_some_columns_reads_them_as_none() -> None:
    row = Starter(player_id="7", name="Backup", position="RB", slot="RB", pro_team="NYG", projection=5.0)
    assert "kickoff" not in inspect(row).dict
    assert priced_columns(row) == ("7", "Backup", "RB", "NYG", None, 5.0, None, None)


def test_lineups_that_cannot_score_get_no_matchup_markets() -> None:
    """Two empty or all-OUT lineups: 0-0 is certain, so nothing is offered (it used to price
    the home moneyline at fair 0.0 and the away at 1.0, though 0-0 refunds a moneyline)."""
    home, away = teams()
    out = [priced_columns(row(31, "Hurt Guy", "RB", "NYG", 14.0, "g7", status="OUT"))]
    bye = [priced_columns(row(41, "Bye Guy", "WR", "MIA", 9.0, None))]
    for home_rows, away_rows in (([], []), (out, []), (out, bye)):
        assert plan_markets(home, away, home_rows, away_rows, LeagueSettings(), LOCK) == []
    # one side that cannot score: the other's markets stand, its own team total goes
    plans = plan_markets(home, away, out, lineups()[1], LeagueSettings(props=False), LOCK)
    assert [(p.kind, p.subject) for p in plans] == [
        ("moneyline", ""),
        ("spread", ""),
        ("total", ""),
        ("team_total", "away"),
    ]
