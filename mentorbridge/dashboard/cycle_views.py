"""Coordinator pages for programs and cycles: the Coordinate page, new cycles, opening and closing
them, and the cycle's mentoring certificates."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentorbridge.core.permissions import coordinator_required
from mentorbridge.core.refusals import refusal_shown
from mentorbridge.mentorships import certificate as certificates
from mentorbridge.programs import services
from mentorbridge.programs.forms import CycleForm
from mentorbridge.programs.models import Cycle, Program
from mentorbridge.programs.selectors import get_cycle_for_coordinator


@require_GET
@coordinator_required
def coordinate(request: HttpRequest) -> HttpResponse:
    programs = Program.objects.prefetch_related("cycles")
    return render(request, "dashboard/coordinate.html", {"programs": programs})


@require_http_methods(["GET", "POST"])
@coordinator_required
def cycle_create(request: HttpRequest) -> HttpResponse:
    form = CycleForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            cycle = services.cycle_create(**form.cleaned_data)
            messages.success(request, f"{cycle} is created as a draft. Open it when you are ready.")
            return redirect("dashboard:coordinate")
        return render(request, "dashboard/cycle_form.html", {"form": form}, status=400)
    return render(request, "dashboard/cycle_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@coordinator_required
def cycle_status(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what the change will do, with counts, and a button to do it; POST: do it. The page
    works without JavaScript, so a coordinator never closes a cycle with one stray click."""
    cycle = get_cycle_for_coordinator(request.user, pk)
    status = (request.POST if request.method == "POST" else request.GET).get("status", "")
    if status not in Cycle.Status.values or status == Cycle.Status.DRAFT:
        messages.error(request, "Pick open or closed.")
        return redirect("dashboard:coordinate")
    if request.method == "GET":
        return render(
            request,
            "dashboard/cycle_status.html",
            {
                "cycle": cycle,
                "status": status,
                "reopen": cycle.status == Cycle.Status.CLOSED,
                "summary": services.cycle_close_summary(cycle),
            },
        )
    with refusal_shown(request):
        services.cycle_set_status(cycle=cycle, status=status, by=request.user)
        messages.success(request, f"{cycle} is now {cycle.get_status_display().lower()}.")
    return redirect("dashboard:coordinate")


@require_POST
@coordinator_required
def certificates_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """Tell every mentor with a completed mentorship in the cycle that their certificate is ready."""
    cycle = get_cycle_for_coordinator(request.user, pk)
    told, before = certificates.certificates_issue(cycle=cycle, by=request.user)
    if told + before == 0:
        messages.info(request, f"No mentor has a completed mentorship in {cycle} yet.")
    else:
        messages.success(
            request,
            f"Certificates issued for {cycle}: {told} mentor{'s' if told != 1 else ''} told now"
            + (f", {before} already told before." if before else "."),
        )
    return redirect("dashboard:coordinate")


@require_GET
@coordinator_required
def certificates_zip(request: HttpRequest, pk: int) -> HttpResponse:
    """All the cycle's certificates in one ZIP file, to print or send to program directors."""
    cycle = get_cycle_for_coordinator(request.user, pk)
    if not certificates.certified_mentors(cycle):
        messages.info(request, f"No mentor has a completed mentorship in {cycle} yet.")
        return redirect("dashboard:coordinate")
    response = HttpResponse(certificates.certificates_zip(cycle), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="certificates-cycle-{cycle.pk}.zip"'
    return response
