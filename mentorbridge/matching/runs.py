"""Coordinator match runs: snapshot the cycle, score, assign, preview, adjust, publish.

A run is reproducible: its snapshot holds every input the engine saw (feature tables, seats,
weights, fixed and forbidden pairs, seed), and `match_run_execute` computes only from it.
Each run considers the mentees still without a mentor and the seats still free, so a run after
a publish matches late enrollments without touching published pairs.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import Counter, defaultdict
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import F

from mentorbridge.core import clock, events, sealed
from mentorbridge.core.refusals import Refusal
from mentorbridge.members.models import Block
from mentorbridge.mentorships.models import Mentorship
from mentorbridge.mentorships.services import (
    mentee_enrollment_lock,
    mentorship_announce,
    mentorship_start,
)
from mentorbridge.programs.models import Cycle, Enrollment

from . import features, rankings
from .engine import scoring
from .engine.assign import assign
from .engine.stable import blocking_pairs, prefs_from_scores, put_first, stable_match
from .models import MatchProposal, MatchRun
from .services import close_other_requests, requests_closed_announce

log = logging.getLogger(__name__)

# Students from schools without a CT program get this much more weight in batch runs, so that
# when seats are short they are placed first (program option `prioritize_without_ct_program`).
NO_CT_PRIORITY = 1.25
CANDIDATES_PER_SIDE = 30


MatchRunError = Refusal


def _pairs(raw: Any) -> list[tuple[int, int]]:
    pairs = []
    for item in raw or []:
        if not (
            isinstance(item, list | tuple)
            and len(item) == 2
            and all(isinstance(x, int) for x in item)
        ):
            raise MatchRunError("Pairs must be [mentee enrollment id, mentor enrollment id].")
        pairs.append((int(item[0]), int(item[1])))
    return pairs


def match_run_create(
    *,
    cycle: Cycle,
    by: Any,
    objective: str,
    weights: dict[str, float] | None = None,
    fixed_pairs: list[tuple[int, int]] | None = None,
    forbidden_pairs: list[tuple[int, int]] | None = None,
    seed: int = 0,
) -> MatchRun:
    if cycle.status != Cycle.Status.OPEN:
        raise MatchRunError(f"{cycle} is not open; match runs need an open cycle.")
    if objective not in MatchRun.Objective.values:
        raise MatchRunError("Choose an objective.")
    merged = cycle.program.effective_weights()
    for name, value in (weights or {}).items():
        if name not in merged:
            raise MatchRunError(f"Unknown score factor “{name}”.")
        if not isinstance(value, int | float) or not 0 <= value <= 100:
            raise MatchRunError(f"The weight of {name} must be a number from 0 to 100.")
        merged[name] = float(value)
    if not any(merged.values()):
        raise MatchRunError("At least one weight must be above zero.")
    with transaction.atomic():
        run = MatchRun.objects.create(
            cycle=cycle,
            created_by=by,
            objective=objective,
            weights=merged,
            fixed_pairs=[list(p) for p in _pairs(fixed_pairs)],
            forbidden_pairs=[list(p) for p in _pairs(forbidden_pairs)],
            seed=seed,
        )
        _enqueue(run)
    return run


def match_run_rerun(*, run: MatchRun, by: Any) -> MatchRun:
    """A new run from the same snapshot and parameters: it must give the same proposals."""
    with transaction.atomic():
        copy = MatchRun.objects.create(
            cycle=run.cycle,
            created_by=by,
            objective=run.objective,
            weights=run.weights,
            fixed_pairs=run.fixed_pairs,
            forbidden_pairs=run.forbidden_pairs,
            seed=run.seed,
            inputs_snapshot=run.inputs_snapshot,
        )
        _enqueue(copy)
    return copy


def _enqueue(run: MatchRun) -> None:
    from .tasks import execute_match_run

    transaction.on_commit(lambda: execute_match_run.enqueue(run.pk))


def _progress(run: MatchRun, percent: int, note: str) -> None:
    MatchRun.objects.filter(pk=run.pk).update(progress=percent, progress_note=note)


def snapshot(cycle: Cycle) -> dict[str, Any]:
    """Everything the engine needs, from the database, as JSON."""
    matched = Mentorship.objects.active().filter(program=cycle.program).values("mentee_id")
    mentees = features.load_people(
        queryset=Enrollment.objects.filter(cycle=cycle)
        .active()
        .mentees()
        .exclude(member_id__in=matched),
        with_private=True,
    )
    mentors = features.load_people(
        queryset=Enrollment.objects.filter(cycle=cycle).open_mentors(), with_private=True
    )
    seats = dict(
        Enrollment.objects.filter(pk__in=mentors.enrollment_ids).values_list(
            "pk", F("capacity") - F("mentee_count")
        )
    )
    return {
        "mentees": _people_json(mentees),
        "mentors": _people_json(mentors),
        "private": sealed.seal(
            {
                "mentees": {c: getattr(mentees, c) for c in PRIVATE_COLUMNS},
                "mentors": {c: getattr(mentors, c) for c in PRIVATE_COLUMNS},
            }
        ),
        "seats": [int(seats.get(pk, 0)) for pk in mentors.enrollment_ids],
        "prioritize_without_ct_program": cycle.program.prioritize_without_ct_program,
        "blocked": _blocked_pairs(mentees, mentors),
        "rankings": rankings.snapshot(cycle),
        "stage_names": {
            str(e.pk): (e.member.stage.name if e.member.stage else "")
            for e in Enrollment.objects.filter(pk__in=mentees.enrollment_ids).select_related(
                "member__stage"
            )
        },
        "taken_at": clock.now().isoformat(),
    }


def _blocked_pairs(mentees: features.People, mentors: features.People) -> list[list[int]]:
    """Enrollment pairs whose members blocked each other: never proposed."""
    mentee_of = {m: e for e, m in zip(mentees.enrollment_ids, mentees.member_ids, strict=True)}
    mentor_of = {m: e for e, m in zip(mentors.enrollment_ids, mentors.member_ids, strict=True)}
    pairs = []
    for a, b in Block.objects.values_list("blocker_id", "blocked_id"):
        for x, y in ((a, b), (b, a)):
            if x in mentee_of and y in mentor_of:
                pairs.append([mentee_of[x], mentor_of[y]])
    return pairs


# Private identity answers and the preferences that read them: kept in the snapshot only sealed
# (core.sealed), so the run can be reproduced but nobody reading the database or the admin can read
# them. Names are left out: the engine does not need them.
PRIVATE_COLUMNS = ("genders", "backgrounds", "same_gender", "shared_background")
_LEFT_OUT = frozenset({*PRIVATE_COLUMNS, "names"})


def _people_json(people: features.People) -> dict[str, list[Any]]:
    data = dataclasses.asdict(people)
    return {
        k: [sorted(v) if isinstance(v, set) else v for v in values]
        for k, values in data.items()
        if k not in _LEFT_OUT
    }


def _people_from_json(
    data: dict[str, list[Any]], private: dict[str, list[Any]] | None = None
) -> features.People:
    set_fields = {"languages", "interests", "topics", "target_institutions"}
    fields: dict[str, Any] = {
        k: [set(v) for v in values] if k in set_fields else list(values)
        for k, values in data.items()
    }
    size = len(fields["enrollment_ids"])
    fields.setdefault("names", [""] * size)
    for column in PRIVATE_COLUMNS:
        values = (private or {}).get(column)
        fields[column] = list(values) if values is not None else fields.get(column, [0] * size)
    return features.People(**fields)


def snapshot_people(snap: dict[str, Any]) -> tuple[features.People, features.People]:
    """The mentee and mentor tables of a snapshot, private columns unsealed for the engine."""
    private = sealed.unseal(snap["private"]) if snap.get("private") else {}
    return (
        _people_from_json(snap["mentees"], private.get("mentees")),
        _people_from_json(snap["mentors"], private.get("mentors")),
    )


def match_run_execute(*, run_id: int) -> MatchRun:
    run = MatchRun.objects.select_related("cycle__program").get(pk=run_id)
    if run.status not in {MatchRun.Status.QUEUED, MatchRun.Status.FAILED}:
        return run  # already done by another worker
    MatchRun.objects.filter(pk=run.pk).update(
        status=MatchRun.Status.RUNNING, progress=5, progress_note="Loading enrollments"
    )
    try:
        if not run.inputs_snapshot:
            run.inputs_snapshot = snapshot(run.cycle)
            MatchRun.objects.filter(pk=run.pk).update(inputs_snapshot=run.inputs_snapshot)
        _progress(run, 30, "Scoring pairs")
        proposals, metrics = compute(run)
        _progress(run, 85, "Saving the preview")
        with transaction.atomic():
            MatchProposal.objects.filter(run=run).delete()
            MatchProposal.objects.bulk_create(proposals, batch_size=2000)
            MatchRun.objects.filter(pk=run.pk).update(
                status=MatchRun.Status.READY,
                metrics=metrics,
                progress=100,
                progress_note="Ready for review",
                finished_at=clock.now(),
                error="",
            )
    except Exception as error:  # a failed run must say why, not stay "running" forever
        log.exception("Match run %s failed", run.pk)
        MatchRun.objects.filter(pk=run.pk).update(
            status=MatchRun.Status.FAILED, error=str(error)[:2000], finished_at=clock.now()
        )
    run.refresh_from_db()
    return run


def compute(run: MatchRun) -> tuple[list[MatchProposal], dict[str, Any]]:
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
    metrics = _metrics(
        mentees,
        mentors,
        assignment,
        proposals,
        seats_total=int(np.asarray(snap["seats"]).sum()),
        seats=np.asarray(snap["seats"], dtype=np.int64),
        stage_names=snap.get("stage_names", {}),
        raw_scores=raw_scores,
    )
    metrics["blocking_pairs"] = unstable
    metrics["rankings"] = _rankings_met(snap, mentee_index, mentors.enrollment_ids, assignment)
    return proposals, metrics


def _rankings_met(
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


def _metrics(
    mentees: features.People,
    mentors: features.People,
    assignment: np.ndarray,
    proposals: list[MatchProposal],
    *,
    seats_total: int,
    seats: np.ndarray,
    stage_names: dict[str, str],
    raw_scores: Any,
) -> dict[str, Any]:
    matched = assignment >= 0
    scores = np.asarray([p.score for p in proposals if p.mentor_enrollment_id], dtype=float)
    loads = Counter(int(j) for j in assignment if j >= 0)
    groups: dict[str, dict[str, list[int]]] = {
        "institution": defaultdict(list),
        "stage": defaultdict(list),
        "concordance": defaultdict(list),
    }
    for i, pk in enumerate(mentees.enrollment_ids):
        groups["institution"][
            "Without a CT program" if not mentees.institution_has_ct[i] else "With a CT program"
        ].append(i)
        groups["stage"][stage_names.get(str(pk), "") or "Unknown"].append(i)
        if mentees.same_gender[i] or mentees.shared_background[i]:
            j = int(assignment[i])
            met = j >= 0 and _concordance_met(mentees, mentors, i, j)
            groups["concordance"]["Requested and met" if met else "Requested, not met"].append(i)
        else:
            groups["concordance"]["Not requested"].append(i)
    breakdowns = {}
    for name, buckets in groups.items():
        breakdowns[name] = [
            {
                "group": label,
                "mentees": len(rows),
                "matched": int(matched[rows].sum()),
                "share": round(float(matched[rows].mean()), 3) if rows else 0.0,
            }
            for label, rows in sorted(buckets.items())
        ]
    breakdowns["concordance"] = _suppress_small(breakdowns["concordance"])
    max_possible = scoring.max_matchable(raw_scores, seats)
    return {
        "mentees": len(mentees),
        "mentors": len(mentors),
        "seats": seats_total,
        "matched": int(matched.sum()),
        "share_matched": round(float(matched.mean()), 4) if len(mentees) else 0.0,
        "mean_score": round(float(scores.mean()), 4) if scores.size else None,
        "min_score": round(float(scores.min()), 4) if scores.size else None,
        "mentor_load": {str(k): v for k, v in sorted(Counter(loads.values()).items())},
        "mentors_unused": len(mentors) - len(loads),
        "breakdowns": breakdowns,
        "max_possible": max_possible,
    }


def _concordance_met(mentees: features.People, mentors: features.People, i: int, j: int) -> bool:
    ok = True
    if mentees.same_gender[i]:
        ok &= mentees.genders[i] != 0 and mentees.genders[i] == mentors.genders[j]
    if mentees.shared_background[i]:
        ok &= bool(mentees.backgrounds[i] & mentors.backgrounds[j])
    return bool(ok)


# Cells of the concordance breakdown smaller than this are hidden: "1 mentee asked and got it" would
# tell a coordinator that mentee's and that mentor's private answers.
MIN_CELL = 5


def _shown_reasons(contributions: list[tuple[str, float]]) -> list[list[Any]]:
    """A pair's factors as kept with the proposal and shown on the run page: never concordance,
    which would say per pair whether private answers matched (it is reported in aggregate)."""
    return [
        [f, round(v, 4)] for f, v in contributions if v > 0 and f != "base" and f != "concordance"
    ]


def _suppress_small(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
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


def _editable(run: MatchRun) -> None:
    if run.status != MatchRun.Status.READY:
        raise MatchRunError("Only a run that is ready for review can be changed.")


def proposal_swap(*, run: MatchRun, first: MatchProposal, second: MatchProposal) -> None:
    """Exchange the mentors of two proposed pairs, rescored from the run's snapshot (the inputs
    the run saw, so a re-run stays comparable), refusing any pair the run could not propose and
    any pair blocked since."""
    _editable(run)
    if first.run_id != run.pk or second.run_id != run.pk or first.pk == second.pk:
        raise MatchRunError("Pick two different pairs of this run.")
    if first.locked or second.locked:
        raise MatchRunError("Unlock a pair before swapping it.")
    if not (first.mentor_enrollment_id and second.mentor_enrollment_id):
        raise MatchRunError("Both pairs need a mentor to swap.")
    a, b = first.mentor_enrollment_id, second.mentor_enrollment_id
    rescore = _SnapshotScorer(run)
    new = [
        (proposal, mentor_pk, rescore.pair(proposal.mentee_enrollment_id, mentor_pk))
        for proposal, mentor_pk in ((first, b), (second, a))
    ]
    with transaction.atomic():
        for proposal, mentor_pk, contributions in new:
            MatchProposal.objects.filter(pk=proposal.pk).update(
                mentor_enrollment_id=mentor_pk,
                score=round(sum(v for _, v in contributions), 4),
                reasons=_shown_reasons(contributions),
                edited=True,
            )
        _refresh_metrics(run)


class _SnapshotScorer:
    """Scores pairs of a run from its snapshot, as `compute` scored them."""

    def __init__(self, run: MatchRun) -> None:
        snap = run.inputs_snapshot
        # With the sealed private columns, as the run saw them: insisted preferences hold here too.
        self.mentees, self.mentors = snapshot_people(snap)
        self.weights = {k: float(v) for k, v in run.weights.items()}
        self.forbidden = {
            (int(x), int(y)) for x, y in [*run.forbidden_pairs, *snap.get("blocked", [])]
        }
        self.index = scoring.MentorIndex(self.mentors)
        self.rows = scoring.MenteeRows(self.mentees, self.index)

    def pair(self, mentee_pk: int, mentor_pk: int) -> list[tuple[str, float]]:
        """The pair's score contributions, or a refusal saying why the pair is not allowed."""
        i = self.mentees.enrollment_ids.index(mentee_pk)
        j = self.mentors.enrollment_ids.index(mentor_pk)
        # Blocks filed since the snapshot count too: a block is never overridden.
        if (mentee_pk, mentor_pk) in self.forbidden or Block.objects.between(
            self.mentees.member_ids[i], self.mentors.member_ids[j]
        ).exists():
            raise MatchRunError("That swap would pair two members who may not be paired.")
        scores, factors = scoring.score_rows(self.index, self.rows, np.asarray([i]), self.weights)
        if not np.isfinite(scores[0, j]):
            raise MatchRunError(
                "That swap would pair a mentee with a mentor they are not eligible for."
            )
        return scoring.contributions(factors, 0, j, self.weights)


