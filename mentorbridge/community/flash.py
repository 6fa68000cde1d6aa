"""Flash mentoring events: create, volunteer, sign up, schedule (the engine), wish to continue.

Every write runs in one transaction and either succeeds or raises Refusal with a sentence
the member can act on, having changed nothing. Counts that have a limit (places, tables per round)
are checked with the event row locked, so concurrent clicks take turns.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.db import IntegrityError, models, transaction

from mentorbridge.core import clock
from mentorbridge.core.notifications import notify
from mentorbridge.core.refusals import Refusal
from mentorbridge.members.models import Member, time_zone_names
from mentorbridge.programs.models import Cycle, Enrollment, Program
from mentorbridge.programs.services import eligibility_problem, enrollment_create

from .models import FlashEvent, FlashSeat, FlashSignup, FlashVolunteer, FlashWish
from .scheduling import _schedulable
from .scheduling import schedule_compute as schedule_compute  # the service, as callers expect


def _local(date: dt.date, time: dt.time, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """An aware datetime for a wall-clock time; refuses a time the clocks skip (DST)."""
    wall = dt.datetime.combine(date, time)
    aware = wall.replace(tzinfo=zone)
    if aware.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != wall:
        raise Refusal(
            f"{time:%H:%M} does not exist on {date:%-d %B %Y} in {zone.key}: the clocks "
            "change that night. Pick another time."
        )
    return aware


def event_problem(
    *,
    date: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    time_zone: str,
    rounds: int,
    round_minutes: int,
    break_minutes: int,
    tables: int,
    seats_per_table: int,
    mentee_cap: int,
) -> str | None:
    """Why these event settings cannot work, in words; None when they can."""
    if time_zone not in time_zone_names():
        return f"“{time_zone}” is not a time zone we know. Pick one from the list."
    zone = zoneinfo.ZoneInfo(time_zone)
    try:
        starts = _local(date, start_time, zone)
        ends = _local(date, end_time, zone)
    except Refusal as error:
        return str(error)
    if ends <= starts:
        return "The event must end after it starts (on the same day)."
    if starts.utcoffset() != ends.utcoffset():
        return "The clocks change during this event; move it so it does not span the change."
    if starts <= clock.now():
        return "Pick a date and time in the future."
    needed = rounds * round_minutes + (rounds - 1) * break_minutes
    length = int((ends - starts).total_seconds() // 60)
    if needed > length:
        return (
            f"{rounds} rounds of {round_minutes} minutes with {break_minutes}-minute breaks take "
            f"{needed} minutes, but the event lasts {length}. Shorten the rounds, have fewer, or "
            "end later."
        )
    seats = tables * seats_per_table
    if mentee_cap > seats:
        return (
            f"{mentee_cap} mentees cannot sit at {tables} tables of {seats_per_table} "
            f"({seats} seats a round). Lower the cap to {seats} or add tables."
        )
    return None


EVENT_FIELDS = (
    "name",
    "location",
    "description",
    "date",
    "start_time",
    "end_time",
    "time_zone",
    "rounds",
    "round_minutes",
    "break_minutes",
    "tables",
    "seats_per_table",
    "mentee_cap",
)


def event_save(
    *, by: Member, program: Program, data: dict[str, Any], event: FlashEvent | None = None
) -> FlashEvent:
    """Create an event (a draft) or change one that is not scheduled yet."""
    problem = event_problem(
        **{k: data[k] for k in EVENT_FIELDS if k not in {"name", "location", "description"}}
    )
    if problem:
        raise Refusal(problem)
    with transaction.atomic():
        if event is None:
            event = FlashEvent(program=program, created_by=by)
        else:
            event = FlashEvent.objects.select_for_update().get(pk=event.pk)
            if event.status == FlashEvent.Status.SCHEDULED:
                raise Refusal("This event is scheduled; changing it would move everyone's tables.")
            taken = event.signups.count()
            if data["mentee_cap"] < taken:
                raise Refusal(
                    f"{taken} mentees have signed up already; the cap cannot go below that."
                )
            rounds_used = [r for v in event.volunteers.all() for r in v.rounds]
            if rounds_used and max(rounds_used) > data["rounds"]:
                raise Refusal(
                    f"Mentors volunteered for round {max(rounds_used)}; keep at least that many."
                )
            busiest = max((rounds_used.count(r) for r in set(rounds_used)), default=0)
            if data["tables"] < busiest:
                raise Refusal(
                    f"{busiest} mentors host a table in one round already; keep at least "
                    f"{busiest} tables."
                )
        event.program = program
        for name in EVENT_FIELDS:
            setattr(event, name, data[name])
        event.save()
    return event


def event_open(*, event: FlashEvent) -> FlashEvent:
    if event.status != FlashEvent.Status.DRAFT:
        raise Refusal("This event is already open.")
    FlashEvent.objects.filter(pk=event.pk, status=FlashEvent.Status.DRAFT).update(
        status=FlashEvent.Status.OPEN
    )
    event.status = FlashEvent.Status.OPEN
    return event


def _locked_open(event: FlashEvent) -> FlashEvent:
    event = FlashEvent.objects.select_for_update().select_related("program").get(pk=event.pk)
    if event.status == FlashEvent.Status.DRAFT:
        raise Refusal("This event is not open for sign-up yet.")
    if event.status == FlashEvent.Status.SCHEDULED:
        raise Refusal(
            "The schedule is made; ask the coordinators if you need to change your place."
        )
    if event.starts_at <= clock.now():
        raise Refusal("This event has started; sign-up is closed.")
    return event


def volunteer(*, event: FlashEvent, member: Member, rounds: list[int]) -> FlashVolunteer:
    """A mentor hosts a table in `rounds` (numbers from 1), or changes the rounds they host."""
    with transaction.atomic():
        event = _locked_open(event)
        problem = eligibility_problem(member=member, program=event.program, role="mentor")
        if problem:
            raise Refusal(problem.replace("enroll", "host a table"))
        chosen = sorted(set(rounds))
        if not chosen:
            raise Refusal("Choose at least one round to host a table in.")
        if chosen[0] < 1 or chosen[-1] > event.rounds:
            raise Refusal(f"Rounds run from 1 to {event.rounds}.")
        if event.signups.filter(member=member).exists():
            raise Refusal("You signed up as a mentee for this event; withdraw that first.")
        others = [
            r for v in event.volunteers.exclude(member=member) for r in v.rounds if r in chosen
        ]
        full = sorted({r for r in chosen if others.count(r) >= event.tables})
        if full:
            listed = ", ".join(str(r) for r in full)
            raise Refusal(
                f"All {event.tables} tables are taken in round {listed}. Choose other rounds."
            )
        table, _ = FlashVolunteer.objects.update_or_create(
            event=event, member=member, defaults={"rounds": chosen}
        )
    return table


def signup(*, event: FlashEvent, member: Member, preferences: list[int]) -> FlashSignup:
    """A mentee takes a place, naming mentors (member ids of volunteers) they would like to meet."""
    with transaction.atomic():
        event = _locked_open(event)
        problem = eligibility_problem(member=member, program=event.program, role="mentee")
        if problem:
            raise Refusal(problem.replace("enroll", "sign up"))
        if event.volunteers.filter(member=member).exists():
            raise Refusal("You host a table at this event, so you cannot also sign up.")
        if event.signups.filter(member=member).exists():
            raise Refusal("You are already signed up for this event.")
        taken = event.signups.count()
        if taken >= event.mentee_cap:
            raise Refusal(f"This event is full: all {event.mentee_cap} places are taken.")
        ranked = _clean_preferences(event, preferences)
        try:
            with transaction.atomic():
                place = FlashSignup.objects.create(
                    event=event, member=member, preferences=ranked, created_at=clock.now()
                )
        except IntegrityError:
            raise Refusal("You are already signed up for this event.") from None
    return place


def _clean_preferences(event: FlashEvent, preferences: list[int]) -> list[int]:
    ranked = list(dict.fromkeys(p for p in preferences if p))
    if len(ranked) > FlashEvent.max_preferences:
        raise Refusal(f"Name at most {FlashEvent.max_preferences} mentors.")
    hosts = set(event.volunteers.values_list("member_id", flat=True))
    if set(ranked) - hosts:
        raise Refusal("Choose mentors from those hosting a table at this event.")
    return ranked


def signup_update(*, place: FlashSignup, preferences: list[int]) -> FlashSignup:
    with transaction.atomic():
        event = _locked_open(place.event)
        place.preferences = _clean_preferences(event, preferences)
        place.save(update_fields=["preferences"])
    return place


def withdraw(*, event: FlashEvent, member: Member) -> None:
    with transaction.atomic():
        event = _locked_open(event)
        gone = FlashSignup.objects.filter(event=event, member=member).delete()[0]
        gone += FlashVolunteer.objects.filter(event=event, member=member).delete()[0]
        if not gone:
            raise Refusal("You are not taking part in this event.")


def schedule_request(*, event: FlashEvent) -> FlashEvent:
    """Ask for the schedule: a background job computes it (CP-SAT may take seconds)."""
    from .tasks import compute_flash_schedule  # the task module imports the scheduling

    with transaction.atomic():
        event = FlashEvent.objects.select_for_update().get(pk=event.pk)
        _schedulable(event)
        event.scheduling_requested_at = clock.now()
        event.save(update_fields=["scheduling_requested_at"])
        transaction.on_commit(lambda: compute_flash_schedule.enqueue(event.pk))
    return event


def wish_mark(
    *, event: FlashEvent, member: Member, other: Member, direct: bool = False
) -> FlashWish:
    """`member` would like to continue with `other`. When the wish is mutual, the mentee's request
    is sent in the program's open cycle (and accepted at once when the mentor offered to start)."""
    if event.status != FlashEvent.Status.SCHEDULED or not event.is_over:
        raise Refusal("Wishes open once the event is over.")
    seat = (
        FlashSeat.objects.filter(event=event)
        .filter(models.Q(mentee=member, mentor=other) | models.Q(mentee=other, mentor=member))
        .first()
    )
    if seat is None:
        raise Refusal("You can only ask to continue with someone you met at this event.")
    is_mentor = seat.mentor_id == member.pk
    with transaction.atomic():
        wish, created = FlashWish.objects.get_or_create(
            event=event, member=member, other=other, defaults={"direct": direct and is_mentor}
        )
        if not created:
            raise Refusal(f"You already said you would like to continue with {other.display_name}.")
        theirs = FlashWish.objects.filter(event=event, member=other, other=member).first()
        if theirs is None:
            return wish
        mentee = other if is_mentor else member
        mentor = member if is_mentor else other
        mentor_wish = wish if is_mentor else theirs
        outcome = _continue(event=event, mentee=mentee, mentor=mentor, direct=mentor_wish.direct)
        FlashWish.objects.filter(pk=wish.pk).update(outcome=outcome[:300])
        wish.outcome = outcome[:300]
        for person, partner in ((mentee, mentor), (mentor, mentee)):
            notify(
                member=person,
                kind="flash_mutual",
                title=f"You and {partner.display_name} both want to continue after {event.name}",
                url=event.get_absolute_url() + "#wishes",
                body=outcome,
            )
    return wish


