"""Flash mentoring pages: the events list, an event (sign-up, tables, schedule, wishes), and the
coordinators' editing and scheduling. Thin: a permission-checked fetch, a form, one service call."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentorbridge.core import clock
from mentorbridge.core.forms import model_choice_field
from mentorbridge.core.permissions import coordinator_required, is_coordinator
from mentorbridge.core.refusals import refusal_shown
from mentorbridge.members.models import Member, time_zone_names
from mentorbridge.members.selectors import member_for_user
from mentorbridge.programs.models import Program

from . import flash, schedule
from .calendar import schedule_invite
from .forms import FlashEventForm, SignupForm, VolunteerForm, WishForm
from .models import FlashEvent, FlashSignup, FlashVolunteer, FlashWish
from .selectors import events_for, get_event_for_member, programs_for, roles_in


def _zone(member: Member) -> str:
    return member.time_zone if member.time_zone in time_zone_names() else "UTC"


@require_GET
@login_required
def flash_index(request: HttpRequest) -> HttpResponse:
    member = member_for_user(request.user)
    events = list(events_for(member).order_by("-date", "pk"))
    mine = set(FlashSignup.objects.filter(member=member).values_list("event_id", flat=True)) | set(
        FlashVolunteer.objects.filter(member=member).values_list("event_id", flat=True)
    )
    return render(
        request,
        "community/flash_index.html",
        {
            "rows": [{"event": e, "mine": e.pk in mine} for e in events],
            "is_coordinator": is_coordinator(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@coordinator_required
def flash_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    member = member_for_user(request.user)
    event = get_event_for_member(member, pk, manage=True) if pk else None
    form = FlashEventForm(request.POST or None, instance=event)
    model_choice_field(form, "program", Program).queryset = programs_for(member)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in flash.EVENT_FIELDS}
        with refusal_shown(request, form=form):
            saved = flash.event_save(
                by=member, program=form.cleaned_data["program"], data=data, event=event
            )
            messages.success(request, "Event saved." if event else "Event created as a draft.")
            return redirect(saved.get_absolute_url())
    return render(request, "community/flash_form.html", {"form": form, "event": event})


@require_GET
@login_required
def flash_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_for_user(request.user)
    event = get_event_for_member(member, pk)
    zone = _zone(member)
    roles = roles_in(member, event.program)
    place = FlashSignup.objects.filter(event=event, member=member).first()
    table = FlashVolunteer.objects.filter(event=event, member=member).first()
    hosts = [v.member for v in event.volunteers.select_related("member__stage").order_by("pk")]
    context: dict[str, Any] = {
        "event": event,
        "zone": zone,
        "roles": roles,
        "place": place,
        "table": table,
        "hosts": hosts,
        "is_coordinator": is_coordinator(request.user),
        "signup_count": event.signups.count(),
        "scheduling": event.scheduling_requested_at is not None
        and (event.scheduled_at is None or event.scheduling_requested_at > event.scheduled_at),
        "rounds": [
            {"number": k, "starts_at": s} for k, s in enumerate(event.round_starts(), start=1)
        ],
    }
    if place is not None or table is not None:
        context["schedule"] = schedule.schedule_for(event, member) if event.scheduled_at else []
    # A mentee may still withdraw after the schedule is made, until the event starts.
    context["can_withdraw"] = (
        place is not None
        and event.status == FlashEvent.Status.SCHEDULED
        and event.starts_at > clock.now()
    )
    if event.status == FlashEvent.Status.OPEN:
        if "mentor" in roles and place is None:
            context["volunteer_form"] = VolunteerForm(
                event=event, zone=zone, initial={"rounds": table.rounds if table else []}
            )
        if "mentee" in roles and table is None:
            initial = {f"choice_{k}": p for k, p in enumerate(place.preferences)} if place else {}
            context["signup_form"] = SignupForm(hosts=hosts, initial=initial)
    if event.status == FlashEvent.Status.SCHEDULED and event.is_over and (place or table):
        wishes = {w.other_id: w for w in FlashWish.objects.filter(event=event, member=member)}
        theirs = {w.member_id: w for w in FlashWish.objects.filter(event=event, other=member)}
        context["met"] = [
            {
                "person": p,
                "wish": wishes.get(p.pk),
                "mutual": p.pk in wishes and p.pk in theirs,
                "outcome": (wishes[p.pk].outcome or theirs[p.pk].outcome)
                if p.pk in wishes and p.pk in theirs
                else "",
            }
            for p in schedule.met(event, member)
        ]
        context["wish_form"] = WishForm()
    return render(request, "community/flash_detail.html", context)


def _act(request: HttpRequest, event: FlashEvent, action: Any, done: str) -> HttpResponse:
    with refusal_shown(request):
        action()
        messages.success(request, done)
    return redirect(event.get_absolute_url())


@require_POST
@login_required
def flash_volunteer(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_for_user(request.user)
    event = get_event_for_member(member, pk)
    form = VolunteerForm(request.POST, event=event, zone=_zone(member))
    if not form.is_valid():
        messages.error(request, "Choose at least one round to host a table in.")
        return redirect(event.get_absolute_url())
    return _act(
        request,
        event,
        lambda: flash.volunteer(event=event, member=member, rounds=form.cleaned_data["rounds"]),
        "Thank you: your table is set for the rounds you chose.",
    )


@require_POST
@login_required
def flash_signup(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_for_user(request.user)
    event = get_event_for_member(member, pk)
    hosts = [v.member for v in event.volunteers.select_related("member")]
    form = SignupForm(request.POST, hosts=hosts)
    if not form.is_valid():
        messages.error(request, "Choose mentors from the lists, or leave them as no preference.")
        return redirect(event.get_absolute_url())
    place = FlashSignup.objects.filter(event=event, member=member).first()
    if place is not None:
        return _act(
            request,
            event,
            lambda: flash.signup_update(place=place, preferences=form.preferences()),
            "Your preferences are saved.",
        )
    return _act(
        request,
        event,
        lambda: flash.signup(event=event, member=member, preferences=form.preferences()),
        "You are signed up. Your tables will be here (and in your email) once the schedule is made.",
    )


@require_POST
@login_required
def flash_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_for_user(request.user)
    event = get_event_for_member(member, pk)
    return _act(
        request,
        event,
        lambda: flash.withdraw(event=event, member=member),
        "You no longer take part in this event.",
    )


@require_POST
@coordinator_required
def flash_open(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_for_member(member_for_user(request.user), pk, manage=True)
    return _act(
        request,
        event,
        lambda: flash.event_open(event=event),
        "Sign-up is open: mentors and mentees of the program can find the event now.",
    )


@require_POST
@coordinator_required
def flash_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_for_member(member_for_user(request.user), pk, manage=True)
    return _act(
        request,
        event,
        lambda: flash.schedule_request(event=event),
        "Scheduling… everyone is told their tables as soon as it is done.",
    )


@require_GET
@login_required
def flash_ics(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_for_user(request.user)
    event = get_event_for_member(member, pk)
    if not event.scheduled_at or not (
        event.signups.filter(member=member).exists()
        or event.volunteers.filter(member=member).exists()
    ):
        raise Http404("You have no tables at this event.")
    response = HttpResponse(schedule_invite(event, member), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="flash-{event.pk}.ics"'
    return response


@require_POST
@login_required
def flash_wish(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    member = member_for_user(request.user)
    event = get_event_for_member(member, pk)
    other = next((p for p in schedule.met(event, member) if p.pk == member_pk), None)
    if other is None:
        raise Http404("You did not meet this member at this event.")
    form = WishForm(request.POST)
    direct = form.is_valid() and form.cleaned_data["direct"]
    return _act(
        request,
        event,
        lambda: flash.wish_mark(event=event, member=member, other=other, direct=direct),
        f"Noted: you would like to continue with {other.display_name}. If they wish it too, "
        "the request is made for you.",
    )
