"""The coordinators' queue of stage changes waiting for verification, and enrollments that no
longer fit their member's stage."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from mentorbridge.core.permissions import coordinator_required
from mentorbridge.core.refusals import refusal_shown
from mentorbridge.members import services
from mentorbridge.members.forms import StageChangeDecisionForm
from mentorbridge.members.models import StageChange
from mentorbridge.members.selectors import get_pending_stage_change, member_for_user
from mentorbridge.programs.models import Enrollment


@require_GET
@coordinator_required
def queue(request: HttpRequest) -> HttpResponse:
    pending = (
        StageChange.objects.pending()
        .select_related("member__user", "member__institution", "from_stage", "to_stage")
        .order_by("requested_at", "pk")
    )
    misfits = (
        Enrollment.objects.not_fitting_stage()
        .select_related("member__user", "member__stage", "cycle__program")
        .order_by("cycle__program_id", "cycle_id", "role", "pk")
    )
    recent = (
        StageChange.objects.exclude(status=StageChange.Status.PENDING)
        .exclude(source=StageChange.Source.MEMBER, status=StageChange.Status.APPROVED)
        .select_related("member__user", "from_stage", "to_stage", "decided_by")
        .order_by("-decided_at", "-pk")[:20]
    )
    return render(
        request,
        "dashboard/stage_changes.html",
        {"pending": pending, "misfits": misfits, "recent": recent},
    )


@require_POST
@coordinator_required
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    change = get_pending_stage_change(pk)
    coordinator = member_for_user(request.user)
    form = StageChangeDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose Approve or Refuse; a reason has at most 500 characters.")
        return redirect("dashboard:stage_changes")
    with refusal_shown(request):
        if form.cleaned_data["decision"] == "approve":
            services.stage_change_approve(change=change, by=coordinator)
            messages.success(
                request, f"{change.member} is now {change.to_stage.name}; they have been told."
            )
        else:
            services.stage_change_refuse(
                change=change, by=coordinator, note=form.cleaned_data["note"]
            )
            kept = change.from_stage or "no stage"
            messages.success(request, f"{change.member} keeps {kept}; they have been told.")
    return redirect("dashboard:stage_changes")
