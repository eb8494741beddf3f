"""The bet writer: its liability arithmetic matches the engine's, and a batch isolates refusals."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

import engine
from storage.placement import liability

american = st.one_of(st.integers(100, 100_000), st.integers(-100_000, -100))


@given(stake=st.integers(1, 10**9), odds=american)
def test_storage_liability_matches_the_engine(stake, odds):
    assert liability(stake, odds) == engine.liability(stake, odds)
