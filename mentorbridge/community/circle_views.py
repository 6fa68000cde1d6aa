"""Mentoring circle pages: the list, proposing one, a circle (applications, workspace), and the
coordinators' decisions and placement run. Thin: a permission-checked fetch, a form, one service
call; refusals become messages."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Avg, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentorbridge.core import clock
from mentorbridge.core.permissions import coordinator_required, is_coordinator
from mentorbridge.core.refusals import Refusal, refusal_shown
from mentorbridge.members.models import Member, time_zone_names
from mentorbridge.members.selectors import member_for_user
from mentorbridge.mentorships.forms import AgreementForm, MeetingForm, MessageForm
from mentorbridge.mentorships.models import Resource
from mentorbridge.mentorships.text import render_message
from mentorbridge.programs.models import Cycle

from . import circle_workspace as workspace
from . import circles
from .forms import (
    CircleApplicationForm,
    CircleCheckInForm,
    CircleDecisionForm,
    CircleForm,
    CircleMeetingLogForm,
)
from .models import (
    Circle,
    CircleApplication,
    CircleCheckIn,
    CircleMeeting,
    CircleMember,
    CircleNorms,
)
from .selectors import CircleAccess, circles_for, get_circle_for_member, programs_for, roles_in


def _errors(form: object) -> str:
    errors = getattr(form, "errors", {})
    return " ".join(str(e) for field in errors.values() for e in field)


def _cycles_for_leader(member: Member) -> QuerySet[Cycle]:
    mentor_programs = [p for p in programs_for(member) if "mentor" in roles_in(member, p)]
    return (
        Cycle.objects.filter(program__in=mentor_programs, term_end__gte=clock.today())
        .exclude(status=Cycle.Status.CLOSED)
        .select_related("program")
        .order_by("program__name", "-enrollment_opens")
    )


@require_GET
@login_required
def circle_index(request: HttpRequest) -> HttpResponse:
    member = member_for_user(request.user)
    shown = list(circles_for(member).order_by("starts_on", "pk"))
    mine = set(
        CircleMember.objects.filter(mentee=member, active=True).values_list("circle_id", flat=True)
    )
    applied = dict(
        CircleApplication.objects.filter(mentee=member).values_list("circle_id", "status")
    )
    labels = dict(CircleApplication.Status.choices)
    rows = [
        {
            "circle": c,
            "leading": c.leader_id == member.pk,
            "member": c.pk in mine,
            "applied": labels.get(applied.get(c.pk, ""), ""),
        }
        for c in shown
    ]
    coordinator = is_coordinator(request.user)
    return render(
        request,
        "community/circle_index.html",
        {
            "rows": rows,
            "is_coordinator": coordinator,
            "can_lead": _cycles_for_leader(member).exists(),
            "placement_cycles": Cycle.objects.filter(circles__status=Circle.Status.OPEN)
            .distinct()
            .select_related("program")
            if coordinator
            else [],
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def circle_new(request: HttpRequest) -> HttpResponse:
    member = member_for_user(request.user)
    cycles = _cycles_for_leader(member)
    form = CircleForm(request.POST or None, cycles=cycles)
    if request.method == "POST" and form.is_valid():
        cycle = form.cleaned_data["cycle"]
        with refusal_shown(request, form=form):
            circle = circles.circle_propose(
                by=member, program=cycle.program, cycle=cycle, data=form.cleaned_data
            )
            messages.success(
                request, "Circle proposed. The coordinators publish it; you will be told."
            )
            return redirect(circle.get_absolute_url())
    return render(
        request,
        "community/circle_form.html",
        {"form": form, "can_lead": cycles.exists()},
    )


@require_GET
@login_required
def circle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_for_user(request.user)
    access = get_circle_for_member(member, pk)
    circle = access.circle
    zone = member.time_zone if member.time_zone in time_zone_names() else "UTC"
    application = CircleApplication.objects.filter(circle=circle, mentee=member).first()
    context: dict[str, object] = {
        "access": access,
        "circle": circle,
        "zone": zone,
        "application": application,
        "people": workspace.people(circle),
        "now": clock.now(),
    }
    if (
        circle.status == Circle.Status.OPEN
        and not access.in_workspace
        and "mentee" in roles_in(member, circle.program)
        and application is None
    ):
        context["apply_form"] = CircleApplicationForm()
    if access.is_leader or access.is_coordinator:
        context["applications"] = list(
            circle.applications.select_related("mentee__stage").order_by("status", "created_at")
        )
    if access.is_coordinator and circle.status == Circle.Status.PROPOSED:
        context["decision_form"] = CircleDecisionForm()
    if access.in_workspace or access.is_coordinator:
        context.update(_workspace_context(access, member))
    return render(request, "community/circle_detail.html", context)


def _workspace_context(access: CircleAccess, member: Member) -> dict[str, object]:
    circle = access.circle
    norms = getattr(circle, "norms", None)
    confirmed = set(norms.confirmations.values_list("member_id", flat=True)) if norms else set()
    meetings = list(circle.meetings.all())
    context: dict[str, object] = {
        "norms": norms,
        "confirmed": confirmed,
        "meetings": [
            {
                "meeting": m,
                "log_form": CircleMeetingLogForm(auto_id=f"id_log{m.pk}_%s")
                if access.is_leader and m.status == CircleMeeting.Status.PLANNED
                else None,
            }
            for m in meetings
        ],
        "resources": Resource.objects.filter(is_active=True, topics=circle.topic).distinct()[:8],
        "ratings": circle.check_ins.aggregate(average=Avg("rating")),
    }
    if access.in_workspace:
        # The thread and the check-ins' comments stay in the circle (coordinators see ratings).
        context["thread"] = [
            {"message": m, "html": render_message(m.body), "mine": m.author_id == member.pk}
            for m in circle.messages.select_related("author")
        ]
        context["checked_in"] = CircleCheckIn.objects.filter(
            circle=circle, member=member, month=clock.today().replace(day=1)
        ).exists()
    if access.can_write:
        context["message_form"] = MessageForm()
        context["check_in_form"] = CircleCheckInForm()
        if access.is_leader:
            # The pair's form, with the circle's own default for confidentiality.
            initial = (
                {f: getattr(norms, f) for f in AgreementForm.Meta.fields}
                if norms
                else {"confidentiality": CircleNorms._meta.get_field("confidentiality").default}
            )
            context["norms_form"] = AgreementForm(initial=initial, auto_id="id_norms_%s")
            context["meeting_form"] = MeetingForm(member=member)
    return context


def _act(
    request: HttpRequest,
    circle: Circle,
    action: Callable[[], object],
    done: str,
    anchor: str = "",
) -> HttpResponse:
    with refusal_shown(request):
        action()
        messages.success(request, done)
    return redirect(circle.get_absolute_url() + anchor)


@require_POST
@coordinator_required
def circle_decide(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_circle_for_member(member_for_user(request.user), pk)
    form = CircleDecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    publish = request.POST.get("decision") == "publish"
    return _act(
        request,
        access.circle,
        lambda: circles.circle_decide(
            circle=access.circle, by=access.member, publish=publish, note=note
        ),
        "Published: mentees of the program can apply."
        if publish
        else "Declined; the leader is told why.",
    )


@require_POST
@login_required
def circle_open(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_circle_for_member(member_for_user(request.user), pk)
    if not (access.is_leader or access.is_coordinator):
        raise Http404("No such circle.")
    reopen = request.POST.get("open") == "1"
    return _act(
        request,
        access.circle,
        lambda: circles.circle_set_open(circle=access.circle, by=access.member, open=reopen),
        "Applications are open again." if reopen else "Applications are closed.",
    )


@require_POST
@login_required
def circle_apply(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_circle_for_member(member_for_user(request.user), pk)
    form = CircleApplicationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form) or "Write a short note to the leader.")
        return redirect(access.circle.get_absolute_url())
    return _act(
        request,
        access.circle,
        lambda: circles.application_submit(
            circle=access.circle, mentee=access.member, note=form.cleaned_data["note"]
        ),
        "Application sent. The leader answers it, or the coordinators place you.",
    )


@require_POST
@login_required
def circle_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw one's application, or leave the circle."""
    access = get_circle_for_member(member_for_user(request.user), pk)
    if access.is_member:
        return _act(
            request,
            access.circle,
            lambda: circles.member_leave(circle=access.circle, mentee=access.member),
            "You left the circle.",
        )
    application = get_object_or_404(CircleApplication, circle=access.circle, mentee=access.member)
    return _act(
        request,
        access.circle,
        lambda: circles.application_withdraw(application=application, by=access.member),
        "Application withdrawn.",
    )


