"""Seating a flash event with the engine, and telling each participant their tables."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from mentorbridge.core import clock
from mentorbridge.core.notifications import notify
from mentorbridge.core.refusals import Refusal
from mentorbridge.matching.engine.flash import flash_schedule
from mentorbridge.members.models import Member

from .calendar import schedule_invite
from .models import FlashEvent, FlashSeat
from .schedule import schedule_for


def _schedulable(event: FlashEvent) -> None:
    if event.status == FlashEvent.Status.DRAFT:
        raise Refusal("Open the event for sign-up first.")
    if event.starts_at <= clock.now():
        raise Refusal("The event has started; its schedule can no longer change.")
    if not event.volunteers.exists():
        raise Refusal("No mentor hosts a table yet: there is nothing to schedule.")
    if not event.signups.exists():
        raise Refusal("No mentee has signed up yet: there is nothing to schedule.")


def schedule_compute(*, event_id: int) -> FlashEvent:
    """Seat everyone with the engine and tell each participant their tables (with invites)."""
    from mentorbridge.matching.services import blocked_members

    with transaction.atomic():
        event = FlashEvent.objects.select_for_update().select_related("program").get(pk=event_id)
        _schedulable(event)
        hosts = list(event.volunteers.select_related("member__user").order_by("pk"))
        places = list(event.signups.select_related("member__user").order_by("pk"))
        host_index = {v.member_id: j for j, v in enumerate(hosts)}
        seats = [
            [event.seats_per_table if r + 1 in v.rounds else 0 for r in range(event.rounds)]
            for v in hosts
        ]
        preferences = {
            i: [host_index[p] for p in place.preferences if p in host_index]
            for i, place in enumerate(places)
        }
        forbidden = set()
        for i, place in enumerate(places):
            for other in blocked_members(place.member_id):
                if other in host_index:
                    forbidden.add((i, host_index[other]))
        result = flash_schedule(
            n_mentees=len(places), seats=seats, preferences=preferences, forbidden=forbidden
        )
        FlashSeat.objects.filter(event=event).delete()
        FlashSeat.objects.bulk_create(
            FlashSeat(
                event=event,
                round=r + 1,
                mentee_id=places[i].member_id,
                mentor_id=hosts[j].member_id,
                preferred=j in preferences[i],
            )
            for r, row in enumerate(result.tables)
            for i, j in enumerate(row)
            if j >= 0
        )
        meetings_per_mentee = [len(result.mentors_met(i)) for i in range(len(places))]
        event.schedule_summary = {
            "mentees": len(places),
            "mentors": len(hosts),
            "meetings": result.meetings,
            "bound_meetings": result.bound_meetings,
            "preferred": result.preferred,
            "bound_preferred": result.bound_preferred,
            "exact": result.exact,
            "method": result.method,
            "fewest_meetings": min(meetings_per_mentee, default=0),
            "most_meetings": max(meetings_per_mentee, default=0),
            "with_break": sum(1 for k in meetings_per_mentee if k < event.rounds),
        }
        event.status = FlashEvent.Status.SCHEDULED
        event.scheduled_at = clock.now()
        event.sequence = F("sequence") + 1
        event.save()
        event.refresh_from_db()
        _announce(event, [p.member for p in places] + [v.member for v in hosts])
    return event


def _announce(event: FlashEvent, members: list[Member]) -> None:
    for member in members:
        notify(
            member=member,
            kind="flash_schedule",
            title=f"Your tables at {event.name}: the schedule is ready",
            url=event.get_absolute_url() + "#schedule",
            template="flash_schedule",
            context={"event": event, "rows": schedule_for(event, member)},
            attachments=[("flash-schedule.ics", schedule_invite(event, member), "text/calendar")],
        )
