"""A run's figures, from the engine's `quality_report`, for the computed assignment and again for
the assignment as the coordinator edited it: coverage, scores, mentor load, the breakdowns by
institution, stage and identity concordance (aggregate only), and how members' rankings fared."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from .. import features
from ..engine.factors import identity_met
from ..engine.report import quality_report

# Cells of the concordance breakdown smaller than this are hidden: "1 mentee asked and got it" would
# tell a coordinator that mentee's and that mentor's private answers.
MIN_CELL = 5


def with_assigned_scores(
    candidates: sp.spmatrix, assignment: np.ndarray, pair_scores: Sequence[float | None]
) -> sp.csr_matrix:
    """The candidate pairs with each assigned pair's entry set to the score kept with its proposal
    (fixed pairs may lie outside the candidates), so the report reads the scores a coordinator sees."""
    csr = sp.csr_matrix(candidates, dtype=float)
    rows = np.flatnonzero(assignment >= 0)
    cols = assignment[rows]
    values = np.asarray([pair_scores[int(i)] or 0.0 for i in rows], dtype=np.float64)
    assigned = sp.csr_matrix((np.ones(rows.size), (rows, cols)), shape=csr.shape)
    kept = csr - csr.multiply(assigned)
    return (kept + sp.csr_matrix((values, (rows, cols)), shape=csr.shape)).tocsr()


def run_metrics(
    *,
    snap: dict[str, Any],
    mentees: features.People,
    mentors: features.People,
    assignment: np.ndarray,
    scores: sp.spmatrix,
    max_possible: int | None = None,
) -> dict[str, Any]:
    """The preview's figures for `assignment` over the snapshot's people. `max_possible` is given
    when `scores` holds only the assigned pairs (after edits): eligibility did not change."""
    seats = np.asarray(snap["seats"], dtype=np.int64)
    stage_names = snap.get("stage_names", {})
    concordance = []
    for i in range(len(mentees)):
        if mentees.same_gender[i] or mentees.shared_background[i]:
            j = int(assignment[i])
            met = j >= 0 and identity_met(mentees, i, mentors, j)
            concordance.append("Requested and met" if met else "Requested, not met")
        else:
            concordance.append("Not requested")
    report = quality_report(
        assignment.tolist(),
        scores,
        seats.tolist(),
        breakdowns={
            "institution": [
                "With a CT program" if has_ct else "Without a CT program"
                for has_ct in mentees.institution_has_ct
            ],
            "stage": [stage_names.get(str(pk), "") or "Unknown" for pk in mentees.enrollment_ids],
            "concordance": concordance,
        },
    )
    breakdowns = report["breakdowns"]
    breakdowns["concordance"] = suppress_small(breakdowns["concordance"])
    load = {k: v for k, v in report["mentor_load"].items() if k != "0"}
    mentee_index = {pk: i for i, pk in enumerate(mentees.enrollment_ids)}
    return {
        "mentees": report["mentees"],
        "mentors": report["mentors"],
        "seats": report["seats"],
        "matched": report["matched"],
        "share_matched": round(report["matched"] / report["mentees"], 4)
        if report["mentees"]
        else 0.0,
        "mean_score": _rounded(report["score_mean"]),
        "min_score": _rounded(report["score_min"]),
        "mentor_load": load,
        "mentors_unused": report["mentor_load"].get("0", 0),
        "breakdowns": breakdowns,
        "max_possible": report["max_matchable"] if max_possible is None else max_possible,
        "rankings": rankings_met(snap, mentee_index, mentors.enrollment_ids, assignment),
    }


def edited_metrics(
    *,
    snap: dict[str, Any],
    before: dict[str, Any],
    mentees: features.People,
    mentors: features.People,
    pairs: Mapping[int, tuple[int | None, float | None]],
) -> dict[str, Any]:
    """Every figure again for the proposals as edited (mentee enrollment -> (mentor enrollment,
    score)). Blocking pairs need the run's ranked lists and stay as computed, marked as such."""
    mentor_index = {pk: j for j, pk in enumerate(mentors.enrollment_ids)}
    assignment = np.full(len(mentees), -1, dtype=np.int64)
    pair_scores: list[float | None] = [None] * len(mentees)
    for i, pk in enumerate(mentees.enrollment_ids):
        mentor_pk, score = pairs.get(pk, (None, None))
        if mentor_pk is not None and mentor_pk in mentor_index:
            assignment[i] = mentor_index[mentor_pk]
            pair_scores[i] = score
    empty = sp.csr_matrix((len(mentees), len(mentors)), dtype=float)
    metrics = run_metrics(
        snap=snap,
        mentees=mentees,
        mentors=mentors,
        assignment=assignment,
        scores=with_assigned_scores(empty, assignment, pair_scores),
        max_possible=before.get("max_possible"),
    )
    metrics["blocking_pairs"] = before.get("blocking_pairs")
    metrics["edited"] = True
    return metrics


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def rankings_met(
    snap: dict[str, Any],
    mentee_index: dict[int, int],
    mentor_ids: list[int],
    assignment: np.ndarray,
) -> dict[str, int]:
    """How the mentees who ranked mentors fared: how many, and how many got their first choice or
    one of the mentors they ranked."""
    ranked = {
        int(pk): lists
        for pk, lists in snap.get("rankings", {}).get("mentees", {}).items()
        if int(pk) in mentee_index and lists
    }
    got = {pk: assignment[mentee_index[pk]] for pk in ranked}
    mentor_of = {pk: mentor_ids[j] if j >= 0 else None for pk, j in got.items()}
    return {
        "mentees": len(ranked),
        "first_choice": sum(1 for pk, lists in ranked.items() if mentor_of[pk] == lists[0]),
        "ranked_choice": sum(1 for pk, lists in ranked.items() if mentor_of[pk] in lists),
    }


def suppress_small(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Hide a concordance group's counts when any of them (asked, matched, not matched) is under
    MIN_CELL but not zero; when one asked group is hidden, so is the other (one could be worked out
    from the totals)."""

    def small(row: dict[str, Any]) -> bool:
        counts = (row["mentees"], row["matched"], row["mentees"] - row["matched"])
        return any(0 < n < MIN_CELL for n in counts)

    asked = [row for row in rows if row["group"] != "Not requested"]
    hide_asked = any(small(row) for row in asked)
    return [
        {"group": row["group"], "mentees": None, "matched": None, "share": None}
        if small(row) or (hide_asked and row in asked)
        else row
        for row in rows
    ]
