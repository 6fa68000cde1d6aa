"""Workflow benchmark: a whole coordinator match run and the "find a mentor" page, on a real database.

    python bench/workflow.py            # SQLite (a fresh test database)
    DATABASE_URL=postgres://... python bench/workflow.py   # PostgreSQL (test_<name>, dropped after)
    python bench/workflow.py --quick    # small sizes, for CI

Prints a table, then one JSON line with every figure (match_run_s, recommend_median_ms, ...).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorbridge.settings")
os.environ.setdefault("TASKS_BACKEND", "immediate")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


def populate(
    *, mentees: int, mentors: int, program_slug: str, cycle_name: str, seed: int
) -> object:
    """Members and enrollments with realistic variety, inserted in bulk."""
    import datetime as dt

    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from mentorbridge.accounts.models import User
    from mentorbridge.members.models import (
        Institution,
        Interest,
        Language,
        Member,
        Topic,
    )
    from mentorbridge.programs.models import Cycle, Enrollment, Program

    rng = random.Random(seed)
    program = Program.objects.get(slug=program_slug)
    today = timezone.localdate()
    cycle = Cycle.objects.create(
        program=program,
        name=cycle_name,
        status=Cycle.Status.OPEN,
        enrollment_opens=today - dt.timedelta(days=5),
        enrollment_closes=today + dt.timedelta(days=30),
        match_date=today + dt.timedelta(days=31),
        term_end=today + dt.timedelta(days=300),
    )
    if not Institution.objects.exists():
        Institution.objects.bulk_create(
            Institution(
                name=f"Institution {k}",
                city=f"City {k}",
                region=rng.choice(["NY", "CA", "TX", "MA", "IL", "OH", "GA", "WA"]),
                has_ct_program=k % 2 == 0,
            )
            for k in range(60)
        )
    institutions = list(Institution.objects.all())
    interests = list(Interest.objects.all())
    topics = list(Topic.objects.all())
    languages = list(Language.objects.all())
    mentee_stages = list(program.mentee_stages.all())
    mentor_stages = list(program.mentor_stages.all())
    zones = [
        "America/New_York",
        "America/Chicago",
        "America/Denver",
        "America/Los_Angeles",
        "Europe/London",
    ]
    words = [
        "valve",
        "aortic",
        "congenital",
        "transplant",
        "research",
        "lung",
        "robotic",
        "education",
        "outcomes",
        "global",
        "interview",
        "rotation",
        "fellowship",
    ]
    password = make_password("bench-password")
    start = User.objects.count()
    total = mentees + mentors
    User.objects.bulk_create(
        [User(email=f"bench{start + k}@example.org", password=password) for k in range(total)],
        batch_size=5000,
    )
    users = list(
        User.objects.filter(email__startswith="bench").order_by("pk")[start : start + total]
    )
    members = []
    for k, user in enumerate(users):
        is_mentor = k >= mentees
        members.append(
            Member(
                user=user,
                full_name=f"Bench Person {start + k}",
                stage=rng.choice(mentor_stages if is_mentor else mentee_stages),
                institution=rng.choice(institutions),
                time_zone=rng.choice(zones),
                bio=" ".join(rng.choices(words, k=12)),
                goals=" ".join(rng.choices(words, k=10)),
                meeting_formats=rng.sample(["video", "phone", "in_person"], rng.randint(1, 3)),
            )
        )
    Member.objects.bulk_create(members, batch_size=5000)
    members = list(Member.objects.filter(user__in=users).order_by("pk"))
    Member.interests.through.objects.bulk_create(
        [
            Member.interests.through(member_id=m.pk, interest_id=i.pk)
            for m in members
            for i in rng.sample(interests, rng.randint(1, 3))
        ],
        batch_size=10000,
    )
    Member.languages.through.objects.bulk_create(
        [
            Member.languages.through(member_id=m.pk, language_id=lang.pk)
            for m in members
            for lang in {languages[0], rng.choice(languages)}
        ],
        batch_size=10000,
    )
    enrollments = [
        Enrollment(
            cycle=cycle,
            member=m,
            role="mentor" if k >= mentees else "mentee",
            capacity=rng.randint(1, 5) if k >= mentees else 0,
            goals=m.goals,
        )
        for k, m in enumerate(members)
    ]
    Enrollment.objects.bulk_create(enrollments, batch_size=5000)
    enrollments = list(Enrollment.objects.filter(cycle=cycle).order_by("pk"))
    Enrollment.topics.through.objects.bulk_create(
        [
            Enrollment.topics.through(enrollment_id=e.pk, topic_id=t.pk)
            for e in enrollments
            for t in rng.sample(topics, rng.randint(2, 4))
        ],
        batch_size=10000,
    )
    targets = [i for i in institutions if i.has_ct_program]
    Enrollment.target_programs.through.objects.bulk_create(
        [
            Enrollment.target_programs.through(enrollment_id=e.pk, institution_id=i.pk)
            for e in enrollments
            if e.role == "mentee"
            for i in rng.sample(targets, rng.randint(0, 3))
        ],
        batch_size=10000,
    )
    return cycle


def _bench_coordinator() -> object:
    from mentorbridge.accounts.models import User

    user, _ = User.objects.get_or_create(
        email="bench-coordinator@example.org", defaults={"is_staff": True}
    )
    return user


def bench_match_run(cycle: object, objective: str) -> dict[str, float]:
    from mentorbridge.matching.models import MatchRun
    from mentorbridge.matching.runs import match_run_create

    # A run is a coordinator's (match_run_create refuses anyone else): a staff user, made outside
    # the timing.
    by = _bench_coordinator()
    started = time.perf_counter()
    run = match_run_create(cycle=cycle, by=by, objective=objective)  # type: ignore[arg-type]
    run.refresh_from_db()
    elapsed = time.perf_counter() - started
    assert run.status == MatchRun.Status.READY, run.error
    return {
        "seconds": elapsed,
        "matched": run.metrics["matched"],
        "mentees": run.metrics["mentees"],
        "mean_score": run.metrics["mean_score"],
    }


def bench_recommend(cycle: object, samples: int) -> dict[str, float]:
    from mentorbridge.programs.models import Enrollment

    mentee_ids = list(
        Enrollment.objects.filter(cycle=cycle, role="mentee").values_list("pk", "member__user_id")[
            : samples + 1
        ]
    )
    from mentorbridge.accounts.models import User

    client = Client()
    pk, user_id = mentee_ids[0]
    client.force_login(User.objects.get(pk=user_id))
    started = time.perf_counter()
    assert client.get(f"/matching/enrollments/{pk}/find/").status_code == 200
    cold = (time.perf_counter() - started) * 1000
    timings, queries = [], []
    for pk, user_id in mentee_ids[1:]:
        client.force_login(User.objects.get(pk=user_id))
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(f"/matching/enrollments/{pk}/find/")
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
        queries.append(len(captured))
    return {
        "cold_ms": cold,
        "median_ms": statistics.median(timings),
        "p90_ms": sorted(timings)[int(len(timings) * 0.9)],
        "queries": max(queries),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    sizes = (300, 120, 1000) if args.quick else (5000, 2000, 10000)
    n_mentees, n_mentors, pool = sizes

    setup_test_environment()
    settings.DEBUG = False
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        t0 = time.perf_counter()
        run_cycle = populate(
            mentees=n_mentees,
            mentors=n_mentors,
            program_slug="student-resident",
            cycle_name="bench-run",
            seed=1,
        )
        rec_cycle = populate(
            mentees=31,
            mentors=pool,
            program_slug="resident-surgeon",
            cycle_name="bench-recommend",
            seed=2,
        )
        setup_s = time.perf_counter() - t0
        runs = {
            objective: bench_match_run(run_cycle, objective) for objective in ("total", "coverage")
        }
        rec = bench_recommend(rec_cycle, samples=30)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    figures = {
        "database": connection.vendor,
        "mentees": n_mentees,
        "mentors": n_mentors,
        "setup_s": round(setup_s, 2),
        "match_run_s": round(runs["total"]["seconds"], 3),
        "match_run_matched": runs["total"]["matched"],
        "match_run_coverage_s": round(runs["coverage"]["seconds"], 3),
        "match_run_coverage_matched": runs["coverage"]["matched"],
        "recommend_pool_mentors": pool,
        "recommend_cold_ms": round(rec["cold_ms"], 1),
        "recommend_median_ms": round(rec["median_ms"], 1),
        "recommend_p90_ms": round(rec["p90_ms"], 1),
        "recommend_queries": rec["queries"],
    }
    print(f"{'figure':<32}{'value':>14}")
    for key, value in figures.items():
        print(f"{key:<32}{value!s:>14}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
