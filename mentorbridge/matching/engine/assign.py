"""Exact capacity-constrained assignment by min-cost flow (OR-Tools).

Network: source → mentee (capacity 1) → mentor (capacity 1 per stored pair, cost −score) → sink
(capacity = the mentor's seats). Scores are scaled to integers (`SCALE`), so two assignments whose
totals differ by less than 1e-6 per pair may be taken as equal; ties are then broken the same way on
every run, since the solver is deterministic for the same network.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from ortools.graph.python import max_flow, min_cost_flow

from .topk import dense_keep, top_per_group

OBJECTIVES = ("total", "coverage", "maximin")
SCALE = 1_000_000
# Above this many pairs, "total" is solved on each side's best pairs first and certified (below
# it the whole network solves in well under a second anyway).
PRUNE_ABOVE = 200_000
PRUNE_K = 5


def _validate(
    scores: sp.spmatrix, capacities: Sequence[int]
) -> tuple[tuple[int, int], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(shape, rows, cols, values, capacities) with pairs sorted by (mentee, mentor)."""
    if not sp.issparse(scores):
        raise ValueError("scores must be a scipy.sparse matrix (mentees × mentors)")
    n, m = scores.shape
    caps = np.asarray(capacities)
    if caps.shape != (m,):
        raise ValueError(f"capacities has {caps.size} entries for {m} mentors")
    if caps.size and (not np.issubdtype(caps.dtype, np.integer) or (caps < 0).any()):
        raise ValueError("capacities must be non-negative integers")
    if scores.format == "csr":
        csr = scores
        if not csr.has_canonical_format:
            csr = csr.copy()
            csr.has_sorted_indices = False
            csr.sort_indices()
        rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(csr.indptr))
        cols = csr.indices.astype(np.int64)
        values = np.asarray(csr.data, dtype=np.float64)
    else:
        # Converting would silently add duplicates together: check the raw pairs instead.
        coo = sp.coo_matrix(scores)
        order = np.lexsort((coo.col, coo.row))
        rows = coo.row[order].astype(np.int64)
        cols = coo.col[order].astype(np.int64)
        values = np.asarray(coo.data[order], dtype=np.float64)
    if rows.size:
        if ((rows[1:] == rows[:-1]) & (cols[1:] == cols[:-1])).any():
            raise ValueError("a pair is stored twice")
        if not np.isfinite(values).all() or (values <= 0).any():
            raise ValueError("every stored score must be a finite number > 0")
    return (n, m), rows, cols, values, caps.astype(np.int64)


def _solve(
    n: int,
    m: int,
    rows: np.ndarray,
    cols: np.ndarray,
    costs: np.ndarray,
    caps: np.ndarray,
    *,
    maximize_flow: bool,
) -> np.ndarray:
    source, sink = n + m, n + m + 1
    flow = min_cost_flow.SimpleMinCostFlow()
    tails = np.concatenate([np.full(n, source), rows, n + np.arange(m)])
    heads = np.concatenate([np.arange(n), n + cols, np.full(m, sink)])
    capacity = np.concatenate([np.ones(n, np.int64), np.ones(rows.size, np.int64), caps])
    cost = np.concatenate([np.zeros(n, np.int64), costs, np.zeros(m, np.int64)])
    pair_arcs = flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), capacity, cost
    )[n : n + rows.size]
    flow.set_node_supply(source, n)
    flow.set_node_supply(sink, -n)
    if maximize_flow:
        # Sends as many mentees as can go (most matched), at the least cost among those flows.
        status = flow.solve_max_flow_with_min_cost()
    else:
        # A free bypass lets any mentee stay unmatched; every pair arc costs < 0, so the optimum
        # is the highest total, whatever the number matched.
        flow.add_arc_with_capacity_and_unit_cost(source, sink, n, 0)
        status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    used = flow.flows(pair_arcs) > 0
    assignment = np.full(n, -1, dtype=np.int64)
    assignment[rows[used]] = cols[used]
    return assignment


