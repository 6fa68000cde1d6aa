"""Demo cycles: one open cycle per program, with realistic enrollments (idempotent)."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from mentorbridge.core import clock
from mentorbridge.matching.pool import pools_changed
from mentorbridge.members.models import Institution, Member
from mentorbridge.programs.models import Cycle, Enrollment, Program

from .people import DEMO_DOMAIN

# (program slug, role, stage kinds, share of eligible demo members who enroll)
PLAN = [
    ("student-resident", "mentee", {"student"}, 0.75),
    ("student-resident", "mentor", {"resident", "fellow"}, 0.7),
    ("resident-surgeon", "mentee", {"resident", "fellow"}, 0.5),
    ("resident-surgeon", "mentor", {"surgeon"}, 0.7),
]
NAMED = {
    f"student@{DEMO_DOMAIN}": [("student-resident", "mentee")],
    f"resident@{DEMO_DOMAIN}": [("student-resident", "mentor"), ("resident-surgeon", "mentee")],
    f"fellow@{DEMO_DOMAIN}": [("student-resident", "mentor")],
    f"surgeon@{DEMO_DOMAIN}": [("resident-surgeon", "mentor")],
}


def demo_cycle(program: Program) -> Cycle:
    today = clock.today()
    year = today.year if today.month >= 7 else today.year - 1
    cycle, _ = Cycle.objects.get_or_create(
        program=program,
        name=f"{year}–{str(year + 1)[-2:]}",
        defaults={
            "status": Cycle.Status.OPEN,
            "enrollment_opens": today - dt.timedelta(days=30),
            "enrollment_closes": today + dt.timedelta(days=60),
            "match_date": today + dt.timedelta(days=61),
            "term_end": today + dt.timedelta(days=300),
        },
    )
    return cycle


@transaction.atomic
def seed_cycles() -> int:
    rng = random.Random(7)
    programs = {p.slug: p for p in Program.objects.all()}
    cycles = {slug: demo_cycle(p) for slug, p in programs.items()}
    ct_programs = list(
        Institution.objects.filter(has_ct_program=True, is_approved=True).values_list(
            "pk", flat=True
        )
    )
    members = list(
        Member.objects.filter(user__email__endswith=f"@{DEMO_DOMAIN}")
        .select_related("stage", "user")
        .prefetch_related("topics_wanted", "topics_offered")
        .order_by("pk")
    )
    existing = set(
        Enrollment.objects.filter(cycle__in=cycles.values()).values_list(
            "cycle_id", "member_id", "role"
        )
    )
    wanted: list[tuple[Member, str, str]] = []
    for member in members:
        named = NAMED.get(member.user.email)
        if named is not None:
            wanted += [(member, slug, role) for slug, role in named]
            continue
        kind = member.stage.kind if member.stage else ""
        for slug, role, kinds, share in PLAN:
            if kind in kinds and rng.random() < share:
                wanted.append((member, slug, role))
    new: list[Enrollment] = []
    topic_rows: list[tuple[int, list[int]]] = []
    target_rows: list[tuple[int, list[int]]] = []
    for member, slug, role in wanted:
        cycle = cycles[slug]
        if (cycle.pk, member.pk, role) in existing:
            continue
        mentor = role == Enrollment.Role.MENTOR
        new.append(
            Enrollment(
                cycle=cycle,
                member=member,
                role=role,
                goals="" if mentor else member.goals,
                capacity=rng.choice([1, 2, 2, 3]) if mentor else 0,
                hours_per_month=rng.choice([1, 2, 3, 4]) if mentor else 0,
                institution_preference=rng.choice(["", "", "", "different"]) if not mentor else "",
                same_region=(not mentor) and rng.random() < 0.15,
            )
        )
        topics = member.topics_offered.all() if mentor else member.topics_wanted.all()
        topic_rows.append((len(new) - 1, [t.pk for t in topics]))
        if slug == "student-resident" and not mentor and ct_programs:
            target_rows.append((len(new) - 1, rng.sample(ct_programs, rng.randint(0, 3))))
    Enrollment.objects.bulk_create(new, batch_size=2000)
    # bulk_create sets primary keys on PostgreSQL and SQLite 3.35+, so the M2M rows can follow.
    Enrollment.topics.through.objects.bulk_create(
        [
            Enrollment.topics.through(enrollment_id=new[i].pk, topic_id=t)
            for i, ts in topic_rows
            for t in ts
        ],
        batch_size=5000,
    )
    Enrollment.target_programs.through.objects.bulk_create(
        [
            Enrollment.target_programs.through(enrollment_id=new[i].pk, institution_id=t)
            for i, ts in target_rows
            for t in ts
        ],
        batch_size=5000,
    )
    # Bulk inserts send no signals: tell the mentor pools themselves.
    pools_changed(cycle_ids=[cycle.pk for cycle in cycles.values()])
    return len(new)
