"""The pair's workspace and the pages around it: my mentorships, records, check-ins, at-risk list."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentorbridge.core import clock
from mentorbridge.core.refusals import Refusal, refusal_shown
from mentorbridge.members import services as member_services
from mentorbridge.members.models import Member, time_zone_names
from mentorbridge.members.selectors import member_for_user
from mentorbridge.programs.calendar import calendar_for_student, match_year
from mentorbridge.programs.models import Enrollment

from . import services
from .calendar import invite
from .certificate import certificate_pdf, mentor_record
from .forms import (
    AgreementForm,
    CheckInForm,
    CloseForm,
    GoalForm,
    MeetingForm,
    MeetingLogForm,
    MessageForm,
    PastMeetingForm,
    ReportForm,
    share_topic_choices,
)
from .models import (
    Goal,
    Meeting,
    Mentorship,
    Resource,
)
from .records import groups_led_by
from .selectors import (
    get_check_in_for_member,
    get_goal_for_member,
    get_meeting_for_member,
    get_mentorship_for_member,
    get_milestone_for_member,
    pod_for,
)
from .text import render_message


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    member = member_for_user(request.user)
    mentorships = (
        Mentorship.objects.involving(member)
        .select_related("mentee", "mentor", "program", "cycle")
        .annotate(
            unread=Count(
                "messages", filter=Q(messages__read_at__isnull=True) & ~Q(messages__author=member)
            )
        )
    )
    return render(
        request,
        "mentorships/index.html",
        {
            "member": member,
            "mentorships": mentorships,
            "pod": pod_for(member),
            # The mentoring record is a mentor's; a student never sees the link.
            "mentors_someone": Mentorship.objects.filter(mentor=member).exists()
            or bool(groups_led_by(member)),
        },
    )


@require_GET
@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_for_user(request.user)
    access = get_mentorship_for_member(member, pk)
    mentorship = access.mentorship
    if access.is_party:
        services.messages_mark_read(mentorship=mentorship, reader=member)
    # A profile's zone is validated on save, but never trust it enough to fail a page on it.
    viewer_zone = member.time_zone if member.time_zone in time_zone_names() else "UTC"
    meetings = list(
        mentorship.meetings.select_related("proposed_by").prefetch_related("topics_covered")
    )
    thread = [
        {"message": m, "html": render_message(m.body), "mine": m.author_id == member.pk}
        for m in mentorship.messages.select_related("author")
    ]
    goals = list(mentorship.goals.prefetch_related("milestones"))
    # Resources on the topics the mentee asked for, in this cycle or on their profile: one query.
    resources = (
        Resource.objects.filter(is_active=True)
        .filter(
            Q(
                topics__in=Enrollment.topics.through.objects.filter(
                    enrollment_id=mentorship.mentee_enrollment_id
                ).values("topic_id")
            )
            | Q(
                topics__in=Member.topics_wanted.through.objects.filter(
                    member_id=mentorship.mentee_id
                ).values("topic_id")
            )
        )
        .distinct()[:8]
    )
    upcoming = [
        g
        for g in goals
        if g.due_date and g.due_date >= clock.today() and g.status != Goal.Status.DONE
    ][:3]
    agreement = getattr(mentorship, "agreement", None)
    other = mentorship.other_party(member) if access.is_party else None
    log_form, past_form = MeetingLogForm(), PastMeetingForm(member=member)
    share_topic_choices(log_form, past_form)
    return render(
        request,
        "mentorships/detail.html",
        {
            "access": access,
            "mentorship": mentorship,
            "other": other,
            "agreement": agreement,
            "agreement_form": AgreementForm(instance=agreement),
            "meetings": meetings,
            "meeting_form": MeetingForm(member=member),
            "log_form": log_form,
            "past_form": past_form,
            "thread": thread,
            "message_form": MessageForm(),
            "goals": goals,
            # The calendar button only while some of its goals are missing.
            "calendar_missing": bool(
                set(
                    calendar_for_student(
                        cycle=mentorship.cycle, stage=mentorship.mentee.stage, today=clock.today()
                    )
                )
                - {g.calendar_key for g in goals if g.calendar_key}
            ),
            "match_year": match_year(cycle=mentorship.cycle, stage=mentorship.mentee.stage),
            "goal_form": GoalForm(),
            "upcoming": upcoming,
            "resources": resources,
            "completes": services.mentorship_completes(mentorship),
            "report_form": ReportForm(),
            "now": clock.now(),
            "viewer_zone": viewer_zone,
        },
    )


def _act(
    request: HttpRequest,
    pk: int,
    action: Callable[[Mentorship, Member], str | None],
    anchor: str = "",
) -> HttpResponse:
    """Run one workspace action for a member of the pair; refusals become messages. Done, the
    page opens at the section acted on; refused, at the top, where the message is shown (at the
    section, the reason was out of sight and the action seemed to do nothing)."""
    member = member_for_user(request.user)
    access = get_mentorship_for_member(member, pk, write=True)
    with refusal_shown(request) as shown:
        done = action(access.mentorship, member)
        if done:
            messages.success(request, done)
    return redirect(access.mentorship.get_absolute_url() + ("#main" if shown.refused else anchor))


def _form_errors(form: forms.BaseForm) -> str:
    """A form's errors as one message line, each prefixed by its field's label."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        text = " ".join(str(e) for e in errors)
        parts.append(f"{label}: {text}" if label else text)
    return " ".join(parts)


