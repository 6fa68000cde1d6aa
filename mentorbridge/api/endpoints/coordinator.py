"""Task Force endpoints (the coordinate scope): members, a cycle's enrollments, match runs."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import Http404, HttpRequest
from ninja import Query, Router

from mentorbridge.dashboard.selectors import get_cycle_for_coordinator
from mentorbridge.matching import runs
from mentorbridge.matching.forms import MatchRunForm
from mentorbridge.matching.models import MatchProposal, MatchRun
from mentorbridge.members.models import Member
from mentorbridge.programs.models import Cycle, Enrollment

from .. import out
from ..auth import COORDINATE, caller
from ..bridge import validated
from ..errors import ApiError
from ..pagination import DEFAULT_LIMIT, Page, paginate
from ..schemas import (
    CycleEnrollmentOut,
    MatchRunIn,
    MatchRunOut,
    MemberOut,
    ProposalOut,
    PublishOut,
)
from .members import ERRORS, WRITE_ERRORS

router = Router(tags=["coordinators"])


def _cycle(request: HttpRequest, pk: int) -> Cycle:
    # Coordinators see every cycle, drafts too (as on their pages).
    return get_cycle_for_coordinator(caller(request).user, pk)


def _run(pk: int) -> MatchRun:
    run = MatchRun.objects.select_related("cycle__program").filter(pk=pk).first()
    if run is None:
        raise Http404("No such match run.")
    return run


@router.get("/members", response={200: Page[MemberOut], **ERRORS}, auth=COORDINATE)
def members(
    request: HttpRequest,
    q: str | None = Query(None, max_length=100, description="Words of the name or email."),
    stage: str | None = Query(None, max_length=60, description="A training stage slug."),
    active: bool | None = None,
    cursor: str | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=100),
) -> Any:
    qs = Member.objects.with_profile()
    for word in (q or "").split()[:6]:
        qs = qs.filter(Q(full_name__icontains=word) | Q(user__email__icontains=word))
    if stage:
        qs = qs.filter(stage__slug=stage)
    if active is not None:
        qs = qs.filter(user__is_active=active)
    rows, next_cursor = paginate(qs, cursor=cursor, limit=limit)
    items = [
        {
            **out.member_brief(m),
            "email": m.user.email,
            "is_active": m.user.is_active,
            "roles": m.roles(),
            "membership_category": out.term(m.membership_category),
        }
        for m in rows
    ]
    return {"items": items, "next_cursor": next_cursor}


@router.get(
    "/cycles/{cycle_id}/enrollments",
    response={200: Page[CycleEnrollmentOut], **ERRORS},
    auth=COORDINATE,
)
def cycle_enrollments(
    request: HttpRequest,
    cycle_id: int,
    role: str | None = Query(None, pattern="^(mentee|mentor)$"),
    status: str | None = Query(None, pattern="^(active|withdrawn)$"),
    cursor: str | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=100),
) -> Any:
    cycle = _cycle(request, cycle_id)
    qs = (
        Enrollment.objects.filter(cycle=cycle)
        .select_related("cycle__program", "member__user", "member__stage", "member__institution")
        .prefetch_related("topics")
    )
    if role:
        qs = qs.filter(role=role)
    if status:
        qs = qs.filter(status=status)
    rows, next_cursor = paginate(qs, cursor=cursor, limit=limit)
    items = [{**out.enrollment(e), "member": out.member_brief(e.member)} for e in rows]
    return {"items": items, "next_cursor": next_cursor}


def _run_out(run: MatchRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "cycle": run.cycle_id,
        "objective": run.objective,
        "status": run.status,
        "progress": run.progress,
        "progress_note": run.progress_note,
        "seed": run.seed,
        "weights": run.weights,
        "metrics": run.metrics,
        "publish_report": run.publish_report,
        "error": run.error,
        "created_at": run.created_at,
        "finished_at": run.finished_at,
        "published_at": run.published_at,
    }


@router.get(
    "/cycles/{cycle_id}/match-runs", response={200: Page[MatchRunOut], **ERRORS}, auth=COORDINATE
)
def match_runs(
    request: HttpRequest,
    cycle_id: int,
    status: str | None = Query(None, pattern="^(queued|running|ready|published|failed)$"),
    cursor: str | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=100),
) -> Any:
    qs = MatchRun.objects.filter(cycle=_cycle(request, cycle_id))
    if status:
        qs = qs.filter(status=status)
    rows, next_cursor = paginate(qs, cursor=cursor, limit=limit)
    return {"items": [_run_out(r) for r in rows], "next_cursor": next_cursor}


@router.post(
    "/cycles/{cycle_id}/match-runs",
    response={202: MatchRunOut, **WRITE_ERRORS},
    auth=COORDINATE,
    summary="Start a match run (it runs in the background: poll its status)",
)
def match_run_start(request: HttpRequest, cycle_id: int, payload: MatchRunIn) -> Any:
    cycle = _cycle(request, cycle_id)
    weights = cycle.program.effective_weights()
    unknown = sorted(set(payload.weights) - set(weights))
    if unknown:
        raise ApiError(
            422,
            f"Unknown score factor: {', '.join(unknown[:5])}.",
            "invalid",
            errors={"weights": [f"Known factors: {', '.join(weights)}."]},
        )
    data: dict[str, Any] = {
        "objective": payload.objective,
        "seed": payload.seed,
        "fixed_pairs": "\n".join(f"{p.mentee_email},{p.mentor_email}" for p in payload.fixed_pairs),
        "forbidden_pairs": "\n".join(
            f"{p.mentee_email},{p.mentor_email}" for p in payload.forbidden_pairs
        ),
    }
    for name, value in weights.items():
        data[f"w_{name}"] = payload.weights.get(name, value)
    form = MatchRunForm(data, weights=weights, cycle=cycle)
    cleaned = validated(form)
    run = runs.match_run_create(
        cycle=cycle,
        by=caller(request).user,
        objective=cleaned["objective"],
        weights=form.weights(),
        fixed_pairs=cleaned["fixed_pairs"],
        forbidden_pairs=cleaned["forbidden_pairs"],
        seed=cleaned["seed"],
    )
    run.refresh_from_db()
    return 202, _run_out(run)


@router.get(
    "/match-runs/{run_id}",
    response={200: MatchRunOut, **ERRORS},
    auth=COORDINATE,
    summary="A match run's status, progress and metrics",
)
def match_run(request: HttpRequest, run_id: int) -> Any:
    return _run_out(_run(run_id))


@router.get(
    "/match-runs/{run_id}/proposals",
    response={200: Page[ProposalOut], **ERRORS},
    auth=COORDINATE,
    summary="The run's preview: each mentee's proposed mentor, score and strongest factors",
)
def match_run_proposals(
    request: HttpRequest,
    run_id: int,
    unmatched: bool | None = None,
    cursor: str | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=100),
) -> Any:
    run = _run(run_id)
    qs = MatchProposal.objects.filter(run=run).select_related(
        "mentee_enrollment__member__stage",
        "mentee_enrollment__member__institution",
        "mentee_enrollment__member__user",
        "mentor_enrollment__member__stage",
        "mentor_enrollment__member__institution",
        "mentor_enrollment__member__user",
    )
    if unmatched is True:
        qs = qs.filter(mentor_enrollment__isnull=True)
    elif unmatched is False:
        qs = qs.filter(mentor_enrollment__isnull=False)
    rows, next_cursor = paginate(qs, cursor=cursor, limit=limit, newest_first=False)
    items = [
        {
            "id": p.pk,
            "mentee_enrollment": p.mentee_enrollment_id,
            "mentee": out.member_brief(p.mentee_enrollment.member),
            "mentor_enrollment": p.mentor_enrollment_id,
            "mentor": out.member_brief(p.mentor_enrollment.member) if p.mentor_enrollment else None,
            "score": p.score,
            "factors": [
                {"factor": str(name), "contribution": float(value)}
                for name, value in (p.reasons or [])
            ],
            "unmatched_reason": p.unmatched_reason,
            "locked": p.locked,
            "edited": p.edited,
        }
        for p in rows
    ]
    return {"items": items, "next_cursor": next_cursor}


@router.post(
    "/match-runs/{run_id}/publish",
    response={200: PublishOut, **WRITE_ERRORS},
    auth=COORDINATE,
    summary="Publish a ready run: its pairs become mentorships (anyone matched meanwhile is skipped)",
)
def match_run_publish(request: HttpRequest, run_id: int) -> Any:
    report = runs.match_run_publish(run=_run(run_id), by=caller(request).user)
    return {
        "created": int(report["created"]),
        "skipped": [{k: str(v) for k, v in s.items()} for s in report["skipped"]],
    }
