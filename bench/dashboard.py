"""Dashboard and roster import benchmark, on a real database.

    python bench/dashboard.py            # SQLite (a fresh test database)
    DATABASE_URL=postgres://... python bench/dashboard.py   # PostgreSQL (test_<name>, dropped after)
    python bench/dashboard.py --quick    # small sizes, for CI

20,000 members and 5,000 mentorships (with meetings, messages and check-ins) in one cycle: the
coordinator's dashboard page is fetched repeatedly (target: median under 300 ms), as served (the
figures are kept for five minutes after the first view) and with ?fresh=1 (every figure computed
each time); then a roster of 20,000 new members is read, previewed and imported (target: under
30 s), and the same file is previewed and imported again (it must change nothing). Invitations are
queued for a worker (the database task backend), as in production. Prints a table, then one JSON
line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorbridge.settings")
os.environ["TASKS_BACKEND"] = "database"

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


def populate(*, members: int, pairs: int, seed: int) -> object:
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from mentorbridge.accounts.models import User
    from mentorbridge.members.models import Institution, Member, PrivateIdentity, TrainingStage
    from mentorbridge.mentorships.models import CheckIn, Meeting, Mentorship, Message
    from mentorbridge.programs.models import Cycle, Enrollment, Program

    rng = random.Random(seed)
    now = timezone.now()
    program = Program.objects.get(slug="student-resident")
    start = (now - dt.timedelta(days=200)).date()
    cycle = Cycle.objects.create(
        program=program,
        name="bench",
        status=Cycle.Status.OPEN,
        enrollment_opens=start,
        enrollment_closes=start + dt.timedelta(days=30),
        match_date=start + dt.timedelta(days=31),
        term_end=start + dt.timedelta(days=330),
    )
    institutions = Institution.objects.bulk_create(
        [
            Institution(
                name=f"Bench School {i}", city="Town", region=f"R{i % 9}", has_ct_program=i % 3 == 0
            )
            for i in range(120)
        ]
    )
    students = list(TrainingStage.objects.filter(kind="student"))
    residents = list(TrainingStage.objects.filter(kind="resident"))
    password = make_password("x")
    users = User.objects.bulk_create(
        [User(email=f"bench{i}@example.org", password=password) for i in range(members)],
        batch_size=2000,
    )
    n_mentors = members // 5
    people = Member.objects.bulk_create(
        [
            Member(
                user=u,
                full_name=f"Bench Member {i}",
                stage=rng.choice(residents if i < n_mentors else students),
                institution=rng.choice(institutions),
            )
            for i, u in enumerate(users)
        ],
        batch_size=2000,
    )
    PrivateIdentity.objects.bulk_create(
        [
            PrivateIdentity(
                member=m,
                consent=True,
                gender=rng.choice(["woman", "man"]),
                first_generation=rng.random() < 0.2,
            )
            for m in people[::3]
        ],
        batch_size=2000,
    )
    mentors, mentees = people[:n_mentors], people[n_mentors:]
    mentor_enrollments = Enrollment.objects.bulk_create(
        [
            Enrollment(
                cycle=cycle,
                member=m,
                role="mentor",
                capacity=3,
                mentee_count=0,
                created_at=now - dt.timedelta(days=199),
            )
            for m in mentors[:2000]
        ],
        batch_size=2000,
    )
    mentee_enrollments = Enrollment.objects.bulk_create(
        [
            Enrollment(
                cycle=cycle,
                member=m,
                role="mentee",
                same_gender=rng.choice(["", "", "soft"]),
                created_at=now - dt.timedelta(days=199),
            )
            for m in mentees[: int(pairs * 1.3)]
        ],
        batch_size=2000,
    )
    load = [0] * len(mentor_enrollments)
    made = []
    for i, e in enumerate(mentee_enrollments[:pairs]):
        j = i % len(mentor_enrollments)
        load[j] += 1
        m = mentor_enrollments[j]
        made.append(
            Mentorship(
                program=program,
                cycle=cycle,
                mentee=e.member,
                mentor=m.member,
                mentee_enrollment=e,
                mentor_enrollment=m,
                source="match_run",
                started_at=now - dt.timedelta(days=rng.randint(100, 170)),
                last_activity_at=now - dt.timedelta(days=rng.randint(0, 80)),
                completed=rng.random() < 0.3,
            )
        )
    pairs_made = Mentorship.objects.bulk_create(made, batch_size=2000)
    for m, n in zip(mentor_enrollments, load, strict=True):
        m.mentee_count = n
    Enrollment.objects.bulk_update(mentor_enrollments, ["mentee_count"], batch_size=2000)
    meetings, messages, check_ins = [], [], []
    for p in pairs_made:
        for k in range(rng.randint(0, 6)):
            meetings.append(
                Meeting(
                    mentorship=p,
                    proposed_by=p.mentor,
                    starts_at=p.started_at + dt.timedelta(days=7 + 14 * k),
                    status="held",
                    minutes_held=rng.choice([30, 45, 60]),
                )
            )
        for k in range(rng.randint(0, 8)):
            messages.append(
                Message(
                    mentorship=p,
                    author=p.mentee,
                    body="hi",
                    created_at=p.started_at + dt.timedelta(days=3 * k),
                )
            )
        for who in (p.mentee, p.mentor):
            check_ins.append(
                CheckIn(
                    mentorship=p, member=who, due_at=now, answered_at=now, rating=rng.randint(1, 5)
                )
            )
    Meeting.objects.bulk_create(meetings, batch_size=2000)
    Message.objects.bulk_create(messages, batch_size=2000)
    CheckIn.objects.bulk_create(check_ins, batch_size=2000)
    return cycle


def coordinator_client() -> Client:
    from allauth.mfa.totp.internal.auth import TOTP

    from mentorbridge.accounts.models import User
    from mentorbridge.members.models import Member

    user = User.objects.create_user(
        email="bench.coordinator@example.org", password=None, is_staff=True
    )
    Member.objects.create(user=user, full_name="Bench Coordinator")
    TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client = Client()
    client.force_login(user)
    return client


def _timed(client: Client, url: str, samples: int) -> tuple[float, float, float]:
    """Median and 90th percentile wall time, and the median CPU time of this process (on SQLite
    that includes the database's work; it hardly moves when other processes load the machine)."""
    timings, cpu = [], []
    for _ in range(samples):
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.get(url)
        timings.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        assert response.status_code == 200, response.status_code
    timings.sort()
    p90 = timings[max(0, int(len(timings) * 0.9) - 1)]
    return statistics.median(timings), p90, statistics.median(cpu)


def bench_dashboard(cycle: object, samples: int) -> dict[str, float]:
    """The page as coordinators get it (figures kept for a few minutes after the first view),
    and with ?fresh=1, which computes every figure each time (the cold cost)."""
    client = coordinator_client()
    url = f"/dashboard/cycles/{cycle.pk}/"  # type: ignore[attr-defined]
    t0 = time.perf_counter()
    first = client.get(url)
    cold = (time.perf_counter() - t0) * 1000
    assert first.status_code == 200, first.status_code
    median, p90, cpu = _timed(client, url, samples)
    fresh_median, fresh_p90, fresh_cpu = _timed(client, url + "?fresh=1", samples)
    with CaptureQueriesContext(connection) as queries:
        client.get(url + "?fresh=1")
    with CaptureQueriesContext(connection) as kept_queries:
        client.get(url)
    return {
        "cold_ms": cold,
        "median_ms": median,
        "p90_ms": p90,
        "fresh_median_ms": fresh_median,
        "fresh_p90_ms": fresh_p90,
        "cpu_ms": cpu,
        "fresh_cpu_ms": fresh_cpu,
        "queries": len(queries),
        "kept_queries": len(kept_queries),
    }


def bench_import(rows: int) -> dict[str, float]:
    from mentorbridge.accounts.models import User
    from mentorbridge.dashboard import roster
    from mentorbridge.dashboard.models import RosterUpload
    from mentorbridge.members.models import Member

    stages = ["MS1", "MS2", "MS3", "MS4", "PGY-2 resident"]
    lines = ["Name,Email,Membership category,Training stage,Institution,Member id"]
    for i in range(rows):
        lines.append(
            f"Roster Person {i},roster{i}@example.org,Medical student member,{stages[i % 5]},"
            f"Bench School {i % 120},R{i:06d}"
        )
    data = ("\n".join(lines) + "\n").encode()
    by = User.objects.get(email="bench.coordinator@example.org")
    upload = RosterUpload.objects.create(uploaded_by=by, filename="bench.csv", content=data)
    t0 = time.perf_counter()
    sheet = roster.read_roster("bench.csv", data)
    plan = roster.plan_roster(sheet, roster.guess_mapping(sheet.headers))
    preview_s = time.perf_counter() - t0
    assert plan.can_import, [r.errors for r in plan.errors[:3]]
    t1 = time.perf_counter()
    report = roster.roster_import(upload=upload, plan=plan, by=by.member)
    import_s = time.perf_counter() - t1
    # Idempotence at scale: the same file again plans no change, and importing it writes none.
    t2 = time.perf_counter()
    again = roster.plan_roster(roster.read_roster("bench.csv", data), plan.mapping)
    replan_s = time.perf_counter() - t2
    assert again.can_import and again.count("unchanged") == rows, again.count("update")
    members_before = Member.objects.count()
    second = RosterUpload.objects.create(uploaded_by=by, filename="bench.csv", content=data)
    t3 = time.perf_counter()
    repeat = roster.roster_import(upload=second, plan=again, by=by.member)
    reimport_s = time.perf_counter() - t3
    assert (repeat.created, repeat.updated) == (0, 0), repeat
    assert Member.objects.count() == members_before
    return {
        "preview_s": preview_s,
        "import_s": import_s,
        "total_s": preview_s + import_s,
        "created": report.created,
        "reupload_unchanged": again.count("unchanged"),
        "reupload_preview_s": replan_s,
        "reupload_import_s": reimport_s,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    members, pairs, rows, samples = (
        (2000, 500, 2000, 5) if args.quick else (20_000, 5_000, 20_000, 15)
    )

    setup_test_environment()
    settings.DEBUG = False
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        t0 = time.perf_counter()
        cycle = populate(members=members, pairs=pairs, seed=1)
        # A live database has planner statistics (autovacuum gathers them); freshly bulk-loaded
        # tables have none, and PostgreSQL then plans nested loops that take seconds.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        setup_s = time.perf_counter() - t0
        page = bench_dashboard(cycle, samples)
        imported = bench_import(rows)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    figures = {
        "database": connection.vendor,
        "members": members,
        "mentorships": pairs,
        "setup_s": round(setup_s, 2),
        "dashboard_cold_ms": round(page["cold_ms"], 1),
        "dashboard_median_ms": round(page["median_ms"], 1),
        "dashboard_p90_ms": round(page["p90_ms"], 1),
        "dashboard_fresh_median_ms": round(page["fresh_median_ms"], 1),
        "dashboard_fresh_p90_ms": round(page["fresh_p90_ms"], 1),
        "dashboard_cpu_ms": round(page["cpu_ms"], 1),
        "dashboard_fresh_cpu_ms": round(page["fresh_cpu_ms"], 1),
        "dashboard_queries": page["queries"],
        "dashboard_kept_queries": page["kept_queries"],
        "import_rows": rows,
        "import_preview_s": round(imported["preview_s"], 2),
        "import_write_s": round(imported["import_s"], 2),
        f"import_{rows // 1000}k_s": round(imported["total_s"], 2),
        "import_created": imported["created"],
        "reupload_unchanged": imported["reupload_unchanged"],
        "reupload_preview_s": round(imported["reupload_preview_s"], 2),
        "reupload_import_s": round(imported["reupload_import_s"], 2),
    }
    print(f"{'figure':<32}{'value':>14}")
    for key, value in figures.items():
        print(f"{key:<32}{value!s:>14}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
