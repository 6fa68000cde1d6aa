"""Coordinator pages for match runs: start, watch progress, review, adjust, publish."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentorbridge.core.audit import audit_record
from mentorbridge.core.permissions import coordinator_required
from mentorbridge.core.refusals import Refusal, refusal_shown
from mentorbridge.programs.models import Cycle

from . import runs
from .forms import MatchRunForm
from .models import MatchProposal, MatchRun, MentorshipRequest


def _run(pk: int) -> MatchRun:
    run = MatchRun.objects.select_related("cycle__program", "created_by").filter(pk=pk).first()
    if run is None:
        raise Http404("No such match run.")
    return run


def _proposal(run: MatchRun, raw: str | None) -> MatchProposal:
    proposal = (
        MatchProposal.objects.filter(run=run, pk=int(raw) if raw and raw.isdigit() else 0)
        .select_related("mentee_enrollment__member", "mentor_enrollment__member")
        .first()
    )
    if proposal is None:
        raise Refusal("Pick a pair from this run.")
    return proposal


@require_http_methods(["GET", "POST"])
@coordinator_required
def run_list(request: HttpRequest, cycle_pk: int) -> HttpResponse:
    cycle = get_object_or_404(Cycle.objects.select_related("program"), pk=cycle_pk)
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
                return redirect("matching:run", run.pk)
        status = 400
    else:
        status = 200
    history = MatchRun.objects.filter(cycle=cycle).select_related("created_by")[:20]
    return render(
        request,
        "matching/runs.html",
        {"cycle": cycle, "form": form, "history": history},
        status=status,
    )


@require_GET
@coordinator_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(pk)
    if request.htmx and run.status in {MatchRun.Status.QUEUED, MatchRun.Status.RUNNING}:  # type: ignore[attr-defined]
        return render(request, "matching/_run_progress.html", {"run": run})
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
        proposal.why = _why(proposal.reasons)  # type: ignore[attr-defined]
    template = "matching/run.html"
    if request.htmx:  # type: ignore[attr-defined]
        # Progress finished: tell htmx to load the whole page.
        response = HttpResponse()
        response["HX-Refresh"] = "true"
        return response
    return render(request, template, {"run": run, "page": page})


@require_GET
@coordinator_required
def run_publish_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """What publishing will do, counted, before the coordinator does it (the form posts the
    publish action; a plain page, so it works without JavaScript)."""
    run = _run(pk)
    if run.status != MatchRun.Status.READY:
        messages.error(
            request, "This run is not ready to publish (already published, or still running)."
        )
        return redirect("matching:run", run.pk)
    return render(request, "matching/run_publish.html", {"run": run, **runs_summary(run)})


def runs_summary(run: MatchRun) -> dict[str, int]:
    proposals = MatchProposal.objects.filter(run=run, mentor_enrollment__isnull=False)
    pairs = proposals.count()
    mentee_ids = proposals.values("mentee_enrollment__member_id")
    return {
        "pairs": pairs,
        # Each new pair's two members get the "you are now a pair" email.
        "emails": 2 * pairs,
        "mentors": proposals.values("mentor_enrollment_id").distinct().count(),
        "unmatched": MatchProposal.objects.filter(run=run, mentor_enrollment__isnull=True).count(),
        # Publishing supersedes the cycle's other unpublished runs (runs.match_run_publish).
        "superseded": MatchRun.objects.filter(cycle_id=run.cycle_id)
        .exclude(pk=run.pk)
        .exclude(status__in=[MatchRun.Status.PUBLISHED, MatchRun.Status.SUPERSEDED])
        .count(),
        "requests_closed": MentorshipRequest.objects.filter(
            state=MentorshipRequest.State.PENDING,
            cycle__program_id=run.cycle.program_id,
            mentee_enrollment__member_id__in=mentee_ids,
        ).count(),
    }


def _why(reasons: list[list[object]]) -> str:
    """The strongest factors of a pair's score, in words, with their share of it: a coordinator
    scanning hundreds of pairs reads "shared interests 41% · topics covered 27%" at a glance."""
    parts = sorted(
        # Concordance is never shown per pair (runs keep it out; older runs may still hold it).
        (
            (str(name), float(value))  # type: ignore[arg-type]
            for name, value in reasons
            if float(value) > 0 and name != "concordance"  # type: ignore[arg-type]
        ),
        key=lambda part: -part[1],
    )
    total = sum(value for _, value in parts)
    if not total:
        return ""
    return " · ".join(
        f"{FACTOR_NAMES.get(name, name)} {round(100 * value / total)}%" for name, value in parts[:3]
    )


FACTOR_NAMES = {
    "interests": "shared interests",
    "topics": "topics covered",
    "programs": "target program",
    "region": "region",
    "time_zone": "time zone",
    "language": "language",
    "meeting": "meeting style",
    "text": "goals/bio similarity",
}


def _pair_words(proposal: MatchProposal) -> str:
    """A pair as the audit log names it, read before the change."""
    mentee = proposal.mentee_enrollment.member.display_name
    mentor = proposal.mentor_enrollment.member.display_name if proposal.mentor_enrollment else "—"
    return f"{mentee} – {mentor}"


@require_POST
@coordinator_required
def run_action(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(pk)
    action = request.POST.get("action", "")
    try:
        if action == "swap":
            picked = request.POST.getlist("pick")
            if len(picked) != 2:
                raise Refusal("Tick exactly two pairs to swap their mentors.")
            first, second = _proposal(run, picked[0]), _proposal(run, picked[1])
            runs.proposal_swap(run=run, first=first, second=second)
            audit_record(
                actor=request.user,
                target=run,
                message=f"Swapped the mentors of {_pair_words(first)} and {_pair_words(second)}",
            )
            messages.success(request, "Pairs swapped.")
        elif action in {"lock", "unlock"}:
            proposal = _proposal(run, request.POST.get("proposal"))
            runs.proposal_lock(run=run, proposal=proposal, locked=action == "lock")
            audit_record(
                actor=request.user,
                target=run,
                message=f"{action.capitalize()}ed the pair {_pair_words(proposal)}",
            )
            messages.success(request, "Pair locked." if action == "lock" else "Pair unlocked.")
        elif action == "remove":
            proposal = _proposal(run, request.POST.get("proposal"))
            runs.proposal_remove(run=run, proposal=proposal)
            audit_record(
                actor=request.user, target=run, message=f"Removed the pair {_pair_words(proposal)}"
            )
            messages.success(request, "Pair removed from the proposal.")
        elif action == "publish":
            report = runs.match_run_publish(run=run, by=request.user)
            skipped = len(report["skipped"])
            audit_record(
                actor=request.user,
                target=run,
                message=f"Published: {report['created']} created, {skipped} skipped",
            )
            created = report["created"]
            messages.success(
                request,
                f"Published: {created} mentorship{pluralize(created)} created"
                + (f", {skipped} skipped (see the report)." if skipped else "."),
            )
        elif action == "rerun":
            copy = runs.match_run_rerun(run=run, by=request.user)
            messages.success(request, "Re-running from the same snapshot.")
            return redirect("matching:run", copy.pk)
        else:
            messages.error(request, "Unknown action.")
    except Refusal as error:
        messages.error(request, str(error))
    return redirect("matching:run", run.pk)