@require_POST
@login_required
def application_decide(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_for_user(request.user)
    application = get_object_or_404(
        CircleApplication.objects.select_related("circle__leader", "circle__cycle", "mentee"),
        pk=pk,
        circle__leader=member,
    )
    accept = request.POST.get("answer") == "accept"
    return _act(
        request,
        application.circle,
        lambda: circles.application_decide(application=application, by=member, accept=accept),
        f"{application.mentee.display_name} joins the circle."
        if accept
        else "Declined; the mentee is told.",
        "#applications",
    )


@require_http_methods(["GET", "POST"])
@coordinator_required
def placement(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = get_object_or_404(Cycle.objects.select_related("program"), pk=pk)
    member = member_for_user(request.user)
    if request.method == "POST":
        with refusal_shown(request):
            result = circles.placement_apply(cycle=cycle, by=member)
            messages.success(
                request,
                f"{result.placed} mentee{'s' if result.placed != 1 else ''} placed."
                + (f" Not placed: {'; '.join(result.skipped)}." if result.skipped else ""),
            )
        return redirect(reverse("community:circle_placement", args=[cycle.pk]))
    plan = circles.placement_plan(cycle=cycle)
    return render(
        request,
        "community/circle_placement.html",
        {"cycle": cycle, "plan": plan, "by_rank": list(enumerate(plan.by_rank, start=1))},
    )


# The workspace ------------------------------------------------------------------------------------


def _write(
    request: HttpRequest, pk: int, action: Callable[[CircleAccess], str], anchor: str
) -> HttpResponse:
    access = get_circle_for_member(member_for_user(request.user), pk, workspace=True, write=True)
    with refusal_shown(request):
        messages.success(request, action(access))
    return redirect(access.circle.get_absolute_url() + anchor)


@require_POST
@login_required
def circle_norms(request: HttpRequest, pk: int) -> HttpResponse:
    def action(access: CircleAccess) -> str:
        if request.POST.get("confirm"):
            workspace.norms_confirm(circle=access.circle, by=access.member)
            return "You confirmed the circle's norms."
        form = AgreementForm(request.POST)
        if not form.is_valid():
            raise Refusal(_errors(form))
        workspace.norms_save(circle=access.circle, by=access.member, data=form.cleaned_data)
        return "Norms saved; each member is asked to confirm them."

    return _write(request, pk, action, "#norms")


@require_POST
@login_required
def circle_meeting_new(request: HttpRequest, pk: int) -> HttpResponse:
    def action(access: CircleAccess) -> str:
        form = MeetingForm(request.POST, member=access.member)
        if not form.is_valid():
            raise Refusal(_errors(form))
        workspace.meeting_schedule(circle=access.circle, by=access.member, **form.cleaned_data)
        return "Meeting set: everyone is emailed the calendar invite."

    return _write(request, pk, action, "#meetings")


def _meeting(
    request: HttpRequest, pk: int, *, leader: bool = True
) -> tuple[CircleAccess, CircleMeeting]:
    """The meeting and the member's access; 404 unless they are in the circle (its leader, for
    the leader's acts)."""
    meeting = get_object_or_404(CircleMeeting.objects.select_related("circle"), pk=pk)
    access = get_circle_for_member(member_for_user(request.user), meeting.circle_id)
    if not (access.is_leader if leader else access.in_workspace):
        raise Http404("No such meeting.")
    return access, meeting


@require_POST
@login_required
def circle_meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    access, meeting = _meeting(request, pk)
    return _act(
        request,
        access.circle,
        lambda: workspace.meeting_cancel(meeting=meeting, by=access.member),
        "Meeting cancelled.",
        "#meetings",
    )


@require_POST
@login_required
def circle_meeting_log(request: HttpRequest, pk: int) -> HttpResponse:
    access, meeting = _meeting(request, pk)
    form = CircleMeetingLogForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect(access.circle.get_absolute_url() + "#meetings")
    held = form.cleaned_data["held"]
    return _act(
        request,
        access.circle,
        lambda: workspace.meeting_log(
            meeting=meeting,
            by=access.member,
            held=held,
            minutes=form.cleaned_data.get("minutes"),
        ),
        "Meeting logged: it counts in your mentoring record." if held else "Recorded as not held.",
        "#meetings",
    )


@require_GET
@login_required
def circle_meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    _, meeting = _meeting(request, pk, leader=False)
    response = HttpResponse(workspace.invite(meeting), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="circle-meeting-{meeting.pk}.ics"'
    return response


@require_POST
@login_required
def circle_message(request: HttpRequest, pk: int) -> HttpResponse:
    def action(access: CircleAccess) -> str:
        form = MessageForm(request.POST)
        if not form.is_valid():
            raise Refusal(_errors(form) or "Write something before sending.")
        workspace.message_post(
            circle=access.circle, by=access.member, body=form.cleaned_data["body"]
        )
        return "Message sent to the circle."

    return _write(request, pk, action, "#messages")


@require_POST
@login_required
def circle_check_in(request: HttpRequest, pk: int) -> HttpResponse:
    def action(access: CircleAccess) -> str:
        form = CircleCheckInForm(request.POST)
        if not form.is_valid():
            raise Refusal(_errors(form))
        workspace.check_in(
            circle=access.circle,
            by=access.member,
            rating=form.cleaned_data["rating"],
            comments=form.cleaned_data["comments"],
        )
        return "Thank you for checking in."

    return _write(request, pk, action, "#check-in")
