"""Loading and locating grow with the input, not faster: twice the input, about twice the time.

The two sizes are timed in turns, seven times each, with the garbage collector paused, and
the best time of each counts: a machine that slows down for a while then slows both sizes
alike, and neither another process nor a collection pause decides the outcome. A path that
reads the file again for every problem (as locating once did) takes four times as long at
twice the size.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

import pytest

import mandaat
from mandaat.school._source import Source
from tests.unit.test_limits import many_informed, many_people

#: The most time twice the input may take, as a multiple of the time of the input.
MOST = 2.5


def best_times(once: Callable[[], object], twice: Callable[[], object]) -> tuple[float, float]:
    """The best of seven timings of ``once`` and of ``twice``, taken in turns, the garbage
    collector paused: in a long test run its passes over everything earlier tests left
    grow with the heap, not the input."""
    best = [float("inf"), float("inf")]
    for _ in range(7):
        for i, work in enumerate((once, twice)):
            gc.collect()
            gc.disable()
            try:
                start = time.perf_counter()
                work()
                best[i] = min(best[i], time.perf_counter() - start)
            finally:
                gc.enable()
    return best[0], best[1]


def load_with_errors(text: str) -> Callable[[], object]:
    def work() -> object:
        with pytest.raises(mandaat.SchoolFileError) as info:
            mandaat.load_school(text)
        assert all(p.line for p in info.value.problems if p.type != "too_many_problems")
        return info.value

    return work


@pytest.mark.parametrize("make, size", [(many_people, 1000), (many_informed, 2500)],
                         ids=["people with an unknown role", "unknown informed ids"])
def test_loading_with_errors_at_twice_the_size_takes_at_most_two_and_a_half_times(make, size):
    once, twice = best_times(load_with_errors(make(size)), load_with_errors(make(2 * size)))
    assert twice <= MOST * once, (once, twice)


def test_locating_every_item_at_twice_the_size_takes_at_most_two_and_a_half_times():
    def locate_all(n: int) -> Callable[[], object]:
        text = many_people(n)

        def work() -> object:
            src = Source("s.yaml", text)  # a new source: its lines are read again
            return [src.line_of(("people", i, "roles", 0)) for i in range(n)]

        return work

    assert locate_all(3)() == [4, 5, 6]
    once, twice = best_times(locate_all(2000), locate_all(4000))
    assert twice <= MOST * once, (once, twice)
