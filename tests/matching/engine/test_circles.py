"""Circle placement against brute force: the most mentees placed, then the best ranks."""

from __future__ import annotations

import itertools
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentorbridge.matching.engine.circles import place_in_circles


def _brute(prefs: list[list[int]], seats: list[int]) -> tuple[int, list[int]]:
    """The best (placed, by-rank counts) over every feasible placement."""
    depth = max((len(p) for p in prefs), default=0)
    best: tuple[int, list[int]] = (0, [0] * depth)
    for choice in itertools.product(*[[-1, *range(len(p))] for p in prefs]):
        used = [0] * len(seats)
        by_rank = [0] * depth
        ok = True
        for i, r in enumerate(choice):
            if r < 0:
                continue
            j = prefs[i][r]
            used[j] += 1
            by_rank[r] += 1
            ok = ok and used[j] <= seats[j]
        placed = sum(by_rank)
        if ok and (placed, by_rank) > best:
            best = (placed, by_rank)
    return best


@st.composite
def instances(draw: st.DrawFn) -> tuple[list[list[int]], list[int]]:
    m = draw(st.integers(1, 4))
    seats = [draw(st.integers(0, 3)) for _ in range(m)]
    n = draw(st.integers(0, 6))
    prefs = [
        draw(st.lists(st.integers(0, m - 1), unique=True, max_size=min(3, m))) for _ in range(n)
    ]
    return prefs, seats


@settings(max_examples=200, deadline=None)
@given(instances())
def test_most_placed_then_best_ranks_as_brute_force(
    instance: tuple[list[list[int]], list[int]],
) -> None:
    prefs, seats = instance
    placement = place_in_circles(prefs, seats)
    # Feasible: ranked circles only, no circle over its seats.
    for i, j in enumerate(placement.circle):
        assert j == -1 or j in prefs[i]
    for j, s in enumerate(seats):
        assert placement.circle.count(j) <= s
    assert (placement.placed, placement.by_rank) == _brute(prefs, seats)


def test_one_first_choice_outweighs_many_second_choices() -> None:
    # Circle 0 has one seat. Mentee 0 ranks it first; mentees 1 and 2 rank it second and circle 1
    # (one seat) first: everyone gets a first choice except whoever cannot.
    placement = place_in_circles([[0], [1, 0], [1, 0]], [1, 1])
    assert placement.circle[0] == 0
    assert sorted(placement.circle[1:]) == [-1, 1]
    assert placement.by_rank == [2, 0]


def test_coverage_comes_before_ranks() -> None:
    # Putting mentee 0 in its first choice would leave mentee 1 out: both are placed instead.
    placement = place_in_circles([[0, 1], [0]], [1, 1])
    assert placement.circle == [1, 0]


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="does not exist"):
        place_in_circles([[2]], [1, 1])
    with pytest.raises(ValueError, match="twice"):
        place_in_circles([[0, 0]], [1])
    with pytest.raises(ValueError, match="non-negative"):
        place_in_circles([[0]], [-1])


def test_empty() -> None:
    assert place_in_circles([], []).circle == []
    assert place_in_circles([[0]], [0]).circle == [-1]


def test_five_hundred_applicants_place_quickly() -> None:
    # Not a speed target (those live in bench/): a guard that the pure-Python flow stays usable.
    prefs = [[(i * 7 + k * 13) % 60 for k in range(3)] for i in range(500)]
    started = time.perf_counter()
    placement = place_in_circles(prefs, [8] * 60)
    assert placement.placed == 480
    assert time.perf_counter() - started < 30
