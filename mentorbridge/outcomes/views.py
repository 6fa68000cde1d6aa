"""A member records their outcomes, for any year (the yearly email links here)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from mentorbridge.core import clock
from mentorbridge.members.selectors import member_for_user
from mentorbridge.mentorships.models import Mentorship

from . import services
from .forms import OutcomeForm
from .models import Outcome

FIRST_YEAR = 2015


@require_http_methods(["GET", "POST"])
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    member = member_for_user(request.user)
    this_year = clock.today().year
    years = list(range(this_year, FIRST_YEAR - 1, -1))
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and int(raw) in years else this_year
    outcome = Outcome.objects.filter(member=member, year=year).first()
    is_mentor = "mentor" in member.roles() or Mentorship.objects.filter(mentor=member).exists()
    form = OutcomeForm(request.POST or None, instance=outcome, is_mentor=is_mentor)
    if request.method == "POST":
        if form.is_valid():
            services.outcome_save(member=member, year=year, form=form)
            messages.success(request, f"Thank you: your {year} outcomes are saved.")
            return redirect(f"{request.path}?year={year}")
        status = 400
    else:
        status = 200
    recorded = Outcome.objects.filter(member=member).order_by("-year")
    return render(
        request,
        "outcomes/mine.html",
        {"form": form, "year": year, "years": years, "recorded": recorded},
        status=status,
    )