@require_POST
@login_required
def agreement(request: HttpRequest, pk: int) -> HttpResponse:
    def action(mentorship: Mentorship, member: Member) -> str:
        if request.POST.get("confirm"):
            services.agreement_confirm(mentorship=mentorship, by=member)
            return "You confirmed the agreement."
        form = AgreementForm(request.POST, instance=getattr(mentorship, "agreement", None))
        if not form.is_valid():
            raise Refusal(_form_errors(form))
        services.agreement_save(mentorship=mentorship, by=member, data=form.cleaned_data)
        return "Agreement saved and confirmed by you; your partner is asked to confirm it."

    return _act(request, pk, action, "#agreement")


@require_POST
@login_required
def meeting_new(request: HttpRequest, pk: int) -> HttpResponse:
    def action(mentorship: Mentorship, member: Member) -> str:
        form = MeetingForm(request.POST, member=member)
        if not form.is_valid():
            raise Refusal(_form_errors(form))
        services.meeting_propose(mentorship=mentorship, by=member, **form.cleaned_data)
        return "Meeting proposed. You will both get a calendar invite once it is accepted."

    return _act(request, pk, action, "#meetings")


@require_POST
@login_required
def meeting_past(request: HttpRequest, pk: int) -> HttpResponse:
    def action(mentorship: Mentorship, member: Member) -> str:
        form = PastMeetingForm(request.POST, member=member)
        if not form.is_valid():
            raise Refusal(_form_errors(form))
        data = form.cleaned_data
        services.meeting_record_past(
            mentorship=mentorship,
            by=member,
            starts_at=data["starts_at"],
            minutes=data["minutes"],
            format=data["format"],
            topics=list(data.get("topics") or []),
            notes=data.get("notes", ""),
        )
        return "Meeting logged. It counts in your mentoring record."

    return _act(request, pk, action, "#meetings")


def _meeting_action(
    request: HttpRequest, pk: int, action: Callable[[Meeting, Member], str]
) -> HttpResponse:
    member = member_for_user(request.user)
    meeting = get_meeting_for_member(member, pk)
    get_mentorship_for_member(member, meeting.mentorship_id, write=True)
    with refusal_shown(request):
        messages.success(request, action(meeting, member))
    return redirect(meeting.mentorship.get_absolute_url() + "#meetings")


