"""stable_match against the definition (no blocking pair) and against the `matching` package."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentorbridge.matching.engine import blocking_pairs, prefs_from_scores, stable_match
from mentorbridge.matching.engine.stable import acceptable_pairs, deferred_acceptance


@st.composite
def instances(draw: st.DrawFn) -> tuple[list[list[int]], list[list[int]], list[int]]:
    n = draw(st.integers(0, 12))
    m = draw(st.integers(0, 6))
    mentee_prefs = [
        draw(st.permutations(range(m)).map(lambda p: p[: draw(st.integers(0, m))]))
        for _ in range(n)
    ]
    mentor_prefs = [
        draw(st.permutations(range(n)).map(lambda p: p[: draw(st.integers(0, n))]))
        for _ in range(m)
    ]
    capacities = [draw(st.integers(0, 4)) for _ in range(m)]
    return [list(p) for p in mentee_prefs], [list(p) for p in mentor_prefs], capacities


def peer(
    mentee_prefs: list[list[int]], mentor_prefs: list[list[int]], capacities: list[int]
) -> list[int]:
    """The PyPI package `matching` (HospitalResident, resident-optimal) on the mutual lists."""
    from matching.games import HospitalResident

    residents = {
        i: [j for j in prefs if i in mentor_prefs[j]] for i, prefs in enumerate(mentee_prefs)
    }
    hospitals = {
        j: [i for i in prefs if j in mentee_prefs[i]] for j, prefs in enumerate(mentor_prefs)
    }
    residents = {i: p for i, p in residents.items() if p}
    hospitals = {j: p for j, p in hospitals.items() if p and capacities[j] > 0}
    residents = {i: [j for j in p if j in hospitals] for i, p in residents.items()}
    residents = {i: p for i, p in residents.items() if p}
    hospitals = {j: [i for i in p if i in residents] for j, p in hospitals.items()}
    hospitals = {j: p for j, p in hospitals.items() if p}
    residents = {i: [j for j in p if j in hospitals] for i, p in residents.items()}
    residents = {i: p for i, p in residents.items() if p}
    assignment = [-1] * len(mentee_prefs)
    if not residents:
        return assignment
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        game = HospitalResident.create_from_dictionaries(
            residents, hospitals, {j: capacities[j] for j in hospitals}
        )
        for hospital, matched in game.solve(optimal="resident").items():
            for resident in matched:
                assignment[resident.name] = hospital.name
    return assignment


@settings(max_examples=150, deadline=None)
@given(instances())
def test_stable_and_equal_to_the_peer(
    instance: tuple[list[list[int]], list[list[int]], list[int]],
) -> None:
    mentee_prefs, mentor_prefs, capacities = instance
    assignment = stable_match(mentee_prefs, mentor_prefs, capacities)
    assert blocking_pairs(assignment, mentee_prefs, mentor_prefs, capacities) == []
    for j, c in enumerate(capacities):
        assert assignment.count(j) <= c
    for i, j in enumerate(assignment):
        if j >= 0:
            assert j in mentee_prefs[i] and i in mentor_prefs[j]
    assert assignment == peer(mentee_prefs, mentor_prefs, capacities)
    assert stable_match(mentee_prefs, mentor_prefs, capacities) == assignment


@settings(max_examples=100, deadline=None)
@given(instances())
def test_rounds_and_the_sequential_finish_agree(
    instance: tuple[list[list[int]], list[list[int]], list[int]],
) -> None:
    mentee_prefs, mentor_prefs, capacities = instance
    pairs = acceptable_pairs(mentee_prefs, mentor_prefs)
    caps = np.asarray(capacities, dtype=np.int64)
    only_rounds = deferred_acceptance(pairs, caps, sequential_below=1)
    only_loop = deferred_acceptance(pairs, caps, sequential_below=10**9)
    assert only_rounds.tolist() == only_loop.tolist()
    assert only_rounds.tolist() == stable_match(mentee_prefs, mentor_prefs, capacities)


@pytest.mark.parametrize("sequential_below", [1, 64, 10**9])
def test_a_larger_random_instance_equals_the_peer(sequential_below: int) -> None:
    rng = np.random.default_rng(11)
    n, m = 300, 40
    mentee_prefs = [rng.permutation(m)[: rng.integers(1, 12)].tolist() for _ in range(n)]
    mentor_prefs = [rng.permutation(n)[: rng.integers(20, 200)].tolist() for _ in range(m)]
    capacities = rng.integers(0, 6, m).tolist()
    pairs = acceptable_pairs(mentee_prefs, mentor_prefs)
    got = deferred_acceptance(
        pairs, np.asarray(capacities), sequential_below=sequential_below
    ).tolist()
    assert got == peer(mentee_prefs, mentor_prefs, capacities)
    assert blocking_pairs(got, mentee_prefs, mentor_prefs, capacities) == []


def test_blocking_pairs_finds_an_unstable_pair() -> None:
    mentee_prefs = [[0, 1], [0]]
    mentor_prefs = [[0, 1], [0]]
    # Mentee 0 and mentor 0 prefer each other to what this assignment gives them.
    assert blocking_pairs([1, 0], mentee_prefs, mentor_prefs, [1, 1]) == [(0, 0)]


def blocking_by_definition(
    assignment: list[int],
    mentee_prefs: list[list[int]],
    mentor_prefs: list[list[int]],
    capacities: list[int],
) -> list[tuple[int, int]]:
    """The definition, pair by pair: slow and obviously right."""

    def acceptable(i: int, j: int) -> bool:
        return j in mentee_prefs[i] and i in mentor_prefs[j]

    found = []
    for i, ranked in enumerate(mentee_prefs):
        match = assignment[i]
        for j in ranked:
            if match >= 0 and acceptable(i, match) and ranked.index(j) >= ranked.index(match):
                break
            if not acceptable(i, j):
                continue
            held = [h for h, mj in enumerate(assignment) if mj == j]
            free_seat = len(held) < capacities[j]
            ranks = [mentor_prefs[j].index(h) for h in held if acceptable(h, j)]
            if free_seat or mentor_prefs[j].index(i) < max(ranks, default=-1):
                found.append((i, j))
    return found


@settings(max_examples=300, deadline=None)
@given(instances(), st.data())
def test_blocking_pairs_follows_the_definition_for_any_assignment(
    instance: tuple[list[list[int]], list[list[int]], list[int]], data: st.DataObject
) -> None:
    """Any assignment, including ones over capacity or with pairs not on both lists."""
    mentee_prefs, mentor_prefs, capacities = instance
    m = len(mentor_prefs)
    assignment = data.draw(
        st.lists(st.integers(-1, m - 1), min_size=len(mentee_prefs), max_size=len(mentee_prefs))
    )
    expected = blocking_by_definition(assignment, mentee_prefs, mentor_prefs, capacities)
    assert blocking_pairs(assignment, mentee_prefs, mentor_prefs, capacities) == expected


@pytest.mark.parametrize("seed", range(4))
def test_blocking_pairs_follows_the_definition_at_a_larger_size(seed: int) -> None:
    """Ragged lists, a random assignment near capacity, and a few mentees ranking everyone."""
    rng = np.random.default_rng(seed)
    n, m = 250, 30
    mentee_prefs = [rng.permutation(m)[: rng.integers(0, 8)].tolist() for _ in range(n)]
    mentee_prefs[:3] = [rng.permutation(m).tolist() for _ in range(3)]
    mentor_prefs = [rng.permutation(n)[: rng.integers(0, 120)].tolist() for _ in range(m)]
    capacities = rng.integers(0, 6, m).tolist()
    assignment = [int(j) if rng.random() < 0.7 else -1 for j in rng.integers(0, m, n)]
    expected = blocking_by_definition(assignment, mentee_prefs, mentor_prefs, capacities)
    assert expected  # the comparison means something only if there is something to find
    assert blocking_pairs(assignment, mentee_prefs, mentor_prefs, capacities) == expected


def test_repeats_are_found_in_lists_of_any_shape() -> None:
    # One long list among empty ones is checked by sorting, not by padding every list to its length.
    long_list = [*range(40), 7]
    with pytest.raises(ValueError, match="mentor 9 ranks 7 twice"):
        blocking_pairs([-1] * 40, [[]] * 40, [[]] * 9 + [long_list], [1] * 10)
    with pytest.raises(ValueError, match="mentee 2 ranks 5 twice"):
        blocking_pairs([-1] * 3, [[0], [1, 2], [5, 3, 4, 5]], [[]] * 6, [1] * 6)


def test_blocking_pairs_with_mentees_several_mentors_would_take() -> None:
    # Mentee 0 is unmatched; mentors 0, 1 and 2 all have free seats and list it.
    mentee_prefs = [[2, 0, 1], [0]]
    mentor_prefs = [[1, 0], [0], [0]]
    assert blocking_pairs([-1, 0], mentee_prefs, mentor_prefs, [2, 1, 1]) == [
        (0, 2),
        (0, 0),
        (0, 1),
    ]
    assert blocking_pairs([1, 0], mentee_prefs, mentor_prefs, [2, 1, 1]) == [(0, 2), (0, 0)]


@pytest.mark.parametrize(
    ("mentee_prefs", "mentor_prefs", "capacities", "expected"),
    [
        ([], [], [], []),  # nobody at all
        ([[0]], [], [], None),  # a mentee ranks a mentor that does not exist
        ([[], []], [[0, 1]], [1], [-1, -1]),  # mentees rank nobody
        ([[0], [0]], [[0, 1]], [0], [-1, -1]),  # all capacities zero
        ([[0]], [[0]], [1], [0]),  # one mentee
        ([[0], [0]], [[1, 0]], [5], [0, 0]),  # more capacity than mentees
        ([[0], [0]], [[1, 0], []], [1, 3], [-1, 0]),  # a mentor no one ranks
    ],
)
def test_edge_cases(mentee_prefs, mentor_prefs, capacities, expected) -> None:
    if expected is None:
        with pytest.raises(ValueError, match="out of range"):
            stable_match(mentee_prefs, mentor_prefs, capacities)
    else:
        assert stable_match(mentee_prefs, mentor_prefs, capacities) == expected


def test_duplicate_preferences_are_refused() -> None:
    with pytest.raises(ValueError, match="mentee 0 ranks 0 twice"):
        stable_match([[0, 0]], [[0]], [1])
    with pytest.raises(ValueError, match="mentor 1 ranks 2 twice"):
        stable_match([[1], [1], [1]], [[], [0, 2, 1, 2]], [1, 1])
    with pytest.raises(ValueError, match="mentee 0 ranks 0 twice"):
        blocking_pairs([-1], [[0, 0]], [[0]], [1])
    with pytest.raises(ValueError, match="mentor 1 ranks 2 twice"):
        blocking_pairs([-1, -1, -1], [[1], [1], [1]], [[], [0, 2, 1, 2]], [1, 1])
    for not_an_index in ("a", "0", 0.7, 1.0, None, [0]):
        with pytest.raises(ValueError, match="integer"):
            stable_match([[not_an_index]], [[0]], [1])  # type: ignore[list-item]
        with pytest.raises(ValueError, match="integer"):
            blocking_pairs([-1], [[0]], [[not_an_index]], [1])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="integer"):
        stable_match([0], [[0]], [1])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="out of range"):
        blocking_pairs([-1], [[2**70]], [[0]], [1])
    assert stable_match([[np.int64(0), True]], [[0], [0]], [1, 1]) == [0]
    with pytest.raises(ValueError, match="non-negative"):
        stable_match([[0]], [[0]], [-1])


def test_prefs_from_scores_orders_by_score_then_index() -> None:
    import scipy.sparse as sp

    scores = sp.csr_matrix([[0.5, 0.9, 0.0], [0.5, 0.5, 0.7]])
    mentee_prefs, mentor_prefs = prefs_from_scores(scores)
    assert mentee_prefs == [[1, 0], [2, 0, 1]]
    assert mentor_prefs == [[0, 1], [0, 1], [1]]


def test_a_members_own_ranking_comes_first() -> None:
    from mentorbridge.matching.engine import put_first

    prefs = [[2, 0, 1], [1, 0], []]
    # Mentee 0 ranked 1 then 0; mentee 1 ranked someone not acceptable (5) and 0 twice; 2 nobody.
    assert put_first(prefs, {0: [1, 0], 1: [5, 0, 0]}) == [[1, 0, 2], [0, 1], []]
    assert put_first(prefs, {}) == prefs
