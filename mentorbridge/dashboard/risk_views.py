"""The Task Force's list of pairs at risk (and mentees asking for a new mentor), with notes."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from mentorbridge.accounts.models import User
from mentorbridge.core.permissions import coordinator_required
from mentorbridge.core.refusals import refusal_shown
from mentorbridge.mentorships import services
from mentorbridge.mentorships.forms import RiskNoteForm
from mentorbridge.mentorships.models import AtRisk, Mentorship
from mentorbridge.mentorships.selectors import get_at_risk_for_coordinator


@require_GET
@coordinator_required
def at_risk(request: HttpRequest) -> HttpResponse:
    risks = AtRisk.objects.filter(resolved_at__isnull=True).select_related(
        "mentorship__mentee", "mentorship__mentor", "mentorship__program"
    )
    rematch = Mentorship.objects.filter(rematch_requested=True).select_related("mentee", "program")
    return render(request, "dashboard/at_risk.html", {"risks": risks, "rematch": rematch})


@require_POST
@coordinator_required
def at_risk_note(request: HttpRequest, pk: int) -> HttpResponse:
    risk = get_at_risk_for_coordinator(request.user, pk)
    form = RiskNoteForm(request.POST)
    if not form.is_valid():
        problems = [str(e) for errors in form.errors.values() for e in errors]
        messages.error(request, "The note was not saved: " + " ".join(problems))
        return redirect("dashboard:at_risk")
    with refusal_shown(request):
        services.risk_note(
            risk=risk,
            note=form.cleaned_data["note"],
            resolve=form.cleaned_data["resolve"],
            by=cast(User, request.user),
        )
        messages.success(request, "Noted.")
    return redirect("dashboard:at_risk")
