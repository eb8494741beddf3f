"""Sidebet's pure domain: pricing, grading, payouts and limits.

Plain functions and frozen dataclasses, no I/O: the command layer and the scheduler
call in with numbers and get numbers back, so every rule of the book can be tested
(and reasoned about) without a database or a chat platform. Money is always an int.
"""

from engine.alternates import alternate_lines
from engine.arbitrage import find_arbitrage
from engine.game_lines import ProviderLines, price_game
from engine.grading import MatchupResult, Outcome, PlayerResult, grade, payout, potential_payout
from engine.limits import LimitError, StakeLimits, check_stake, liability
from engine.live import LiveStarter, live_matchup_model, win_probability
from engine.margin import (
    DEFAULT_MARGIN,
    MAX_MARGIN,
    MIN_MARGIN,
    PROBABILITY_CAP,
    PROBABILITY_FLOOR,
    quote_two_way,
)
from engine.markets import (
    ALTERNATE_OF,
    AWAY,
    HOME,
    OVER,
    UNDER,
    MarketKind,
    PricedMarket,
    PricedSelection,
    PropQuote,
    gamma_median,
    price_matchup,
    price_prop,
    prop_quotes,
    round_half,
)
from engine.model import (
    DEFAULT_CORRELATIONS,
    MIN_PLAYER_SD,
    POSITION_CV,
    CorrelationTable,
    MatchupModel,
    Normal,
    Starter,
    build_matchup_model,
)
from engine.multiway import (
    MultiwayGrade,
    MultiwayPrice,
    dead_heat_payout,
    grade_multiway,
    price_fields,
    quote_multi_way,
)
from engine.odds import (
    american_to_decimal,
    format_american,
    implied_probability,
    probability_to_american,
)
from engine.regions import HalfPlane, winning_region

__all__ = [
    "ALTERNATE_OF",
    "AWAY",
    "DEFAULT_CORRELATIONS",
    "DEFAULT_MARGIN",
    "HOME",
    "MAX_MARGIN",
    "MIN_MARGIN",
    "MIN_PLAYER_SD",
    "OVER",
    "POSITION_CV",
    "PROBABILITY_CAP",
    "PROBABILITY_FLOOR",
    "UNDER",
    "CorrelationTable",
    "HalfPlane",
    "LimitError",
    "LiveStarter",
    "MarketKind",
    "MatchupModel",
    "MatchupResult",
    "MultiwayGrade",
    "MultiwayPrice",
    "Normal",
    "Outcome",
    "PlayerResult",
    "PricedMarket",
    "PricedSelection",
    "PropQuote",
    "ProviderLines",
    "StakeLimits",
    "Starter",
    "alternate_lines",
    "american_to_decimal",
    "build_matchup_model",
    "check_stake",
    "dead_heat_payout",
    "find_arbitrage",
    "format_american",
    "gamma_median",
    "grade",
    "grade_multiway",
    "implied_probability",
    "liability",
    "live_matchup_model",
    "payout",
    "potential_payout",
    "price_fields",
    "price_game",
    "price_matchup",
    "price_prop",
    "probability_to_american",
    "prop_quotes",
    "quote_multi_way",
    "quote_two_way",
    "round_half",
    "win_probability",
    "winning_region",
]
