"""A run's life: created (queued for the task), re-run from its snapshot, published. Publishing
supersedes the cycle's other unpublished runs, so a stale run can never be published afterwards
(it would undo the coordinator's edits of the published one)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from mentorbridge.core import clock, events
from mentorbridge.core.audit import audit_record
from mentorbridge.core.permissions import is_coordinator
from mentorbridge.core.refusals import Refusal
from mentorbridge.mentorships.models import Mentorship
from mentorbridge.mentorships.services import (
    mentee_enrollment_lock,
    mentorship_announce,
    mentorship_start,
)
from mentorbridge.programs.models import Cycle

from ..models import MatchProposal, MatchRun
from ..services import close_other_requests, requests_closed_announce
from ..tasks import execute_match_run


def _pairs(raw: Any) -> list[tuple[int, int]]:
    pairs = []
    for item in raw or []:
        if not (
            isinstance(item, list | tuple)
            and len(item) == 2
            and all(isinstance(x, int) for x in item)
        ):
            raise Refusal("Pairs must be [mentee enrollment id, mentor enrollment id].")
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
    """Queue a run of an open cycle: coordinators only (`by` is the coordinator's User)."""
    if not is_coordinator(by):
        raise Refusal("Coordinators start match runs.")
    if cycle.status != Cycle.Status.OPEN:
        raise Refusal(f"{cycle} is not open; match runs need an open cycle.")
    if objective not in MatchRun.Objective.values:
        raise Refusal("Choose an objective.")
    merged = cycle.program.effective_weights()
    for name, value in (weights or {}).items():
        if name not in merged:
            raise Refusal(f"Unknown score factor “{name}”.")
        if not isinstance(value, int | float) or not 0 <= value <= 100:
            raise Refusal(f"The weight of {name} must be a number from 0 to 100.")
        merged[name] = float(value)
    if not any(merged.values()):
        raise Refusal("At least one weight must be above zero.")
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
    """A new run from the same snapshot and parameters: it must give the same proposals.
    Coordinators only."""
    if not is_coordinator(by):
        raise Refusal("Coordinators start match runs.")
    if run.status == MatchRun.Status.SUPERSEDED:
        raise Refusal(
            "This run was superseded when another run of the cycle was published; "
            "start a new run to match who is still unmatched."
        )
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
    transaction.on_commit(lambda: execute_match_run.enqueue(run.pk))


# Statuses of a run that has not been published: publishing another run of the cycle ends them.
UNPUBLISHED = (
    MatchRun.Status.QUEUED,
    MatchRun.Status.RUNNING,
    MatchRun.Status.READY,
    MatchRun.Status.FAILED,
)


def match_run_publish(*, run: MatchRun, by: Any) -> dict[str, Any]:
    """Create the mentorships; skip (and report) anyone matched meanwhile, a mentor now full or a
    pair blocked since. The cycle's other unpublished runs are superseded in the same transaction:
    their proposals predate this publication and would undo its edits. The report goes in the
    audit log under `by`, who must be a coordinator (refused before anything is written)."""
    if not is_coordinator(by):
        raise Refusal("Coordinators publish match runs.")
    with transaction.atomic():
        # The cycle row orders concurrent publishes of two runs of one cycle: the second waits,
        # then finds its run superseded.
        list(Cycle.objects.select_for_update().filter(pk=run.cycle_id).values_list("pk"))
        updated = MatchRun.objects.filter(pk=run.pk, status=MatchRun.Status.READY).update(
            status=MatchRun.Status.PUBLISHED, published_at=clock.now()
        )
        if not updated:
            current = MatchRun.objects.filter(pk=run.pk).values_list("status", flat=True).first()
            if current == MatchRun.Status.SUPERSEDED:
                raise Refusal(
                    "This run was superseded: another run of the cycle was published after it "
                    "was computed. Start a new run to match who is still unmatched."
                )
            raise Refusal("This run is not ready to publish (already published, or still running).")
        MatchRun.objects.filter(cycle_id=run.cycle_id, status__in=UNPUBLISHED).exclude(
            pk=run.pk
        ).update(status=MatchRun.Status.SUPERSEDED, superseded_by=run)
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
    with transaction.atomic():
        MatchRun.objects.filter(pk=run.pk).update(publish_report=report)
        # Here, not in a view: the page and the API publish alike, and both are in the audit log.
        audit_record(
            actor=by,
            target=run,
            message=f"Published: {len(created)} created, {len(skipped)} skipped",
        )
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
