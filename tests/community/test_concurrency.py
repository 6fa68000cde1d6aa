"""Community limits under concurrent clicks, on PostgreSQL: 50 students signing up at once for the
last places, 50 mentors taking the last tables of a round, 50 acceptances into a circle of 8, and
one mentee accepted by 20 circles' leaders at once."""

from __future__ import annotations

import pytest
from django.conf import settings

from mentorbridge.community import circles, flash
from mentorbridge.community.models import (
    Circle,
    CircleApplication,
    CircleMember,
    FlashSignup,
    FlashVolunteer,
)
from mentorbridge.core.refusals import Refusal
from mentorbridge.members.models import Member
from mentorbridge.programs.models import Program

from ..conftest import stage
from ..factories import MemberFactory, make_cycle
from ..matching.test_concurrency import THREADS, run_at_once
from .circle_world import published_circle
from .conftest import event_data

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="concurrency is tested on PostgreSQL (set DATABASE_URL)",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _event(coordinator: Member) -> object:
    program = Program.objects.get(slug="student-resident")
    made = flash.event_save(
        by=coordinator, program=program, data=event_data(tables=5, mentee_cap=7)
    )
    return flash.event_open(event=made)


def test_fifty_sign_ups_never_exceed_the_cap(coordinator: Member) -> None:
    event = _event(coordinator)
    students = [MemberFactory(stage=stage("ms3")) for _ in range(THREADS)]
    results = run_at_once(
        [lambda s=s: flash.signup(event=event, member=s, preferences=[]) for s in students]  # type: ignore[arg-type]
    )
    assert sum(isinstance(r, FlashSignup) for r in results) == 7
    assert sum(isinstance(r, Refusal) for r in results) == THREADS - 7, results
    assert FlashSignup.objects.count() == 7


def test_fifty_mentors_never_take_more_tables_than_a_round_has(coordinator: Member) -> None:
    event = _event(coordinator)
    hosts = [MemberFactory(stage=stage("pgy-3-resident")) for _ in range(THREADS)]
    results = run_at_once(
        [lambda h=h: flash.volunteer(event=event, member=h, rounds=[2]) for h in hosts]  # type: ignore[arg-type]
    )
    assert sum(isinstance(r, FlashVolunteer) for r in results) == 5
    assert FlashVolunteer.objects.count() == 5


# --- mentoring circles ----------------------------------------------------------------------------


def _circle(coordinator: Member, cycle: object, **overrides: object) -> Circle:
    leader = MemberFactory(stage=stage("pgy-3-resident"))
    return published_circle(leader=leader, coordinator=coordinator, cycle=cycle, **overrides)  # type: ignore[arg-type]


def test_fifty_acceptances_never_exceed_a_circles_seats(coordinator: Member) -> None:
    cycle = make_cycle()
    circle = _circle(coordinator, cycle, max_mentees=8)
    mentees = [MemberFactory(stage=stage("ms3")) for _ in range(THREADS)]
    applications = [
        CircleApplication.objects.create(circle=circle, mentee=m, note="Hi") for m in mentees
    ]
    results = run_at_once(
        [
            lambda a=a: circles.application_decide(application=a, by=circle.leader, accept=True)  # type: ignore[misc]
            for a in applications
        ]
    )
    refusals = [r for r in results if isinstance(r, Refusal)]
    assert len(refusals) == THREADS - 8, results
    assert all("full" in str(r) for r in refusals)
    circle.refresh_from_db()
    assert circle.member_count == 8
    assert CircleMember.objects.filter(circle=circle, active=True).count() == 8


def test_one_mentee_accepted_by_many_leaders_at_once_joins_one_circle(
    coordinator: Member,
) -> None:
    cycle = make_cycle()
    mentee = MemberFactory(stage=stage("ms3"))
    made = [_circle(coordinator, cycle, title=f"Circle {k}") for k in range(20)]
    applications = [
        CircleApplication.objects.create(circle=c, mentee=mentee, note="Hi") for c in made
    ]
    results = run_at_once(
        [
            lambda a=a: circles.application_decide(application=a, by=a.circle.leader, accept=True)  # type: ignore[misc]
            for a in applications
        ]
    )
    assert sum(r is None for r in results) == 1, results
    assert CircleMember.objects.filter(mentee=mentee, active=True).count() == 1
    # Every other circle gave its seat back: the counts match the rows.
    assert (
        sum(
            Circle.objects.filter(pk__in=[c.pk for c in made]).values_list(
                "member_count", flat=True
            )
        )
        == 1
    )