def _max_cardinality(n: int, m: int, rows: np.ndarray, cols: np.ndarray, caps: np.ndarray) -> int:
    if rows.size == 0:
        return 0
    solver = max_flow.SimpleMaxFlow()
    source, sink = n + m, n + m + 1
    tails = np.concatenate([np.full(n, source), rows, n + np.arange(m)])
    heads = np.concatenate([np.arange(n), n + cols, np.full(m, sink)])
    capacity = np.concatenate([np.ones(n, np.int64), np.ones(rows.size, np.int64), caps])
    solver.add_arcs_with_capacity(tails.astype(np.int32), heads.astype(np.int32), capacity)
    if solver.solve(source, sink) != solver.OPTIMAL:
        raise RuntimeError("max flow failed")
    return int(solver.optimal_flow())


def optimal_assign(
    scores: sp.spmatrix, capacities: Sequence[int], *, objective: str = "total"
) -> np.ndarray:
    """Mentor index per mentee (−1 unmatched) maximizing the objective exactly.

    total     — the highest sum of scores;
    coverage  — the most mentees matched, then the highest sum;
    maximin   — among assignments matching the most mentees, the highest lowest score, then the
                highest sum.
    """
    if objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {', '.join(OBJECTIVES)}, not {objective!r}")
    # Pairs sorted by (mentee, mentor): the network, and hence the tie-breaking, is canonical.
    (n, m), rows, cols, values, caps = _validate(scores, capacities)
    if n == 0 or m == 0 or rows.size == 0 or caps.sum() == 0:
        return np.full(n, -1, dtype=np.int64)
    costs = -np.maximum(np.rint(values * SCALE).astype(np.int64), 1)
    if objective == "total":
        if rows.size > PRUNE_ABOVE:
            return _total_by_pruning(n, m, rows, cols, costs, caps)
        return _solve(n, m, rows, cols, costs, caps, maximize_flow=False)
    if objective == "coverage":
        return _solve(n, m, rows, cols, costs, caps, maximize_flow=True)
    # maximin: the highest threshold that still allows a maximum-cardinality matching.
    best = _max_cardinality(n, m, rows, cols, caps)
    thresholds = np.unique(values)
    lo, hi = 0, thresholds.size - 1  # thresholds[lo] always feasible
    while lo < hi:
        mid = (lo + hi + 1) // 2
        keep = values >= thresholds[mid]
        if _max_cardinality(n, m, rows[keep], cols[keep], caps) == best:
            lo = mid
        else:
            hi = mid - 1
    keep = values >= thresholds[lo]
    return _solve(n, m, rows[keep], cols[keep], costs[keep], caps, maximize_flow=True)


def assign(scores: sp.spmatrix, capacities: Sequence[int], *, objective: str) -> np.ndarray:
    """One entry point for product code: an optimal objective, or "stable" (deferred acceptance
    on ranked lists derived from the scores)."""
    if objective == "stable":
        from .stable import prefs_from_scores, stable_match

        mentee_prefs, mentor_prefs = prefs_from_scores(scores)
        return np.asarray(
            stable_match(mentee_prefs, mentor_prefs, [int(c) for c in capacities]), dtype=np.int64
        )
    return optimal_assign(scores, capacities, objective=objective)


def _scaled(values: np.ndarray) -> np.ndarray:
    """Scores as the integer weights the flow optimises (at least 1 for any stored pair)."""
    return np.asarray(np.maximum(np.rint(values * SCALE).astype(np.int64), 1))


