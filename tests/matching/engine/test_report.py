"""The quality report and the certified pruned optimum."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import linear_sum_assignment

from mentorbridge.matching.engine import optimal_assign, prefs_from_scores, quality_report
from mentorbridge.matching.engine.assign import optimal_assign_pruned


def test_the_report_counts_what_a_coordinator_needs() -> None:
    scores = sp.csr_matrix(
        np.array([[0.9, 0.2, 0.0], [0.8, 0.0, 0.0], [0.0, 0.0, 0.0], [0.5, 0.6, 0.0]])
    )
    capacities = [1, 1, 4]
    assignment = [0, -1, -1, 1]
    mentee_prefs, mentor_prefs = prefs_from_scores(scores)
    report = quality_report(
        assignment,
        scores,
        capacities,
        mentee_prefs=mentee_prefs,
        mentor_prefs=mentor_prefs,
        groups=["student", "student", "resident", "resident"],
    )
    assert report["matched"] == 2
    assert report["max_matchable"] == 2  # mentees 0, 1 and 3 share two mentors with seats
    assert report["seats"] == 6
    assert report["score_total"] == pytest.approx(1.5)
    assert report["score_min"] == pytest.approx(0.6)
    assert report["mentor_load"] == {"0": 1, "1": 2}
    assert report["over_capacity"] == 0
    assert report["blocking_pairs"] == 0
    assert report["groups"]["student"] == {"mentees": 2, "matched": 1, "score_mean": 0.9}
    assert report["groups"]["resident"]["matched"] == 1


def test_the_report_counts_blocking_pairs() -> None:
    scores = sp.csr_matrix(np.array([[0.9, 0.2], [0.8, 0.1]]))
    mentee_prefs, mentor_prefs = prefs_from_scores(scores)
    report = quality_report(
        [1, 0], scores, [1, 1], mentee_prefs=mentee_prefs, mentor_prefs=mentor_prefs
    )
    assert report["blocking_pairs"] == 1  # mentee 0 and mentor 0 prefer each other


@pytest.mark.parametrize("k", [1, 3, 50])
def test_the_pruned_optimum_is_certified_and_equals_the_dense_one(k: int) -> None:
    rng = np.random.default_rng(k)
    n, m = 60, 12
    # Popular mentors: everyone's top choices collide, so small k must widen to stay optimal.
    dense = rng.random((n, m)) * 0.3 + np.linspace(0.7, 0.0, m)[None, :]
    dense[rng.random((n, m)) < 0.1] = 0.0
    capacities = rng.integers(1, 4, m)
    assignment, info = optimal_assign_pruned(dense, capacities, k=k)
    assert info["certified"] and info["duals"] == "flow"
    slots = np.repeat(np.arange(m), capacities)
    padded = np.hstack([dense[:, slots], np.zeros((n, n))])  # zero columns: stay unmatched
    r, c = linear_sum_assignment(padded, maximize=True)
    best = padded[r, c].sum()
    matched = np.flatnonzero(assignment >= 0)
    assert dense[matched, assignment[matched]].sum() == pytest.approx(best, abs=1e-4)
    assert (dense[matched, assignment[matched]] > 0).all()
    assert (np.bincount(assignment[matched], minlength=m) <= capacities).all()
    full = optimal_assign(sp.csr_matrix(dense), capacities.tolist(), objective="total")
    assert dense[matched, assignment[matched]].sum() == pytest.approx(
        dense[np.flatnonzero(full >= 0), full[full >= 0]].sum(), abs=1e-4
    )


def test_the_lp_certifies_when_the_flow_duals_cannot(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    module = sys.modules["mentorbridge.matching.engine.assign"]
    monkeypatch.setattr(module, "_residual_potentials", lambda *args: None)
    rng = np.random.default_rng(9)
    dense = rng.random((30, 6)) + np.linspace(0.5, 0.0, 6)[None, :]
    capacities = np.full(6, 2)
    assignment, info = optimal_assign_pruned(dense, capacities, k=1)
    assert info["certified"] and info["duals"] == "lp"
    full = optimal_assign(sp.csr_matrix(dense), capacities.tolist(), objective="total")
    matched = np.flatnonzero(assignment >= 0)
    assert dense[matched, assignment[matched]].sum() == pytest.approx(
        dense[np.flatnonzero(full >= 0), full[full >= 0]].sum(), abs=1e-4
    )


@pytest.mark.parametrize("seed", range(12))
def test_the_flow_duals_certify_small_random_instances(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    n, m = int(rng.integers(1, 25)), int(rng.integers(1, 7))
    dense = np.where(rng.random((n, m)) < 0.7, rng.choice([0.2, 0.5, 0.9, 1.0], (n, m)), 0.0)
    capacities = rng.integers(0, 6, m)  # from no seats at all to more seats than mentees
    assignment, info = optimal_assign_pruned(dense, capacities, k=int(rng.integers(1, 4)))
    assert info["certified"] and info["duals"] == "flow"
    slots = np.repeat(np.arange(m), capacities)
    padded = np.hstack([dense[:, slots], np.zeros((n, n))])
    r, c = linear_sum_assignment(padded, maximize=True)
    matched = np.flatnonzero(assignment >= 0)
    assert dense[matched, assignment[matched]].sum() == pytest.approx(padded[r, c].sum())