@require_POST
@login_required
def meeting_answer(request: HttpRequest, pk: int) -> HttpResponse:
    def action(meeting: Meeting, member: Member) -> str:
        accept = request.POST.get("answer") == "accept"
        services.meeting_answer(meeting=meeting, by=member, accept=accept)
        return (
            "Meeting accepted: the invite is in your email."
            if accept
            else "You declined; suggest another time."
        )

    return _meeting_action(request, pk, action)


@require_POST
@login_required
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _meeting_action(
        request,
        pk,
        lambda meeting, member: (
            services.meeting_cancel(meeting=meeting, by=member),
            "Meeting cancelled.",
        )[1],
    )


@require_POST
@login_required
def meeting_log(request: HttpRequest, pk: int) -> HttpResponse:
    def action(meeting: Meeting, member: Member) -> str:
        form = MeetingLogForm(request.POST)
        if not form.is_valid():
            raise Refusal(_form_errors(form))
        data = form.cleaned_data
        services.meeting_log(
            meeting=meeting,
            by=member,
            held=data["held"],
            minutes=data.get("minutes"),
            topics=list(data.get("topics") or []),
            notes=data.get("notes", ""),
        )
        return "Meeting logged." if data["held"] else "Recorded as missed."

    return _meeting_action(request, pk, action)