def _residual_potentials(
    n: int,
    m: int,
    rows: np.ndarray,
    cols: np.ndarray,
    weight: np.ndarray,
    caps: np.ndarray,
    assignment: np.ndarray,
) -> tuple[np.ndarray, np.ndarray] | None:
    """Integer duals (u per mentee, v per mentor) of an optimal "total" assignment on these pairs:
    shortest-path distances in the residual network of the flow `_solve` builds (Bellman-Ford,
    one vectorised relaxation of every arc per pass). None when some node cannot be reached;
    the caller checks the duals either way."""
    source, sink = n + m, n + m + 1
    used = assignment[rows] == cols
    load = np.bincount(assignment[assignment >= 0], minlength=m)
    unmatched = assignment < 0
    mentees, mentors = np.arange(n), n + np.arange(m)
    arcs = [
        # An unused pair can still be taken (cost −w); a used one can be given back (+w).
        (
            np.where(used, n + cols, rows),
            np.where(used, rows, n + cols),
            np.where(used, weight, -weight),
        ),
        (np.where(unmatched, source, mentees), np.where(unmatched, mentees, source), np.zeros(n)),
        (
            mentors[load < caps],
            np.full(int((load < caps).sum()), sink),
            np.zeros(int((load < caps).sum())),
        ),
        (np.full(int((load > 0).sum()), sink), mentors[load > 0], np.zeros(int((load > 0).sum()))),
    ]
    if not unmatched.all():
        arcs.append((np.array([source]), np.array([sink]), np.zeros(1)))
    if unmatched.any():  # the bypass carries the unmatched: it can carry less
        arcs.append((np.array([sink]), np.array([source]), np.zeros(1)))
    tails = np.concatenate([a[0] for a in arcs]).astype(np.int64)
    heads = np.concatenate([a[1] for a in arcs]).astype(np.int64)
    costs = np.concatenate([a[2] for a in arcs]).astype(np.int64)
    order = np.argsort(heads, kind="stable")
    tails, heads, costs = tails[order], heads[order], costs[order]
    targets, starts = np.unique(heads, return_index=True)
    unreached = np.iinfo(np.int64).max // 4
    distance = np.full(n + m + 2, unreached, dtype=np.int64)
    distance[source] = 0
    for _ in range(n + m + 2):
        via = np.where(distance[tails] < unreached, distance[tails] + costs, unreached)
        best = np.minimum(distance[targets], np.minimum.reduceat(via, starts))
        if (best == distance[targets]).all():
            break
        distance[targets] = best
    else:
        return None  # a negative cycle: the assignment was not optimal
    if distance[sink] >= unreached and unmatched.all():
        distance[sink] = 0  # no seat anywhere: nothing reaches the sink, and nothing needs to
    if (distance[:n] >= unreached).any() or distance[sink] >= unreached:
        return None
    u = distance[:n] - distance[sink]
    # A mentor no path reaches, or one with no mentee (its distance may exceed the sink's), keeps
    # a seat free: its dual is 0, and its pairs stay covered since u_i ≥ w + d(j) − d(sink) > w.
    v = np.maximum(distance[sink] - np.minimum(distance[n : n + m], unreached), 0)
    # A mentor without seats costs nothing in the dual value, whatever its v: cover its pairs.
    v[caps == 0] = int(weight.max()) if weight.size else 0
    return u, v


def _certify(
    u: np.ndarray,
    v: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    weight: np.ndarray,
    caps: np.ndarray,
    assignment: np.ndarray,
) -> bool:
    """Weak LP duality, in integers: (u, v) ≥ 0 cover every pair given and the dual value equals
    the assignment's value (which must use only pairs given), so no assignment on them is better."""
    used = assignment[rows] == cols
    return bool(
        (u >= 0).all()
        and (v >= 0).all()
        and (u[rows] + v[cols] >= weight).all()
        and int(u.sum()) + int((caps * v).sum()) == int(weight[used].sum())
    )