def proposal_lock(*, run: MatchRun, proposal: MatchProposal, locked: bool) -> None:
    _editable(run)
    MatchProposal.objects.filter(pk=proposal.pk, run=run).update(locked=locked)


def proposal_remove(*, run: MatchRun, proposal: MatchProposal) -> None:
    _editable(run)
    if proposal.locked:
        raise MatchRunError("Unlock the pair before removing it.")
    MatchProposal.objects.filter(pk=proposal.pk, run=run).update(
        mentor_enrollment=None,
        score=None,
        reasons=[],
        unmatched_reason="Removed by a coordinator",
        edited=True,
    )
    _refresh_metrics(run)


def _refresh_metrics(run: MatchRun) -> None:
    rows = list(MatchProposal.objects.filter(run=run).values_list("mentor_enrollment_id", "score"))
    scores = [s for m, s in rows if m and s is not None]
    metrics = dict(run.metrics)
    metrics["matched"] = len(scores)
    metrics["share_matched"] = round(len(scores) / len(rows), 4) if rows else 0.0
    metrics["mean_score"] = round(sum(scores) / len(scores), 4) if scores else None
    metrics["min_score"] = round(min(scores), 4) if scores else None
    metrics["edited"] = True
    MatchRun.objects.filter(pk=run.pk).update(metrics=metrics)


