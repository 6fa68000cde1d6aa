"""Matching engine benchmark: ours against the peers, on the same generated instances, in one process.

    python bench/matching.py           # the sizes of the issue (about 2 minutes; the peer takes ~40 s)
    python bench/matching.py --quick   # small sizes, for CI

Checks that the answers agree, prints a table, then one JSON line with every figure.
Times are wall-clock for one call (time.perf_counter). Peak memory is how far the process's
resident memory rose during that call (Linux VmHWM, reset before each call), so it counts NumPy,
SciPy and OR-Tools' C++ buffers, not the interpreter and libraries already loaded.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

# This file is named like the peer package `matching`; keep bench/ off the path so that
# `import matching` finds the package, and put the project root on it instead.
_here = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _here]
sys.path.insert(0, str(_here.parent))

from mentorbridge.matching.engine import (  # noqa: E402
    MenteeRows,
    MentorIndex,
    PeopleTable,
    blocking_pairs,
    candidates,
    optimal_assign,
    stable_match,
)
from mentorbridge.matching.engine.assign import optimal_assign_pruned  # noqa: E402


def _status_mb(field: str) -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"{field} not in /proc/self/status")


def _reset_peak() -> bool:
    """Return freed heap memory to the system, then reset the process's peak RSS (Linux:
    writing 5 to clear_refs). False when the platform does not allow it."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        return False
    return True