@require_GET
@login_required
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_for_user(request.user)
    meeting = get_meeting_for_member(member, pk)
    response = HttpResponse(invite(meeting), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mentorship-meeting-{meeting.pk}.ics"'
    return response


@require_POST
@login_required
def message_new(request: HttpRequest, pk: int) -> HttpResponse:
    def action(mentorship: Mentorship, member: Member) -> None:
        form = MessageForm(request.POST)
        if not form.is_valid():
            raise Refusal(_form_errors(form))
        services.message_post(mentorship=mentorship, by=member, body=form.cleaned_data["body"])
        return None

    return _act(request, pk, action, "#messages")


@require_POST
@login_required
def goal_new(request: HttpRequest, pk: int) -> HttpResponse:
    def action(mentorship: Mentorship, member: Member) -> str:
        if request.POST.get("template"):
            added = services.goals_from_calendar(mentorship=mentorship)
            return (
                f"{len(added)} goals from the application calendar added."
                if added
                else "The calendar goals are already here."
            )
        form = GoalForm(request.POST)
        if not form.is_valid():
            raise Refusal(_form_errors(form))
        data = form.cleaned_data
        services.goal_add(
            mentorship=mentorship,
            by=member,
            title=data["title"],
            description=data["description"],
            due_date=data["due_date"],
            milestones=data["milestones"],
        )
        return "Goal added."

    return _act(request, pk, action, "#goals")


@require_POST
@login_required
def goal_update(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    def action(mentorship: Mentorship, member: Member) -> None:
        goal = get_goal_for_member(member, goal_pk, mentorship_pk=mentorship.pk)
        milestone_pk = request.POST.get("milestone", "")
        if milestone_pk:
            milestone = get_milestone_for_member(
                member, int(milestone_pk) if milestone_pk.isdigit() else 0, goal_pk=goal.pk
            )
            done = request.POST.get("done", "")
            if done not in {"0", "1"}:
                raise Refusal("Reload the page and tick the milestone again.")
            services.milestone_set_done(milestone=milestone, done=done == "1")
        else:
            services.goal_set_status(goal=goal, status=request.POST.get("status", ""))
        return None

    return _act(request, pk, action, "#goals")


@require_http_methods(["GET", "POST"])
@login_required
def close(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what closing will do (and whether it counts as completed), with the form; POST: close.
    A plain page, so it works without JavaScript and never happens on one stray click."""
    member = member_for_user(request.user)
    access = get_mentorship_for_member(member, pk, write=True)
    mentorship = access.mentorship
    is_mentee = member.pk == mentorship.mentee_id
    if request.method == "GET":
        return render(
            request,
            "mentorships/close.html",
            {
                "mentorship": mentorship,
                "other": mentorship.other_party(member),
                "form": CloseForm(is_mentee=is_mentee),
                "completes": services.mentorship_completes(mentorship),
                "planned": mentorship.meetings.filter(
                    status__in=[Meeting.Status.PROPOSED, Meeting.Status.ACCEPTED],
                    starts_at__gt=clock.now(),
                ).count(),
            },
        )

    def action(mentorship: Mentorship, member: Member) -> str:
        form = CloseForm(request.POST, is_mentee=is_mentee)
        if not form.is_valid():
            raise Refusal(_form_errors(form))
        services.mentorship_close(
            mentorship=mentorship,
            by=member,
            reason=form.cleaned_data["reason"],
            rematch=form.cleaned_data.get("rematch", False),
        )
        return "The mentorship is closed. Thank you for taking part."

    return _act(request, pk, action)


@require_POST
@login_required
def completion(request: HttpRequest, pk: int) -> HttpResponse:
    def action(mentorship: Mentorship, member: Member) -> str:
        if request.POST.get("withdraw"):
            services.completion_withdraw(mentorship=mentorship, by=member)
            return "Your confirmation is withdrawn."
        done = services.completion_confirm(mentorship=mentorship, by=member)
        if not done.is_active:
            return "You both confirmed: the mentorship is completed and closed. Congratulations!"
        return (
            f"Thank you. {done.other_party(member).display_name} is asked to confirm too; "
            "then the mentorship is completed."
        )

    return _act(request, pk, action, "#end-title")


@require_POST
@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_for_user(request.user)
    # party_only: a refused report must not be logged as a coordinator's read of the workspace.
    access = get_mentorship_for_member(member, pk, party_only=True)
    form = ReportForm(request.POST)
    if form.is_valid():
        services.report_file(
            mentorship=access.mentorship,
            by=member,
            text=form.cleaned_data["text"],
            block=form.cleaned_data["block"],
        )
        messages.success(
            request, "Thank you. The Mentorship Task Force has been told and will contact you."
        )
    else:
        messages.error(request, _form_errors(form))
    return redirect(access.mentorship.get_absolute_url())


@require_POST
@login_required
def pod_visibility(request: HttpRequest) -> HttpResponse:
    member = member_for_user(request.user)
    visible = request.POST.get("visible") == "on"
    member_services.pod_visibility_set(member=member, visible=visible)
    messages.success(
        request, "You appear in pods now." if visible else "You no longer appear in pods."
    )
    return redirect("mentorships:index")


@require_GET
@login_required
def record(request: HttpRequest) -> HttpResponse:
    member = member_for_user(request.user)
    return render(request, "mentorships/record.html", {"record": mentor_record(member)})


@require_GET
@login_required
def certificate(request: HttpRequest) -> HttpResponse:
    member = member_for_user(request.user)
    data = mentor_record(member)
    if not data.certifiable:
        messages.error(
            request,
            "The certificate lists completed mentorships and circles; none has been completed yet.",
        )
        return redirect("mentorships:record")
    response = HttpResponse(certificate_pdf(data), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="mentoring-certificate-{member.pk}.pdf"'
    )
    return response


@require_http_methods(["GET", "POST"])
@login_required
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_for_user(request.user)
    item = get_check_in_for_member(member, pk)
    if item.answered_at:
        messages.info(request, "You already answered this check-in. Thank you!")
        return redirect("mentorships:index")
    form = CheckInForm(request.POST or None, instance=item)
    if request.method == "POST":
        if form.is_valid():
            with refusal_shown(request):
                services.check_in_answer(check_in=item, answers=form.answers())
                messages.success(request, "Thank you for checking in.")
            return redirect("mentorships:index")
        return render(
            request, "mentorships/check_in.html", {"form": form, "item": item}, status=400
        )
    return render(request, "mentorships/check_in.html", {"form": form, "item": item})
