"""Circles in the leader's mentoring record: the source `mentorships.records` asks (registered in
`CommunityConfig.ready()`, so mentorships never imports this app).

A circle counts as completed when its term is over and at least one meeting was logged as held,
the same rule a pair follows at its term end (`mentorships.services.mentorship_completes`).
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet, Sum

from mentorbridge.core import clock
from mentorbridge.members.models import Member
from mentorbridge.mentorships.records import GroupRecord
from mentorbridge.programs.models import Cycle

from .models import Circle, CircleMeeting

HELD = Q(meetings__status=CircleMeeting.Status.HELD)


def _circles() -> QuerySet[Circle]:
    return (
        Circle.objects.filter(status__in=[Circle.Status.OPEN, Circle.Status.CLOSED])
        .select_related("program", "cycle")
        .annotate(
            held=Count("meetings", filter=HELD), minutes=Sum("meetings__minutes_held", filter=HELD)
        )
    )


class CircleRecords:
    def led_by(self, mentor: Member) -> list[GroupRecord]:
        today = clock.today()
        circles = (
            _circles()
            .filter(leader=mentor)
            .annotate(mentees=Count("members", distinct=True))
            .order_by("starts_on", "pk")
        )
        return [
            GroupRecord(
                kind="Mentoring circle",
                title=c.title,
                program=c.program.name,
                cycle=c.cycle.name,
                started=c.starts_on,
                ended=c.ends_on,
                mentees=c.mentees,
                meetings_held=int(getattr(c, "held", 0)),
                minutes=int(getattr(c, "minutes", 0) or 0),
                completed=c.ends_on < today and bool(getattr(c, "held", 0)),
                active=c.starts_on <= today <= c.ends_on,
            )
            for c in circles
        ]

    def certified_in(self, cycle: Cycle) -> set[int]:
        return set(
            Circle.objects.filter(
                cycle=cycle,
                status__in=[Circle.Status.OPEN, Circle.Status.CLOSED],
                ends_on__lt=clock.today(),
                meetings__status=CircleMeeting.Status.HELD,
            ).values_list("leader_id", flat=True)
        )
