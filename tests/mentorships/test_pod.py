"""A member's pod loads only the chain around them (defect 4: it loaded every active mentorship on
the site), and shows the same ladders as before."""

from __future__ import annotations

import random

from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext

from mentorbridge.members.models import Member, PodVisibility
from mentorbridge.mentorships.models import Mentorship
from mentorbridge.mentorships.selectors import pod_for
from mentorbridge.programs.models import Cycle, Enrollment

from ..conftest import client_for, stage
from ..factories import MemberFactory, make_cycle


def pair(mentee: Member, mentor: Member, cycle: Cycle) -> Mentorship:
    mentee_enrollment, _ = Enrollment.objects.get_or_create(
        cycle=cycle, member=mentee, role="mentee", defaults={"capacity": 0}
    )
    mentor_enrollment, _ = Enrollment.objects.get_or_create(
        cycle=cycle, member=mentor, role="mentor", defaults={"capacity": 5}
    )
    return Mentorship.objects.create(
        program=cycle.program,
        cycle=cycle,
        mentee=mentee,
        mentor=mentor,
        mentee_enrollment=mentee_enrollment,
        mentor_enrollment=mentor_enrollment,
        source=Mentorship.Source.REQUEST,
    )


def everyone_visible(*members: Member) -> None:
    PodVisibility.objects.bulk_create([PodVisibility(member=m, visible=True) for m in members])


def pod_before(member: Member) -> list[list[Member]]:
    """The pod as it was computed before, from every active mentorship: the reference."""
    visible = set(PodVisibility.objects.filter(visible=True).values_list("member_id", flat=True))
    if member.pk not in visible:
        return []
    active = Mentorship.objects.active().select_related("mentee", "mentor")
    above = {m.mentee_id: m.mentor for m in active}
    below: dict[int, list[Member]] = {}
    for m in active:
        below.setdefault(m.mentor_id, []).append(m.mentee)
    ladders = []
    for start in below.get(member.pk, []) or [member]:
        ladder = [start] if start.pk != member.pk else []
        node = member
        ladder.append(node)
        while node.pk in above and len(ladder) < 5:
            node = above[node.pk]
            ladder.append(node)
        if len(ladder) >= 2 and all(p.pk in visible for p in ladder):
            ladders.append(ladder)
    return ladders


def test_the_pods_queries_do_not_grow_with_the_mentorships_on_the_site(db: None) -> None:
    students_cycle, residents_cycle = make_cycle(), make_cycle("resident-surgeon")
    sam = MemberFactory(full_name="Sam Student", stage=stage("ms2"))
    rita = MemberFactory(full_name="Rita Resident", stage=stage("pgy-4-resident"))
    sol = MemberFactory(full_name="Sol Surgeon", stage=stage("senior-surgeon"))
    pair(sam, rita, students_cycle)
    pair(rita, sol, residents_cycle)
    everyone_visible(sam, rita, sol)

    def queries() -> tuple[int, int]:
        """(queries, mentorship rows read): before, one query read every active mentorship."""
        loaded: list[object] = []

        def count(sender: type, instance: object, **kwargs: object) -> None:
            loaded.append(instance)

        post_init.connect(count, sender=Mentorship)
        try:
            with CaptureQueriesContext(connection) as captured:
                ladders = pod_for(rita)
        finally:
            post_init.disconnect(count, sender=Mentorship)
        assert [[p.full_name for p in ladder] for ladder in ladders] == [
            ["Sam Student", "Rita Resident", "Sol Surgeon"]
        ]
        return len(captured), len(loaded)

    few = queries()
    assert few[1] == 2  # Sam's mentorship with Rita, and Rita's with Sol
    for _ in range(30):  # other ladders on the site, everyone visible
        student = MemberFactory(stage=stage("ms2"))
        resident = MemberFactory(stage=stage("pgy-4-resident"))
        pair(student, resident, students_cycle)
        pair(resident, MemberFactory(stage=stage("senior-surgeon")), residents_cycle)
        everyone_visible(student, resident)
    assert queries() == few
    body = client_for(rita).get("/mentorships/").content.decode().split("My pod")[1]
    assert body.index("Sam Student") < body.index("Rita Resident") < body.index("Sol Surgeon")


def test_the_pod_shows_the_same_ladders_as_before(db: None) -> None:
    rng = random.Random(4)
    students_cycle, residents_cycle = make_cycle(), make_cycle("resident-surgeon")
    surgeons = [MemberFactory(stage=stage("senior-surgeon")) for _ in range(3)]
    residents = [MemberFactory(stage=stage("pgy-4-resident")) for _ in range(6)]
    students = [MemberFactory(stage=stage("ms2")) for _ in range(12)]
    for resident in residents:
        if rng.random() < 0.7:
            pair(resident, rng.choice(surgeons), residents_cycle)
    for student in students:
        if rng.random() < 0.8:
            pair(student, rng.choice(residents), students_cycle)
    people = surgeons + residents + students
    everyone_visible(*[p for p in people if rng.random() < 0.85])
    for member in people:
        assert pod_for(member) == pod_before(member), member