def _total_by_pruning(
    n: int,
    m: int,
    rows: np.ndarray,
    cols: np.ndarray,
    costs: np.ndarray,
    caps: np.ndarray,
    *,
    max_rounds: int = 3,
) -> np.ndarray:
    """The "total" optimum, solved first on each mentee's top-k and each mentor's top-(k × seats)
    pairs and certified with the flow's duals against every pair; pairs that could improve it are
    added and it is solved again. Falls back to the whole network if it cannot certify."""
    weight = -costs
    k = PRUNE_K
    keep = top_per_group(rows, weight, np.full(n, k)) | top_per_group(cols, weight, k * caps)
    for _ in range(max_rounds):
        kept = np.flatnonzero(keep)
        assignment = _solve(n, m, rows[kept], cols[kept], costs[kept], caps, maximize_flow=False)
        duals = _residual_potentials(n, m, rows[kept], cols[kept], weight[kept], caps, assignment)
        if duals is None or not _certify(
            *duals, rows[kept], cols[kept], weight[kept], caps, assignment
        ):
            break
        u, v = duals
        violated = (u[rows] + v[cols] < weight) & ~keep
        if not violated.any():
            return assignment
        keep |= violated
    return _solve(n, m, rows, cols, costs, caps, maximize_flow=False)


def optimal_assign_pruned(
    dense: np.ndarray, capacities: Sequence[int], *, k: int = 20, max_rounds: int = 10
) -> tuple[np.ndarray, dict[str, Any]]:
    """The "total" optimum of a dense score matrix (0 = not allowed), solved on a pruned graph.

    Each mentee keeps its top-k mentors and each mentor its top-(k × seats) mentees. The result is
    then certified with LP duals (u, v) of the pruned problem, read off the optimal flow (shortest
    paths in its residual network; an LP solve if that fails): u_i + v_j ≥ score must hold for every
    pair of the *dense* matrix. A pair that violates it could improve the optimum, so it is added
    and the problem solved again; when none does, the pruned optimum is the global optimum (LP
    duality; the assignment LP has integral optima). Scores are compared as the flow sees them,
    scaled by SCALE and rounded.
    """
    scores = np.asarray(dense, dtype=np.float64)
    n, m = scores.shape
    caps = np.asarray(capacities, dtype=np.int64)
    allowed = scores > 0
    weights = np.where(allowed, _scaled(scores), 0)
    keep = dense_keep(scores, k, k * np.maximum(caps, 1))
    rounds = 0
    method = "flow"
    while True:
        rounds += 1
        rows, cols = np.nonzero(keep)
        pruned = sp.csr_matrix((scores[rows, cols], (rows, cols)), shape=(n, m))
        assignment = optimal_assign(pruned, caps.tolist(), objective="total")
        weight = weights[rows, cols]
        duals = _residual_potentials(n, m, rows, cols, weight, caps, assignment)
        if duals is None or not _certify(*duals, rows, cols, weight, caps, assignment):
            method = "lp"
            duals = _lp_duals(n, m, rows, cols, weight, caps)
        u, v = duals
        violated = (weights > u[:, None] + v[None, :]) & allowed & ~keep
        if not violated.any() or rounds >= max_rounds:
            break
        keep |= violated
    return assignment, {
        "rounds": rounds,
        "pairs_kept": int(keep.sum()),
        "certified": not violated.any(),
        "duals": method,
    }


def _lp_duals(
    n: int, m: int, rows: np.ndarray, cols: np.ndarray, weight: np.ndarray, caps: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Duals of max w·x, Σ_j x_ij ≤ 1, Σ_i x_ij ≤ c_j, 0 ≤ x ≤ 1 by HiGHS (slower fallback)."""
    from scipy.optimize import linprog

    a_ub = sp.vstack(
        [
            sp.csr_matrix((np.ones(rows.size), (rows, np.arange(rows.size))), shape=(n, rows.size)),
            sp.csr_matrix((np.ones(rows.size), (cols, np.arange(rows.size))), shape=(m, rows.size)),
        ]
    )
    lp = linprog(
        -weight.astype(np.float64),
        A_ub=a_ub,
        b_ub=np.concatenate([np.ones(n), caps.astype(float)]),
        bounds=(0, 1),
        method="highs",
    )
    duals = -lp.ineqlin.marginals
    # Weights are integers, so a real violation is at least 1; half a unit absorbs solver noise.
    return duals[:n] + 0.25, duals[n:] + 0.25