def match_run_publish(*, run: MatchRun, by: Any) -> dict[str, Any]:
    """Create the mentorships; skip (and report) anyone matched meanwhile or a mentor now full."""
    updated = MatchRun.objects.filter(pk=run.pk, status=MatchRun.Status.READY).update(
        status=MatchRun.Status.PUBLISHED, published_at=clock.now()
    )
    if not updated:
        raise MatchRunError(
            "This run is not ready to publish (already published, or still running)."
        )
    created: list[int] = []
    skipped: list[dict[str, Any]] = []
    proposals = list(
        MatchProposal.objects.filter(run=run, mentor_enrollment__isnull=False).select_related(
            "mentee_enrollment__cycle__program",
            "mentee_enrollment__member__user",
            "mentor_enrollment__member__user",
        )
    )
    for proposal in proposals:
        assert proposal.mentor_enrollment is not None  # filtered above
        try:
            with transaction.atomic():
                # The same lock order as accepting a request (see services.request_accept).
                mentee_enrollment_lock(enrollment_id=proposal.mentee_enrollment_id)
                mentorship = mentorship_start(
                    mentee_enrollment=proposal.mentee_enrollment,
                    mentor_enrollment=proposal.mentor_enrollment,
                    source=Mentorship.Source.MATCH_RUN,
                )
                closed = close_other_requests(mentorship=mentorship)
                mentorship_announce(mentorship=mentorship)
                requests_closed_announce(mentorship=mentorship, closed=closed)
            created.append(mentorship.pk)
        except Refusal as error:
            skipped.append(
                {"mentee": proposal.mentee_enrollment.member.display_name, "reason": str(error)}
            )
    report = {"created": len(created), "skipped": skipped}
    MatchRun.objects.filter(pk=run.pk).update(publish_report=report)
    events.emit(
        events.MATCH_RUN_PUBLISHED,
        {
            "match_run": run.pk,
            "cycle": run.cycle_id,
            "created": len(created),
            "skipped": len(skipped),
        },
    )
    return report
