"""optimal_assign against SciPy's exact optima, for each objective."""

from __future__ import annotations

import sys
from unittest import mock

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from mentorbridge.matching.engine import optimal_assign

ASSIGN = sys.modules["mentorbridge.matching.engine.assign"]  # the package's `assign` is a function


@st.composite
def instances(draw: st.DrawFn) -> tuple[sp.csr_matrix, list[int]]:
    n = draw(st.integers(0, 9))
    m = draw(st.integers(0, 5))
    dense = np.zeros((n, m))
    for i in range(n):
        for j in range(m):
            if draw(st.booleans()):
                dense[i, j] = draw(st.sampled_from([0.1, 0.25, 0.5, 0.75, 0.9, 1.0, 0.33]))
    capacities = [draw(st.integers(0, 3)) for _ in range(m)]
    return sp.csr_matrix(dense), capacities


def slots(scores: sp.csr_matrix, capacities: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """The dense problem on capacity slots: one column per seat, 0 where not allowed."""
    dense = scores.toarray()
    owners = np.repeat(np.arange(len(capacities)), capacities).astype(int)
    return dense[:, owners] if owners.size else np.zeros((dense.shape[0], 0)), owners


def best_total(scores: sp.csr_matrix, capacities: list[int]) -> float:
    matrix, _ = slots(scores, capacities)
    if matrix.size == 0:
        return 0.0
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    return float(matrix[rows, cols].sum())


def best_coverage(scores: sp.csr_matrix, capacities: list[int]) -> tuple[int, float]:
    """Most matched, then highest total: a big bonus per allowed pair, solved exactly."""
    matrix, _ = slots(scores, capacities)
    if matrix.size == 0:
        return 0, 0.0
    bonus = np.where(matrix > 0, matrix + 1000.0, 0.0)
    rows, cols = linear_sum_assignment(bonus, maximize=True)
    used = matrix[rows, cols] > 0
    return int(used.sum()), float(matrix[rows, cols][used].sum())


def value(scores: sp.csr_matrix, assignment: np.ndarray) -> tuple[int, float, float]:
    dense = scores.toarray()
    matched = np.flatnonzero(assignment >= 0)
    picked = dense[matched, assignment[matched]]
    return matched.size, float(picked.sum()), float(picked.min()) if picked.size else 0.0


def check_feasible(scores: sp.csr_matrix, capacities: list[int], assignment: np.ndarray) -> None:
    dense = scores.toarray()
    for i, j in enumerate(assignment):
        if j >= 0:
            assert dense[i, j] > 0, "only stored pairs"
    counts = np.bincount(assignment[assignment >= 0], minlength=len(capacities))
    assert (counts <= np.asarray(capacities, dtype=int)).all()


@settings(max_examples=120, deadline=None)
@given(instances())
def test_total_equals_the_scipy_optimum(instance: tuple[sp.csr_matrix, list[int]]) -> None:
    scores, capacities = instance
    assignment = optimal_assign(scores, capacities, objective="total")
    check_feasible(scores, capacities, assignment)
    assert value(scores, assignment)[1] == pytest.approx(best_total(scores, capacities), abs=1e-6)
    assert (optimal_assign(scores, capacities, objective="total") == assignment).all()


@settings(max_examples=120, deadline=None)
@given(instances())
def test_coverage_matches_most_then_best_total(instance: tuple[sp.csr_matrix, list[int]]) -> None:
    scores, capacities = instance
    assignment = optimal_assign(scores, capacities, objective="coverage")
    check_feasible(scores, capacities, assignment)
    count, total = best_coverage(scores, capacities)
    got = value(scores, assignment)
    assert got[0] == count
    assert got[1] == pytest.approx(total, abs=1e-6)


@settings(max_examples=80, deadline=None)
@given(instances())
def test_maximin_has_the_best_lowest_score(instance: tuple[sp.csr_matrix, list[int]]) -> None:
    scores, capacities = instance
    assignment = optimal_assign(scores, capacities, objective="maximin")
    check_feasible(scores, capacities, assignment)
    count, _ = best_coverage(scores, capacities)
    got = value(scores, assignment)
    assert got[0] == count
    if count == 0:
        return
    # No maximum matching has a higher minimum: check every higher threshold by brute force.
    dense = scores.toarray()
    for threshold in sorted({v for v in dense.ravel() if v > got[2]}):
        pruned = sp.csr_matrix(np.where(dense >= threshold, dense, 0.0))
        assert best_coverage(pruned, capacities)[0] < count


@pytest.mark.parametrize("objective", ["total", "coverage", "maximin"])
def test_edge_cases(objective: str) -> None:
    empty = sp.csr_matrix((3, 0))
    assert optimal_assign(empty, [], objective=objective).tolist() == [-1, -1, -1]
    none_eligible = sp.csr_matrix((2, 2))
    assert optimal_assign(none_eligible, [1, 1], objective=objective).tolist() == [-1, -1]
    zero_caps = sp.csr_matrix(np.ones((2, 2)))
    assert optimal_assign(zero_caps, [0, 0], objective=objective).tolist() == [-1, -1]
    one = sp.csr_matrix([[0.4, 0.6]])
    assert optimal_assign(one, [1, 1], objective=objective).tolist() == [1]
    plenty = sp.csr_matrix(np.full((3, 1), 0.5))
    assert optimal_assign(plenty, [10], objective=objective).tolist() == [0, 0, 0]


@pytest.mark.parametrize(
    ("scores", "capacities", "message"),
    [
        (np.ones((2, 2)), [1, 1], "scipy.sparse"),
        (sp.csr_matrix(np.ones((2, 2))), [1], "capacities has 1"),
        (sp.csr_matrix(np.ones((2, 2))), [1, -1], "non-negative"),
        (sp.csr_matrix(np.array([[-0.5, 1.0]])), [1, 1], "> 0"),
        (sp.coo_matrix(([0.5, 0.6], ([0, 0], [1, 1])), shape=(1, 2)), [1, 1], "twice"),
    ],
)
def test_bad_input_is_refused(scores: object, capacities: list[int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        optimal_assign(scores, capacities)  # type: ignore[arg-type]


def test_an_unknown_objective_is_refused() -> None:
    with pytest.raises(ValueError, match="objective"):
        optimal_assign(sp.csr_matrix((1, 1)), [1], objective="fastest")


@pytest.mark.parametrize("objective", ["total", "coverage", "maximin"])
def test_ties_are_broken_the_same_way_every_time(objective: str) -> None:
    # Many equal scores: several optimal assignments exist, the engine must always pick one.
    rng = np.random.default_rng(5)
    dense = rng.choice([0.0, 0.5, 0.5, 1.0], size=(40, 8))
    capacities = rng.integers(0, 4, 8).tolist()
    first = optimal_assign(sp.csr_matrix(dense), capacities, objective=objective)
    check_feasible(sp.csr_matrix(dense), capacities, first)
    for _ in range(3):
        again = optimal_assign(sp.coo_matrix(dense), capacities, objective=objective)
        assert again.tolist() == first.tolist()


@settings(max_examples=150, deadline=None)
@given(instances(), st.integers(1, 3))
def test_total_solved_on_the_best_pairs_first_is_still_the_optimum(
    instance: tuple[sp.csr_matrix, list[int]], k: int
) -> None:
    # Large inputs are solved on each side's top-k pairs and certified; force that path here,
    # with a k small enough that the certificate must often widen the candidates.
    scores, capacities = instance
    with mock.patch.object(ASSIGN, "PRUNE_ABOVE", 0), mock.patch.object(ASSIGN, "PRUNE_K", k):
        assignment = optimal_assign(scores, capacities, objective="total")
        assert (optimal_assign(scores, capacities, objective="total") == assignment).all()
    check_feasible(scores, capacities, assignment)
    assert value(scores, assignment)[1] == pytest.approx(best_total(scores, capacities), abs=1e-5)


def test_a_large_total_is_certified_without_the_fallback() -> None:
    rng = np.random.default_rng(3)
    n, m = 400, 60
    rows = np.repeat(np.arange(n), 12)
    cols = rng.integers(0, m, rows.size)
    scores = sp.coo_matrix((rng.random(rows.size) + 0.01, (rows, cols)), shape=(n, m)).tocsr()
    capacities = rng.integers(1, 6, m).tolist()
    direct = optimal_assign(scores, capacities, objective="total")
    with (
        mock.patch.object(ASSIGN, "PRUNE_ABOVE", 0),
        mock.patch.object(ASSIGN, "PRUNE_K", 2),
        mock.patch.object(ASSIGN, "_solve", wraps=ASSIGN._solve) as solve,
    ):
        pruned = optimal_assign(scores, capacities, objective="total")
    # Only pruned networks were solved (the whole one has every pair).
    assert all(call.args[2].size < scores.nnz for call in solve.call_args_list)
    assert value(scores, pruned)[1] == pytest.approx(value(scores, direct)[1], abs=1e-5)
