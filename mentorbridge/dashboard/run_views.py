"""Coordinator pages for match runs: start, watch progress, review, adjust, publish.

One view per action on a run (re-run, swap, lock, unlock, remove, publish); each fetches the run
(and the pairs it names) through the access-checked selectors and calls one service.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentorbridge.core.htmx import HtmxHttpRequest
from mentorbridge.core.permissions import coordinator_required
from mentorbridge.core.refusals import Refusal, refusal_shown
from mentorbridge.matching import runs
from mentorbridge.matching.engine import factors
from mentorbridge.matching.forms import MatchRunForm
from mentorbridge.matching.models import MatchProposal, MatchRun
from mentorbridge.matching.selectors import (
    get_proposal_for_coordinator,
    get_run_for_coordinator,
    run_publish_summary,
)
from mentorbridge.programs.selectors import get_cycle_for_coordinator


@require_http_methods(["GET", "POST"])
@coordinator_required
def run_list(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_cycle_for_coordinator(request.user, cycle_pk)
    form = MatchRunForm(
        request.POST or None, weights=cycle.program.effective_weights(), cycle=cycle
    )
    if request.method == "POST":
        if form.is_valid():
            with refusal_shown(request):
                run = runs.match_run_create(
                    cycle=cycle,
                    by=request.user,
                    objective=form.cleaned_data["objective"],
                    weights=form.weights(),
                    fixed_pairs=form.cleaned_data["fixed_pairs"],
                    forbidden_pairs=form.cleaned_data["forbidden_pairs"],
                    seed=form.cleaned_data["seed"],
                )
                return redirect("dashboard:run", run.pk)
        status = 400
    else:
        status = 200
    history = MatchRun.objects.filter(cycle=cycle).select_related("created_by")[:20]
    return render(
        request,
        "dashboard/runs.html",
        {"cycle": cycle, "form": form, "history": history},
        status=status,
    )


@require_GET
@coordinator_required
def run_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    run = get_run_for_coordinator(request.user, pk)
    if request.htmx and run.status in {MatchRun.Status.QUEUED, MatchRun.Status.RUNNING}:
        return render(request, "dashboard/_run_progress.html", {"run": run})
    proposals = run.proposals.select_related(
        "mentee_enrollment__member__stage",
        "mentee_enrollment__member__institution",
        "mentor_enrollment__member__stage",
        "mentor_enrollment__member__institution",
    ).order_by("mentor_enrollment_id" if request.GET.get("sort") == "mentor" else "pk")
    if request.GET.get("show") == "unmatched":
        proposals = proposals.filter(mentor_enrollment__isnull=True)
    page = Paginator(proposals, 50).get_page(request.GET.get("page"))
    for proposal in page:
        proposal.why = _why(proposal.reasons)  # type: ignore[attr-defined]  # for the template
    if request.htmx:
        # Progress finished: tell htmx to load the whole page.
        response = HttpResponse()
        response["HX-Refresh"] = "true"
        return response
    return render(request, "dashboard/run.html", {"run": run, "page": page})


def _why(reasons: Iterable[Sequence[str | float]]) -> str:
    """The strongest factors of a pair's score, in words, with their share of it: a coordinator
    scanning hundreds of pairs reads "shared interests 41% · topics covered 27%" at a glance."""
    parts = sorted(
        # Concordance is never shown per pair (runs keep it out; older runs may still hold it).
        (
            (str(name), float(value))
            for name, value in reasons
            if float(value) > 0 and name != "concordance"
        ),
        key=lambda part: -part[1],
    )
    total = sum(value for _, value in parts)
    if not total:
        return ""
    return " · ".join(f"{_short(name)} {round(100 * value / total)}%" for name, value in parts[:3])


def _short(name: str) -> str:
    """A factor's words in a pair's summary, from the engine's registry of factors."""
    factor = factors.BY_NAME.get(name)
    return factor.short if factor else name


def _edit(request: HttpRequest, pk: int, edit: Callable[[MatchRun], str]) -> HttpResponse:
    """One adjustment of a run's proposal: the run fetched for a coordinator, refusals shown, back
    to the run's page."""
    run = get_run_for_coordinator(request.user, pk)
    with refusal_shown(request):
        messages.success(request, edit(run))
    return redirect("dashboard:run", run.pk)


def _proposal(request: HttpRequest, run: MatchRun, raw: str | None) -> MatchProposal:
    """The pair a form names; a pair of another run (or none) is 'not found'."""
    if not raw or not raw.isdigit() or len(raw) > 12:
        raise Refusal("Pick a pair from this run.")
    return get_proposal_for_coordinator(request.user, int(raw), run=run)


@require_POST
@coordinator_required
def run_swap(request: HttpRequest, pk: int) -> HttpResponse:
    def edit(run: MatchRun) -> str:
        picked = request.POST.getlist("pick")
        if len(picked) != 2:
            raise Refusal("Tick exactly two pairs to swap their mentors.")
        first, second = _proposal(request, run, picked[0]), _proposal(request, run, picked[1])
        runs.proposal_swap(run=run, first=first, second=second, by=request.user)
        return "Pairs swapped."

    return _edit(request, pk, edit)


def _lock(request: HttpRequest, pk: int, *, locked: bool) -> HttpResponse:
    def edit(run: MatchRun) -> str:
        proposal = _proposal(request, run, request.POST.get("proposal"))
        runs.proposal_lock(run=run, proposal=proposal, locked=locked, by=request.user)
        return "Pair locked." if locked else "Pair unlocked."

    return _edit(request, pk, edit)


@require_POST
@coordinator_required
def run_lock(request: HttpRequest, pk: int) -> HttpResponse:
    return _lock(request, pk, locked=True)


@require_POST
@coordinator_required
def run_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    return _lock(request, pk, locked=False)


@require_POST
@coordinator_required
def run_remove(request: HttpRequest, pk: int) -> HttpResponse:
    def edit(run: MatchRun) -> str:
        proposal = _proposal(request, run, request.POST.get("proposal"))
        runs.proposal_remove(run=run, proposal=proposal, by=request.user)
        return "Pair removed from the proposal."

    return _edit(request, pk, edit)


@require_POST
@coordinator_required
def run_rerun(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_run_for_coordinator(request.user, pk)
    with refusal_shown(request):
        copy = runs.match_run_rerun(run=run, by=request.user)
        messages.success(request, "Re-running from the same snapshot.")
        return redirect("dashboard:run", copy.pk)
    return redirect("dashboard:run", run.pk)


@require_http_methods(["GET", "POST"])
@coordinator_required
def run_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what publishing will do, counted, and the button to do it (a plain page, so it works
    without JavaScript); POST: publish."""
    run = get_run_for_coordinator(request.user, pk)
    if request.method == "GET":
        if run.status != MatchRun.Status.READY:
            messages.error(
                request, "This run is not ready to publish (already published, or still running)."
            )
            return redirect("dashboard:run", run.pk)
        return render(
            request, "dashboard/run_publish.html", {"run": run, **run_publish_summary(run)}
        )
    with refusal_shown(request):
        report = runs.match_run_publish(run=run, by=request.user)
        skipped = len(report["skipped"])
        created = report["created"]
        messages.success(
            request,
            f"Published: {created} mentorship{pluralize(created)} created"
            + (f", {skipped} skipped (see the report)." if skipped else "."),
        )
    return redirect("dashboard:run", run.pk)
