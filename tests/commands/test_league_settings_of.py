"""LeagueSettings.of: a league's stored settings, validated once per distinct value, each
caller its own copy."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from commands.league_settings import LeagueSettings


def test_the_defaults_come_from_none_or_an_empty_row() -> None:
    assert LeagueSettings.of(None) == LeagueSettings() == LeagueSettings.of({})


def test_stored_values_are_validated_as_model_validate_does() -> None:
    stored = {"margin_pct": 2.5, "lines_open": "tue 09:00", "props": False, "unknown": "ignored"}
    assert LeagueSettings.of(stored) == LeagueSettings.model_validate(stored)


def test_each_caller_gets_its_own_copy() -> None:
    stored = {"allowance": 500}
    first = LeagueSettings.of(stored)
    first.allowance = 900  # a caller changing its own copy (validate_assignment still checks)
    assert LeagueSettings.of(stored).allowance == 500
    assert LeagueSettings.of(stored) is not LeagueSettings.of(stored)


def test_values_equal_in_python_but_of_other_types_are_told_apart() -> None:
    # 1 == 1.0 == True: a key without the types would hand out one's settings for another's.
    assert LeagueSettings.of({"margin_pct": 1}).margin_pct == 1.0
    assert LeagueSettings.of({"props": True}).props is True
    assert LeagueSettings.of({"allowance": 100}).allowance == 100
    assert LeagueSettings.of({"allowance": 100.0}).allowance == 100


def test_a_refused_value_is_refused_every_time() -> None:
    for _ in range(2):
        with pytest.raises(ValidationError):
            LeagueSettings.of({"allowance": -5})


def test_a_value_that_cannot_be_a_key_is_still_validated() -> None:
    assert LeagueSettings.of({"allowance": 300, "extra": ["a", "b"]}).allowance == 300