def _continue(*, event: FlashEvent, mentee: Member, mentor: Member, direct: bool) -> str:
    """Turn a mutual wish into a request (or a pair) through the matching services; the reason
    in words when the program's rules do not allow it now."""
    from mentorbridge.matching import services as requests

    cycle = Cycle.objects.open().filter(program=event.program).order_by("-enrollment_opens").first()
    if cycle is None:
        return f"{event.program} has no open cycle now; ask again when the next one opens."
    mentor_enrollment = (
        Enrollment.objects.active().mentors().filter(cycle=cycle, member=mentor).first()
    )
    if mentor_enrollment is None:
        return (
            f"{mentor.display_name} is not mentoring in {cycle} yet; once they enroll as a mentor, "
            f"{mentee.display_name} can send a request from Find a mentor."
        )
    mentee_enrollment = (
        Enrollment.objects.active().mentees().filter(cycle=cycle, member=mentee).first()
    )
    if mentee_enrollment is None:
        try:
            mentee_enrollment = enrollment_create(member=mentee, cycle=cycle, role="mentee")
        except Refusal as error:
            return f"{mentee.display_name} could not be enrolled in {cycle}: {error}"
    message = (
        f"We met at {event.name} on {event.date:%-d %B %Y} and both said we would like to "
        "continue as a mentorship."
    )
    try:
        with transaction.atomic():
            request = requests.request_send(
                mentee_enrollment=mentee_enrollment,
                mentor_enrollment=mentor_enrollment,
                message=message,
            )
    except Refusal as error:
        return f"No request could be sent: {error}"
    if not direct:
        return f"A request from {mentee.display_name} to {mentor.display_name} is waiting for the mentor's answer."
    try:
        with transaction.atomic():
            requests.request_accept(request=request, by=mentor)
    except Refusal as error:
        return f"The request is sent, but the pair could not start at once: {error}"
    return f"{mentor.display_name} offered to start at once: you are now a mentorship pair (see My mentorships)."
