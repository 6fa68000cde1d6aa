"""A quality report for any assignment: coverage, scores, mentor load, stability, groups."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from .assign import _max_cardinality
from .stable import blocking_pairs


def quality_report(
    assignment: Sequence[int],
    scores: sp.spmatrix,
    capacities: Sequence[int],
    *,
    mentee_prefs: Sequence[Sequence[int]] | None = None,
    mentor_prefs: Sequence[Sequence[int]] | None = None,
    groups: Sequence[str] | None = None,
    breakdowns: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, Any]:
    """Figures of `assignment` (mentor index per mentee, -1 unmatched): pair scores are read from
    `scores`, and `max_matchable` is the most mentees any assignment could match on its pairs.
    `breakdowns` maps a name to one label per mentee: how many of each group were matched."""
    csr = sp.csr_matrix(scores)
    n, m = csr.shape
    assigned = np.asarray(assignment, dtype=np.int64)
    if assigned.size != n:
        raise ValueError(f"assignment has {assigned.size} entries for {n} mentees")
    caps = np.asarray(capacities, dtype=np.int64)
    matched = assigned >= 0
    pair_scores = (
        np.asarray(csr[np.flatnonzero(matched), assigned[matched]]).ravel()
        if matched.any()
        else np.zeros(0)
    )
    coo = csr.tocoo()
    report: dict[str, Any] = {
        "mentees": n,
        "mentors": m,
        "seats": int(caps.sum()),
        "matched": int(matched.sum()),
        "max_matchable": _max_cardinality(
            n, m, coo.row.astype(np.int64), coo.col.astype(np.int64), caps
        ),
        "score_total": float(pair_scores.sum()),
        "score_mean": float(pair_scores.mean()) if pair_scores.size else None,
        "score_min": float(pair_scores.min()) if pair_scores.size else None,
        "score_quantiles": (
            {str(q): float(np.quantile(pair_scores, q)) for q in (0.1, 0.25, 0.5, 0.75, 0.9)}
            if pair_scores.size
            else {}
        ),
        "mentor_load": {
            str(k): v
            for k, v in sorted(
                Counter(np.bincount(assigned[matched], minlength=m).tolist()).items()
            )
        },
        "over_capacity": int((np.bincount(assigned[matched], minlength=m) > caps).sum()),
    }
    if mentee_prefs is not None and mentor_prefs is not None:
        report["blocking_pairs"] = len(
            blocking_pairs(assigned.tolist(), mentee_prefs, mentor_prefs, capacities)
        )
    if groups is not None:
        labels = np.asarray(groups, dtype=object)
        report["groups"] = {
            str(label): {
                "mentees": int((labels == label).sum()),
                "matched": int(matched[labels == label].sum()),
                "score_mean": float(pair_scores_for(labels == label, matched, assigned, csr).mean())
                if (matched & (labels == label)).any()
                else None,
            }
            for label in sorted(set(labels.tolist()), key=str)
        }
    if breakdowns is not None:
        report["breakdowns"] = {
            name: _breakdown(matched, labels) for name, labels in breakdowns.items()
        }
    return report


def _breakdown(matched: np.ndarray, labels: Sequence[str]) -> list[dict[str, Any]]:
    values = np.asarray(labels, dtype=object)
    rows = []
    for label in sorted(set(values.tolist()), key=str):
        mask = values == label
        rows.append(
            {
                "group": str(label),
                "mentees": int(mask.sum()),
                "matched": int(matched[mask].sum()),
                "share": round(float(matched[mask].mean()), 3),
            }
        )
    return rows


def pair_scores_for(
    mask: np.ndarray, matched: np.ndarray, assigned: np.ndarray, csr: sp.csr_matrix
) -> np.ndarray:
    rows = np.flatnonzero(mask & matched)
    return np.asarray(csr[rows, assigned[rows]]).ravel()
