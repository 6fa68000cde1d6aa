"""Mentoring circles: proposing, publishing, applying, accepting, leaving, placement; every
refusal says why and changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail

from mentorbridge.community import circles
from mentorbridge.community.models import Circle, CircleApplication, CircleMember
from mentorbridge.core.models import Notification
from mentorbridge.core.refusals import Refusal
from mentorbridge.members.models import Block, Member
from mentorbridge.programs.models import Cycle

from ..conftest import stage
from ..factories import MemberFactory, make_cycle
from .circle_world import circle_data, published_circle, students


@pytest.fixture
def cycle(db: None) -> Cycle:
    return make_cycle()


@pytest.fixture
def circle(resident: Member, coordinator: Member, cycle: Cycle) -> Circle:
    return published_circle(leader=resident, coordinator=coordinator, cycle=cycle)


def _state() -> tuple[int, int, int, list[int]]:
    return (
        Circle.objects.count(),
        CircleApplication.objects.count(),
        CircleMember.objects.filter(active=True).count(),
        list(Circle.objects.order_by("pk").values_list("member_count", flat=True)),
    )


def refused(match: str, action: Any) -> None:
    before = _state()
    with pytest.raises(Refusal, match=match):
        action()
    assert _state() == before


# --- proposing and publishing -----------------------------------------------------------------


def test_a_resident_proposes_and_the_coordinators_are_told(
    resident: Member, coordinator: Member, cycle: Cycle, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        circle = circles.circle_propose(
            by=resident, program=cycle.program, cycle=cycle, data=circle_data()
        )
    assert circle.status == Circle.Status.PROPOSED
    assert Notification.objects.filter(member=coordinator, kind="circle_proposed").exists()
    assert any("proposes a mentoring circle" in m.subject for m in mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        circles.circle_decide(circle=circle, by=coordinator, publish=True)
    circle.refresh_from_db()
    assert circle.status == Circle.Status.OPEN
    assert Notification.objects.filter(member=resident, kind="circle_decided").exists()


@pytest.mark.parametrize(
    ("overrides", "match"),
    [
        ({"max_mentees": 9}, "between 3 and 8"),
        ({"max_mentees": 2}, "between 3 and 8"),
        ({"ends_on": dt.date.today()}, "end after it starts"),
        ({"ends_on": dt.date.today() + dt.timedelta(days=20)}, "at least four weeks"),
        ({"ends_on": dt.date.today() + dt.timedelta(days=400)}, "cycle's term end"),
    ],
)
def test_bad_settings_are_refused(
    resident: Member, cycle: Cycle, overrides: dict[str, object], match: str
) -> None:
    refused(
        match,
        lambda: circles.circle_propose(
            by=resident, program=cycle.program, cycle=cycle, data=circle_data(**overrides)
        ),
    )


def test_a_student_cannot_lead(student: Member, cycle: Cycle) -> None:
    refused(
        "cannot lead a circle",
        lambda: circles.circle_propose(
            by=student, program=cycle.program, cycle=cycle, data=circle_data()
        ),
    )


def test_declining_needs_a_note_and_decides_once(
    resident: Member, coordinator: Member, cycle: Cycle
) -> None:
    circle = circles.circle_propose(
        by=resident, program=cycle.program, cycle=cycle, data=circle_data()
    )
    refused("why", lambda: circles.circle_decide(circle=circle, by=coordinator, publish=False))
    circles.circle_decide(circle=circle, by=coordinator, publish=False, note="Overlaps another")
    refused(
        "already decided",
        lambda: circles.circle_decide(circle=circle, by=coordinator, publish=True),
    )
    refused("Coordinators", lambda: circles.circle_decide(circle=circle, by=resident, publish=True))


# --- applying -----------------------------------------------------------------------------------


def test_apply_accept_and_the_other_applications_are_withdrawn(
    circle: Circle, resident: Member, surgeon: Member, coordinator: Member, cycle: Cycle
) -> None:
    other_leader = MemberFactory(stage=stage("pgy-3-resident"))
    other = published_circle(
        leader=other_leader, coordinator=coordinator, cycle=cycle, title="Interviews"
    )
    (mentee,) = students(1)
    first = circles.application_submit(circle=circle, mentee=mentee, note="I want a research year.")
    second = circles.application_submit(circle=other, mentee=mentee, note="And interviews.")
    assert (first.rank, second.rank) == (1, 2)
    assert Notification.objects.filter(member=resident, kind="circle_application").exists()
    circles.application_decide(application=first, by=resident, accept=True)
    circle.refresh_from_db()
    assert circle.member_count == 1
    second.refresh_from_db()
    assert second.status == CircleApplication.Status.WITHDRAWN
    assert Notification.objects.filter(member=mentee, kind="circle_answer").exists()


def test_bad_applications_are_refused(
    circle: Circle, resident: Member, coordinator: Member, cycle: Cycle
) -> None:
    a, b, c, d = students(4)
    refused(
        "why you would like", lambda: circles.application_submit(circle=circle, mentee=a, note="  ")
    )
    circles.application_submit(circle=circle, mentee=a, note="Please")
    # A duplicate application.
    refused(
        "already applied", lambda: circles.application_submit(circle=circle, mentee=a, note="Again")
    )
    # The leader, and a member of the wrong stage.
    refused(
        "cannot join a circle",
        lambda: circles.application_submit(circle=circle, mentee=resident, note="Me"),
    )
    # A blocked pair.
    Block.objects.create(blocker=resident, blocked=b)
    refused("cannot apply", lambda: circles.application_submit(circle=circle, mentee=b, note="Hi"))
    # Applying to a second circle once in one: one circle per cycle.
    circles.application_decide(
        application=CircleApplication.objects.get(mentee=a), by=resident, accept=True
    )
    other = published_circle(
        leader=MemberFactory(stage=stage("pgy-3-resident")),
        coordinator=coordinator,
        cycle=cycle,
        title="Other",
    )
    refused(
        "one circle per cycle",
        lambda: circles.application_submit(circle=other, mentee=a, note="Hi"),
    )
    # A closed circle.
    circles.circle_set_open(circle=other, by=other.leader, open=False)
    refused(
        "closed its applications",
        lambda: circles.application_submit(circle=other, mentee=c, note="Hi"),
    )
    # A full circle: three seats.
    for m in (c, d):
        circles.application_decide(
            application=circles.application_submit(circle=circle, mentee=m, note="Hi"),
            by=resident,
            accept=True,
        )
    (late,) = students(1)
    refused("is full", lambda: circles.application_submit(circle=circle, mentee=late, note="Hi"))


def test_more_mentees_than_seats_are_refused_at_acceptance(
    circle: Circle, resident: Member
) -> None:
    people = students(4)
    applications = [circles.application_submit(circle=circle, mentee=m, note="Hi") for m in people]
    for application in applications[:3]:
        circles.application_decide(application=application, by=resident, accept=True)
    refused(
        "is full",
        lambda: circles.application_decide(application=applications[3], by=resident, accept=True),
    )
    assert CircleApplication.objects.get(pk=applications[3].pk).status == "pending"


def test_a_fourth_application_in_a_cycle_is_refused(coordinator: Member, cycle: Cycle) -> None:
    (mentee,) = students(1)
    made = [
        published_circle(
            leader=MemberFactory(stage=stage("pgy-3-resident")),
            coordinator=coordinator,
            cycle=cycle,
            title=f"C{k}",
        )
        for k in range(4)
    ]
    for c in made[:3]:
        circles.application_submit(circle=c, mentee=mentee, note="Hi")
    refused(
        "withdraw", lambda: circles.application_submit(circle=made[3], mentee=mentee, note="Hi")
    )


def test_only_the_leader_answers(circle: Circle, surgeon: Member) -> None:
    (mentee,) = students(1)
    application = circles.application_submit(circle=circle, mentee=mentee, note="Hi")
    refused(
        "leader",
        lambda: circles.application_decide(application=application, by=surgeon, accept=True),
    )


def test_leaving_gives_the_seat_back(circle: Circle, resident: Member) -> None:
    (mentee,) = students(1)
    application = circles.application_submit(circle=circle, mentee=mentee, note="Hi")
    circles.application_decide(application=application, by=resident, accept=True)
    circles.member_leave(circle=circle, mentee=mentee)
    circle.refresh_from_db()
    assert circle.member_count == 0
    refused("not a member", lambda: circles.member_leave(circle=circle, mentee=mentee))


def test_closing_declines_waiting_applications(circle: Circle, resident: Member) -> None:
    (mentee,) = students(1)
    application = circles.application_submit(circle=circle, mentee=mentee, note="Hi")
    circles.circle_set_open(circle=circle, by=resident, open=False)
    application.refresh_from_db()
    assert application.status == CircleApplication.Status.DECLINED
    circles.circle_set_open(circle=circle, by=resident, open=True)
    assert Circle.objects.get(pk=circle.pk).status == Circle.Status.OPEN


# --- the placement run ----------------------------------------------------------------------------


def test_placement_seats_the_most_then_first_choices(coordinator: Member, cycle: Cycle) -> None:
    leaders = [MemberFactory(stage=stage("pgy-3-resident")) for _ in range(2)]
    a = published_circle(
        leader=leaders[0], coordinator=coordinator, cycle=cycle, title="A", max_mentees=3
    )
    b = published_circle(
        leader=leaders[1], coordinator=coordinator, cycle=cycle, title="B", max_mentees=4
    )
    people = students(7)
    # Everyone ranks A first, five rank B second: 7 seats for 7 applicants, so the two who ranked
    # only A must have A (coverage before ranks), and A's third seat goes to a first choice.
    for k, mentee in enumerate(people):
        circles.application_submit(circle=a, mentee=mentee, note="A first")
        if k < 5:
            circles.application_submit(circle=b, mentee=mentee, note="B second")
    plan = circles.placement_plan(cycle=cycle)
    assert (plan.applicants, plan.placed, plan.seats) == (7, 7, 7)
    assert plan.by_rank == [3, 4]
    result = circles.placement_apply(cycle=cycle, by=coordinator)
    assert result.placed == 7 and not result.skipped
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.member_count, b.member_count) == (3, 4)
    # Each placed mentee is in one circle; the two who ranked only A got A.
    assert CircleMember.objects.filter(mentee__in=people[5:], circle=a).count() == 2
    assert CircleMember.objects.filter(source="placement").count() == 7
    assert not CircleApplication.objects.filter(status="pending").exists()
    # Nobody is left waiting: running again is refused, changing nothing.
    refused("Nobody is waiting", lambda: circles.placement_apply(cycle=cycle, by=coordinator))


def test_placement_skips_blocked_pairs_and_refuses_with_nobody(
    circle: Circle, resident: Member, coordinator: Member, cycle: Cycle
) -> None:
    refused("Nobody is waiting", lambda: circles.placement_apply(cycle=cycle, by=coordinator))
    (mentee,) = students(1)
    circles.application_submit(circle=circle, mentee=mentee, note="Hi")
    Block.objects.create(blocker=mentee, blocked=resident)
    assert circles.placement_plan(cycle=cycle).placed == 0
    refused("Coordinators", lambda: circles.placement_apply(cycle=cycle, by=resident))
