"""Execute a queued run (the task's work): snapshot the cycle if needed, compute, save the preview.
A run superseded meanwhile (another run of its cycle was published) stays superseded."""

from __future__ import annotations

import logging

from django.db import transaction

from mentorbridge.core import clock

from ..models import MatchProposal, MatchRun
from .compute import compute
from .inputs import snapshot

log = logging.getLogger(__name__)


def _progress(run: MatchRun, percent: int, note: str) -> None:
    MatchRun.objects.filter(pk=run.pk).update(progress=percent, progress_note=note)


def match_run_execute(*, run_id: int) -> MatchRun:
    run = MatchRun.objects.select_related("cycle__program").get(pk=run_id)
    # RUNNING too: a run's task runs again only when its worker died mid-run and recover_tasks
    # re-queued it; the preview is written whole in one transaction, so nothing is half-saved.
    started = MatchRun.objects.filter(
        pk=run.pk,
        status__in=[MatchRun.Status.QUEUED, MatchRun.Status.RUNNING, MatchRun.Status.FAILED],
    ).update(status=MatchRun.Status.RUNNING, progress=5, progress_note="Loading enrollments")
    if not started:
        run.refresh_from_db()
        return run  # done by another worker, or superseded before it started
    try:
        if not run.inputs_snapshot:
            run.inputs_snapshot = snapshot(run.cycle)
            MatchRun.objects.filter(pk=run.pk).update(inputs_snapshot=run.inputs_snapshot)
        _progress(run, 30, "Scoring pairs")
        proposals, metrics = compute(run)
        _progress(run, 85, "Saving the preview")
        with transaction.atomic():
            # Only a run still running becomes ready: one superseded meanwhile stays so.
            if not MatchRun.objects.filter(pk=run.pk, status=MatchRun.Status.RUNNING).exists():
                run.refresh_from_db()
                return run
            MatchProposal.objects.filter(run=run).delete()
            MatchProposal.objects.bulk_create(proposals, batch_size=2000)
            MatchRun.objects.filter(pk=run.pk, status=MatchRun.Status.RUNNING).update(
                status=MatchRun.Status.READY,
                metrics=metrics,
                progress=100,
                progress_note="Ready for review",
                finished_at=clock.now(),
                error="",
            )
    except Exception as error:  # a failed run must say why, not stay "running" forever
        log.exception("Match run %s failed", run.pk)
        MatchRun.objects.filter(pk=run.pk, status=MatchRun.Status.RUNNING).update(
            status=MatchRun.Status.FAILED, error=str(error)[:2000], finished_at=clock.now()
        )
    run.refresh_from_db()
    return run
