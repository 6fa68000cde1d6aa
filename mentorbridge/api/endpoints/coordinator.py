"""Task Force endpoints (the coordinate scope): members, a cycle's enrollments, match runs."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db.models import Q
from django.http import HttpRequest
from ninja import Router

# `Query(default, ge=...)` as a default: the function ninja.Query calls (ninja.Query itself is,
# to mypy, the generic alias `Query[T]`, and calling it without a parameter is an error).
from ninja.params.functions import Query

from mentorbridge.dashboard import exports
from mentorbridge.dashboard import figures as dashboard_figures
from mentorbridge.dashboard import services as dashboard_services
from mentorbridge.matching import runs
from mentorbridge.matching.forms import MatchRunForm
from mentorbridge.matching.models import MatchProposal, MatchRun
from mentorbridge.matching.selectors import get_run_for_coordinator
from mentorbridge.members.models import Member
from mentorbridge.programs.models import Cycle, Enrollment
from mentorbridge.programs.selectors import get_cycle_for_coordinator

from .. import out
from .. import webhooks as webhook_services
from ..auth import COORDINATE, caller
from ..bridge import validated
from ..errors import ApiError
from ..models import Webhook, WebhookDelivery
from ..pagination import DEFAULT_LIMIT, Page, page_of
from ..schemas import (
    CycleEnrollmentOut,
    DeliveryOut,
    ExportOut,
    FiguresOut,
    MatchRunIn,
    MatchRunOut,
    MemberOut,
    ProposalOut,
    PublishOut,
    WebhookCreated,
    WebhookIn,
    WebhookOut,
)
from ..selectors import get_webhook_for_coordinator, webhooks_for_coordinator
from .members import ERRORS, WRITE_ERRORS

router = Router(tags=["coordinators"])


def _cycle(request: HttpRequest, pk: int) -> Cycle:
    # Coordinators see every cycle, drafts too (as on their pages).
    return get_cycle_for_coordinator(caller(request).user, pk)


def _run(request: HttpRequest, pk: int) -> MatchRun:
    return get_run_for_coordinator(caller(request).user, pk)


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
    return page_of(qs, out.member_row, cursor=cursor, limit=limit)


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
    return page_of(qs, out.cycle_enrollment, cursor=cursor, limit=limit)


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
    return page_of(qs, out.match_run, cursor=cursor, limit=limit)


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
    return 202, out.match_run(run)


@router.get(
    "/match-runs/{run_id}",
    response={200: MatchRunOut, **ERRORS},
    auth=COORDINATE,
    summary="A match run's status, progress and metrics",
)
def match_run(request: HttpRequest, run_id: int) -> Any:
    return out.match_run(_run(request, run_id))


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
    run = _run(request, run_id)
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
    return page_of(qs, out.proposal, cursor=cursor, limit=limit, newest_first=False)


@router.post(
    "/match-runs/{run_id}/publish",
    response={200: PublishOut, **WRITE_ERRORS},
    auth=COORDINATE,
    summary="Publish a ready run: its pairs become mentorships (anyone matched meanwhile is skipped)",
)
def match_run_publish(request: HttpRequest, run_id: int) -> Any:
    report = runs.match_run_publish(run=_run(request, run_id), by=caller(request).user)
    return {
        "created": int(report["created"]),
        "skipped": [{k: str(v) for k, v in s.items()} for s in report["skipped"]],
    }


def _webhook(request: HttpRequest, pk: int) -> Webhook:
    return get_webhook_for_coordinator(caller(request).user, pk)


@router.get("/webhooks", response={200: Page[WebhookOut], **ERRORS}, auth=COORDINATE)
def webhooks_list(
    request: HttpRequest, cursor: str | None = None, limit: int = Query(DEFAULT_LIMIT, ge=1, le=100)
) -> Any:
    return page_of(
        webhooks_for_coordinator(caller(request).user), out.webhook, cursor=cursor, limit=limit
    )


@router.post(
    "/webhooks",
    response={201: WebhookCreated, **WRITE_ERRORS},
    auth=COORDINATE,
    summary="Register a URL for events (the signing secret is shown once)",
)
def webhook_create(request: HttpRequest, payload: WebhookIn) -> Any:
    try:
        hook = webhook_services.webhook_create(
            by=caller(request).user, url=payload.url, events=list(payload.events)
        )
    except webhook_services.WebhookError as error:
        raise ApiError(422, str(error), "invalid", errors={"url": [str(error)]}) from None
    return 201, {**out.webhook(hook), "secret": hook.secret}


@router.post(
    "/webhooks/{webhook_id}/delete",
    response={200: WebhookOut, **WRITE_ERRORS},
    auth=COORDINATE,
    summary="Stop a webhook (its delivery history is kept)",
)
def webhook_delete(request: HttpRequest, webhook_id: int) -> Any:
    hook = webhook_services.webhook_set_active(
        webhook=_webhook(request, webhook_id), active=False, by=caller(request).user
    )
    return out.webhook(hook)


@router.get(
    "/webhooks/{webhook_id}/deliveries",
    response={200: Page[DeliveryOut], **ERRORS},
    auth=COORDINATE,
    summary="Deliveries with their attempts and the receiver's answer",
)
def webhook_deliveries(
    request: HttpRequest,
    webhook_id: int,
    status: str | None = Query(None, pattern="^(pending|delivered|failed)$"),
    cursor: str | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=100),
) -> Any:
    qs = WebhookDelivery.objects.filter(webhook=_webhook(request, webhook_id))
    if status:
        qs = qs.filter(status=status)
    return page_of(qs, out.delivery, cursor=cursor, limit=limit)


@router.get(
    "/cycles/{cycle_id}/figures",
    response={200: FiguresOut, **ERRORS},
    auth=COORDINATE,
    summary="The program dashboard's figures for a cycle (small groups suppressed, as on the page)",
)
def cycle_figures(request: HttpRequest, cycle_id: int) -> Any:
    figures = dashboard_figures.cycle_figures(_cycle(request, cycle_id))
    return {
        "cycle": figures.cycle.pk,
        "headline": figures.headline,
        "tables": [
            {
                "slug": t.slug,
                "title": t.title,
                "headers": t.headers,
                "rows": t.rows,
                "note": t.note,
            }
            for t in figures.tables.values()
        ],
    }


def _cell(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


EXPORTS = {
    "enrollments": (exports.ENROLLMENT_HEADERS, exports.enrollment_rows),
    "pairs": (exports.PAIR_HEADERS, exports.pair_rows),
}


@router.get(
    "/cycles/{cycle_id}/exports/{what}",
    response={200: ExportOut, **ERRORS},
    auth=COORDINATE,
    summary="A cycle's enrollments or pairs, as the dashboard's exports (recorded in the audit)",
)
def cycle_export(request: HttpRequest, cycle_id: int, what: Literal["enrollments", "pairs"]) -> Any:
    cycle = _cycle(request, cycle_id)
    headers, rows_for = EXPORTS[what]
    rows = [[_cell(value) for value in row] for row in rows_for(cycle)]
    dashboard_services.export_record(
        user=caller(request).user, what=what, fmt="json", target=cycle, rows=len(rows)
    )
    return {"what": what, "cycle": cycle.pk, "headers": list(headers), "rows": rows}
