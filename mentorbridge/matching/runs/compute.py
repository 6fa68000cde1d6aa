"""Compute a run from its snapshot: candidate pairs, the assignment for the objective, each pair's
score and reasons, and the run's figures."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..engine import scoring
from ..engine.assign import assign
from ..engine.stable import blocking_pairs, prefs_from_scores, put_first, stable_match
from ..models import MatchProposal, MatchRun
from .inputs import snapshot_people
from .metrics import run_metrics, with_assigned_scores

# Students from schools without a CT program get this much more weight in batch runs, so that
# when seats are short they are placed first (program option `prioritize_without_ct_program`).
NO_CT_PRIORITY = 1.25
CANDIDATES_PER_SIDE = 30


def compute(run: MatchRun) -> tuple[list[MatchProposal], dict[str, Any]]:
    """Proposals and figures from the run's snapshot and parameters only (reproducible)."""
    snap = run.inputs_snapshot
    mentees, mentors = snapshot_people(snap)
    seats = np.asarray(snap["seats"], dtype=np.int64)
    weights = {k: float(v) for k, v in run.weights.items()}
    mentee_index = {pk: i for i, pk in enumerate(mentees.enrollment_ids)}
    mentor_index = {pk: j for j, pk in enumerate(mentors.enrollment_ids)}

    fixed: dict[int, int] = {}
    for mentee_pk, mentor_pk in run.fixed_pairs:
        i, j = mentee_index.get(mentee_pk), mentor_index.get(mentor_pk)
        if i is not None and j is not None and seats[j] > 0 and i not in fixed:
            fixed[i] = j
            seats[j] -= 1
    forbidden = {
        (mentee_index[a], mentor_index[b])
        for a, b in [*run.forbidden_pairs, *snap.get("blocked", [])]
        if a in mentee_index and b in mentor_index
    }
    index = scoring.MentorIndex(mentors)
    rows_e = scoring.MenteeRows(mentees, index)
    scores = scoring.candidates(
        index, rows_e, weights, seats=seats, k=CANDIDATES_PER_SIDE, forbidden=forbidden
    )
    mentee_first, mentor_first = _rankings_by_index(snap, mentee_index, mentor_index)
    # Pairs a mentee ranked by name stay in play even when they are outside both top-k lists.
    ranked_pairs = [(i, j) for i, ranked in mentee_first.items() for j in ranked]
    scores = scoring.with_pairs(
        scores, index, rows_e, weights, ranked_pairs, seats=seats, forbidden=forbidden
    )
    raw_scores = scores.copy()
    if snap.get("prioritize_without_ct_program"):
        boost = np.where(np.asarray(mentees.institution_has_ct, dtype=bool), 1.0, NO_CT_PRIORITY)
        scores = scoring.scale_rows(scores, boost)
    # Fixed mentees are placed already: drop their rows from the optimisation.
    if fixed:
        scores = scoring.drop_rows(scores, list(fixed))
    # Ranked lists: each member's own ranking first, then the rest of their candidates by score.
    mentee_prefs, mentor_prefs = prefs_from_scores(scores)
    mentee_prefs = put_first(mentee_prefs, mentee_first)
    mentor_prefs = put_first(mentor_prefs, mentor_first)
    if run.objective == "stable":
        assignment = np.asarray(
            stable_match(mentee_prefs, mentor_prefs, seats.tolist()), dtype=np.int64
        )
    else:
        assignment = assign(scores, seats.tolist(), objective=run.objective)
    for i, j in fixed.items():
        assignment[i] = j
    # Pairs who would both rather be together than with their match, by the same lists (0 for a
    # stable run: its certificate). Fixed pairs are the coordinator's and never count.
    unstable = len(
        blocking_pairs(assignment.tolist(), mentee_prefs, mentor_prefs, list(snap["seats"]))
    )

    proposals = []
    eligible_rows = np.diff(raw_scores.tocsr().indptr) > 0
    explained = scoring.pair_contributions(index, rows_e, assignment, weights)
    for i, mentee_pk in enumerate(mentees.enrollment_ids):
        j = int(assignment[i])
        if j >= 0:
            contributions = explained[i]
            proposals.append(
                MatchProposal(
                    run=run,
                    mentee_enrollment_id=mentee_pk,
                    mentor_enrollment_id=mentors.enrollment_ids[j],
                    score=round(sum(v for _, v in contributions), 4),
                    reasons=_shown_reasons(contributions),
                    locked=i in fixed,
                )
            )
        else:
            reason = (
                "No eligible mentor with a free seat (eligibility, insisted preferences, forbidden pairs)"
                if not eligible_rows[i]
                else "Every eligible mentor's capacity was used"
            )
            proposals.append(
                MatchProposal(run=run, mentee_enrollment_id=mentee_pk, unmatched_reason=reason)
            )
    pair_scores = [p.score if p.mentor_enrollment_id else None for p in proposals]
    metrics = run_metrics(
        snap=snap,
        mentees=mentees,
        mentors=mentors,
        assignment=assignment,
        scores=with_assigned_scores(raw_scores, assignment, pair_scores),
    )
    metrics["blocking_pairs"] = unstable
    return proposals, metrics


def _rankings_by_index(
    snap: dict[str, Any], mentee_index: dict[int, int], mentor_index: dict[int, int]
) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """The snapshot's rankings as engine rows and columns, keeping only people in this run."""
    lists = snap.get("rankings", {})
    mentee_first = {
        mentee_index[int(pk)]: [mentor_index[m] for m in ranked if m in mentor_index]
        for pk, ranked in lists.get("mentees", {}).items()
        if int(pk) in mentee_index
    }
    mentor_first = {
        mentor_index[int(pk)]: [mentee_index[e] for e in ranked if e in mentee_index]
        for pk, ranked in lists.get("mentors", {}).items()
        if int(pk) in mentor_index
    }
    return mentee_first, mentor_first


def _shown_reasons(contributions: list[tuple[str, float]]) -> list[list[Any]]:
    """A pair's factors as kept with the proposal and shown on the run page: never concordance,
    which would say per pair whether private answers matched (it is reported in aggregate)."""
    return [
        [f, round(v, 4)] for f, v in contributions if v > 0 and f != "base" and f != "concordance"
    ]
