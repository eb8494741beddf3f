"""The startup heap is frozen once the bot is built, out of the cyclic collector's way."""

from __future__ import annotations

import gc

from bot.heap import SERVING_THRESHOLD, freeze_startup_heap


def test_freezing_moves_what_is_alive_out_of_every_generation_and_collection_goes_on() -> None:
    before = len(gc.get_objects())
    threshold = gc.get_threshold()
    try:
        frozen = freeze_startup_heap()
        # Young collections wait for SERVING_THRESHOLD objects; the older ratios are kept.
        assert gc.get_threshold() == (SERVING_THRESHOLD, *threshold[1:])
        assert frozen >= before // 2  # the import-time heap is most of what is alive
        assert len(gc.get_objects()) < before - frozen // 2  # no longer walked by collections

        class Cycle:
            def __init__(self) -> None:
                self.me = self

        Cycle()  # garbage made after the freeze is collected as usual
        assert gc.collect() >= 1
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