def measure(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """(result, seconds, peak MB) of one call. Peak is the rise of the process's resident memory
    (VmHWM − VmRSS before the call): it counts NumPy, SciPy and OR-Tools' C++ buffers alike.
    Where the peak cannot be reset, tracemalloc's peak of a second call is used instead (it sees
    NumPy's buffers but not OR-Tools')."""
    if _reset_peak():
        before = _status_mb("VmRSS")
        started = time.perf_counter()
        result = fn()
        seconds = time.perf_counter() - started
        return result, seconds, max(_status_mb("VmHWM") - before, 0.0)
    started = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, seconds, peak / 2**20


def ranked_instance(
    n: int, m: int, length: int, seed: int
) -> tuple[list[list[int]], list[list[int]], list[int]]:
    """Random ranked lists: each mentee ranks `length` mentors; mentors rank everyone who ranked them."""
    rng = np.random.default_rng(seed)
    mentee_prefs = (
        np.argsort(rng.random((n, m)), axis=1)[:, :length]
        if m <= 2000
        else np.stack([rng.choice(m, length, replace=False) for _ in range(n)])
    )
    owners = np.repeat(np.arange(n), length)
    targets = mentee_prefs.ravel()
    order = np.lexsort((rng.random(targets.size), targets))
    mentor_prefs: list[list[int]] = [[] for _ in range(m)]
    for j, i in zip(targets[order].tolist(), owners[order].tolist(), strict=True):
        mentor_prefs[j].append(i)
    capacities = rng.integers(1, 6, m).tolist()
    return mentee_prefs.tolist(), mentor_prefs, capacities


def peer_hospital_resident(
    mentee_prefs: list[list[int]], mentor_prefs: list[list[int]], capacities: list[int]
) -> list[int]:
    from matching.games import HospitalResident

    # The package deep-copies its players recursively; large games need a deeper stack.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1_000_000))
    residents = {i: p for i, p in enumerate(mentee_prefs) if p}
    hospitals = {j: p for j, p in enumerate(mentor_prefs) if p}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        game = HospitalResident.create_from_dictionaries(
            residents, hospitals, {j: capacities[j] for j in hospitals}
        )
        solution = game.solve(optimal="resident")
    assignment = [-1] * len(mentee_prefs)
    for hospital, matched in solution.items():
        for resident in matched:
            assignment[resident.name] = hospital.name
    return assignment


def score_instance(
    n: int, m: int, per: int, seed: int, *, skewed: bool
) -> tuple[sp.csr_matrix, np.ndarray]:
    rng = np.random.default_rng(seed)
    rows = np.repeat(np.arange(n), per)
    if skewed:  # a few popular mentors get most of the attention
        weights = 1 / np.arange(1, m + 1) ** 1.1
        cols = rng.choice(m, n * per, p=weights / weights.sum())
    else:
        cols = rng.integers(0, m, n * per)
    values = rng.random(n * per) * 0.99 + 0.01
    matrix = sp.coo_matrix((values, (rows, cols)), shape=(n, m)).tocsr()
    matrix.sum_duplicates()
    matrix.data = np.minimum(matrix.data, 1.0)
    return matrix, rng.integers(1, 6, m)


def people(n: int, seed: int, *, mentors: bool) -> PeopleTable:
    rng = np.random.default_rng(seed)
    words = [
        "valve",
        "aortic",
        "congenital",
        "transplant",
        "research",
        "lung",
        "robotic",
        "education",
        "outcomes",
        "global",
        "interview",
        "rotation",
        "fellowship",
    ]
    regions = ["NY", "CA", "TX", "MA", "IL", "OH", "GA", "WA", ""]
    fields: dict[str, list[Any]] = {
        "enrollment_ids": list(range(n)),
        "member_ids": [(1_000_000 if mentors else 0) + k for k in range(n)],
        "names": [f"P{k}" for k in range(n)],
        "stage_order": rng.integers(0, 15, n).tolist(),
        "institution_ids": rng.integers(1, 60, n).tolist(),
        "institution_names": [""] * n,
        "institution_has_ct": (rng.random(n) < 0.5).tolist(),
        "regions": [regions[x] for x in rng.integers(0, len(regions), n)],
        "utc_offsets": rng.choice([-8.0, -7.0, -6.0, -5.0, 0.0, 5.5], n).tolist(),
        "languages": [{1} | ({int(x)} if x > 1 else set()) for x in rng.integers(0, 16, n)],
        "interests": [
            set(rng.choice(12, rng.integers(1, 4), replace=False).tolist()) for _ in range(n)
        ],
        "topics": [
            set(rng.choice(14, rng.integers(2, 5), replace=False).tolist()) for _ in range(n)
        ],
        "formats": rng.integers(1, 8, n).tolist(),
        "genders": rng.integers(0, 4, n).tolist(),
        "backgrounds": rng.integers(0, 8, n).tolist(),
        "texts": [" ".join(rng.choice(words, 10).tolist()) for _ in range(n)],
        "target_institutions": [
            set(rng.choice(60, rng.integers(0, 4), replace=False).tolist()) for _ in range(n)
        ],
        "same_gender": (rng.random(n) < 0.1).astype(int).tolist() if not mentors else [0] * n,
        "shared_background": (rng.random(n) < 0.05).astype(int).tolist()
        if not mentors
        else [0] * n,
        "institution_preference": ["different" if x < 0.2 else "" for x in rng.random(n)]
        if not mentors
        else [""] * n,
        "same_region": (rng.random(n) < 0.15).tolist() if not mentors else [False] * n,
        "language_required": [0] * n,
    }
    return PeopleTable(**fields)


WEIGHTS = {
    "interests": 3,
    "topics": 3,
    "programs": 2,
    "region": 1,
    "time_zone": 1,
    "language": 1,
    "concordance": 1.5,
    "meeting": 0.5,
    "text": 1.5,
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="small sizes (CI smoke run)")
    args = parser.parse_args()
    quick = args.quick
    figures: dict[str, Any] = {"quick": quick}
    table: list[tuple[str, str, str]] = []

    # 1. Stable matching at scale.
    n, m = (5000, 1000) if quick else (50000, 10000)
    mentee_prefs, mentor_prefs, caps = ranked_instance(n, m, 20, seed=1)
    ours, seconds, peak = measure(lambda: stable_match(mentee_prefs, mentor_prefs, caps))
    blocking, b_seconds, _ = measure(lambda: blocking_pairs(ours, mentee_prefs, mentor_prefs, caps))
    assert blocking == []
    figures.update(
        {
            "stable_n": n,
            "stable_m": m,
            "stable_s": round(seconds, 3),
            "stable_peak_mb": round(peak, 1),
            "blocking_pairs_s": round(b_seconds, 3),
        }
    )
    table.append(
        (
            f"stable_match {n}×{m}×20",
            f"{seconds:.3f} s",
            f"{peak:.0f} MB peak; blocking_pairs {b_seconds:.3f} s",
        )
    )

    # 2. Against the `matching` package (HospitalResident, resident-optimal).
    n, m = (2000, 400) if quick else (10000, 2000)
    mentee_prefs, mentor_prefs, caps = ranked_instance(n, m, 20, seed=2)
    ours, seconds, _ = measure(lambda: stable_match(mentee_prefs, mentor_prefs, caps))
    started = time.perf_counter()
    theirs = peer_hospital_resident(mentee_prefs, mentor_prefs, caps)
    peer_seconds = time.perf_counter() - started
    assert ours == theirs, "stable_match disagrees with the matching package"
    figures.update(
        {
            "peer_n": n,
            "peer_m": m,
            "ours_vs_peer_s": round(seconds, 3),
            "peer_matching_s": round(peer_seconds, 2),
            "speedup_vs_matching": round(peer_seconds / seconds, 1),
            "peer_identical": True,
        }
    )
    table.append(
        (
            f"vs matching.HospitalResident {n}×{m}×20",
            f"{seconds:.3f} s vs {peer_seconds:.1f} s",
            f"identical; {peer_seconds / seconds:.0f}× faster",
        )
    )

    # 3. Optimal assignment at scale, three objectives.
    n, m = (5000, 1000) if quick else (50000, 10000)
    scores, capacities = score_instance(n, m, 40, seed=3, skewed=False)
    for objective in ("total", "coverage", "maximin"):
        assignment, seconds, peak = measure(
            lambda o=objective: optimal_assign(scores, capacities, objective=o)
        )
        counts = np.bincount(assignment[assignment >= 0], minlength=m)
        assert (counts <= capacities).all()
        figures[f"optimal_{objective}_s"] = round(seconds, 3)
        figures[f"optimal_{objective}_peak_mb"] = round(peak, 1)
        figures[f"optimal_{objective}_matched"] = int((assignment >= 0).sum())
        table.append(
            (
                f"optimal_assign {objective} {n}×{m}, {scores.nnz:,} pairs",
                f"{seconds:.3f} s",
                f"{peak:.0f} MB peak, {(assignment >= 0).sum():,} matched",
            )
        )
    figures["optimal_pairs"] = int(scores.nnz)

    # 4. Against SciPy's dense linear_sum_assignment on capacity slots, with safe pruning.
    from scipy.optimize import linear_sum_assignment

    n, m, seats = (1000, 200, 5) if quick else (5000, 1000, 5)
    rng = np.random.default_rng(4)
    dense = rng.random((n, m)) + 0.01
    caps5 = np.full(m, seats)
    (assignment, info), seconds, _ = measure(lambda: optimal_assign_pruned(dense, caps5, k=10))
    ours_value = float(dense[np.flatnonzero(assignment >= 0), assignment[assignment >= 0]].sum())
    slots = np.repeat(np.arange(m), caps5)
    started = time.perf_counter()
    r, c = linear_sum_assignment(dense[:, slots], maximize=True)
    scipy_seconds = time.perf_counter() - started
    scipy_value = float(dense[r, slots[c]].sum())
    assert abs(ours_value - scipy_value) <= 1e-6 * n, (ours_value, scipy_value)
    figures.update(
        {
            "lsa_n": n,
            "lsa_slots": int(slots.size),
            "pruned_s": round(seconds, 3),
            "scipy_lsa_s": round(scipy_seconds, 3),
            "speedup_vs_scipy": round(scipy_seconds / seconds, 2),
            "pruned_certified": info["certified"],
            "pruned_rounds": info["rounds"],
            "pruned_duals": info["duals"],
            "objective_gap": abs(ours_value - scipy_value),
        }
    )
    table.append(
        (
            f"vs scipy linear_sum_assignment {n}×{slots.size} slots",
            f"{seconds:.3f} s vs {scipy_seconds:.3f} s",
            f"same objective (gap {abs(ours_value - scipy_value):.1e}), certified in {info['rounds']} round(s)",
        )
    )

    # 5. Scoring with candidate generation, full factor set. scikit-learn (TF-IDF) is imported
    # first: loading it takes about 2 s once per process, which is not scoring.
    import sklearn.decomposition
    import sklearn.feature_extraction.text  # noqa: F401

    n, m = (5000, 1000) if quick else (50000, 10000)
    mentees, mentors = people(n, 5, mentors=False), people(m, 6, mentors=True)

    def score_all() -> sp.csr_matrix:
        index = MentorIndex(mentors)
        return candidates(index, MenteeRows(mentees, index), WEIGHTS, seats=np.full(m, 3), k=20)

    matrix, seconds, peak = measure(score_all)
    figures.update(
        {
            "scoring_s": round(seconds, 3),
            "scoring_peak_mb": round(peak, 1),
            "scoring_pairs": int(matrix.nnz),
        }
    )
    table.append(
        (
            f"scoring + candidates {n}×{m}, 9 factors",
            f"{seconds:.3f} s",
            f"{peak:.0f} MB peak, {matrix.nnz:,} candidate pairs",
        )
    )

    # 6. Why two-sided top-k: on a popularity-skewed instance, mentee-only top-k strands mentors.
    n, m = (5000, 1000) if quick else (20000, 4000)
    skewed, caps_s = score_instance(n, m, 200, seed=7, skewed=True)
    k = 5
    csr = skewed.tocsr()
    rows_k, cols_k, vals_k = [], [], []
    for i in range(n):
        start, end = csr.indptr[i], csr.indptr[i + 1]
        best = np.argsort(-csr.data[start:end])[:k]
        rows_k += [i] * best.size
        cols_k += csr.indices[start:end][best].tolist()
        vals_k += csr.data[start:end][best].tolist()
    mentee_only = sp.csr_matrix((vals_k, (rows_k, cols_k)), shape=(n, m))
    csc = csr.tocsc()
    for j in range(m):
        start, end = csc.indptr[j], csc.indptr[j + 1]
        best = np.argsort(-csc.data[start:end])[: k * int(caps_s[j])]
        rows_k += csc.indices[start:end][best].tolist()
        cols_k += [j] * best.size
        vals_k += csc.data[start:end][best].tolist()
    keys = np.asarray(rows_k, dtype=np.int64) * m + np.asarray(cols_k)
    _, first = np.unique(keys, return_index=True)
    two_sided = sp.csr_matrix(
        (np.asarray(vals_k)[first], (np.asarray(rows_k)[first], np.asarray(cols_k)[first])),
        shape=(n, m),
    )
    placed_one = int((optimal_assign(mentee_only, caps_s, objective="coverage") >= 0).sum())
    placed_two = int((optimal_assign(two_sided, caps_s, objective="coverage") >= 0).sum())
    placed_all = int((optimal_assign(skewed, caps_s, objective="coverage") >= 0).sum())
    figures.update(
        {
            "skewed_mentee_only_share": round(placed_one / n, 3),
            "skewed_two_sided_share": round(placed_two / n, 3),
            "skewed_full_share": round(placed_all / n, 3),
        }
    )
    table.append(
        (
            f"skewed {n}×{m}, top-{k} candidates",
            f"{placed_one / n:.0%} vs {placed_two / n:.0%}",
            f"mentee-only vs two-sided placed (all pairs: {placed_all / n:.0%})",
        )
    )

    width = max(len(row[0]) for row in table)
    print(f"{'case':<{width}}  {'time / result':<26}  notes")
    for case, result, notes in table:
        print(f"{case:<{width}}  {result:<26}  {notes}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
