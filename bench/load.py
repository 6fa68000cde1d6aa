"""Load test of the production shape: locust against `make serve`'s processes, on PostgreSQL.

    python bench/load.py             # 20,000 members, 5,000 mentorships, 90 s of mixed load
    python bench/load.py --quick     # 2,000 members, 500 mentorships, 20 s (a smoke run)
    LOAD_DATABASE=mb_bench_load python bench/load.py --users 60 --seconds 120

What it does, all on this machine (loopback only; every loop is bounded in users and time):

1. Seeds a population into `<LOAD_DATABASE>_seed` once (the demo's members, then two open cycles
   in bulk: one with 5,000 unmatched mentees and 2,000 mentors for a match run, one with 5,000
   mentorships with messages and meetings). The seeded database is kept and marked with its sizes
   and SEED_VERSION; each run clones it (CREATE DATABASE … TEMPLATE, seconds), so every run starts
   from the same data.
2. Starts the production shape with deploy/serve.sh (the same gunicorn config, DEBUG=false, Redis
   cache, db_worker processes and periodic jobs as `make serve`) on a free port, with settings
   bench.load_server: the product's URLs plus two peers (bench/load_urls.py): a bare Django view
   and the signed-in layout with no content.
3. Mixed load (bench/load_users.py): students browse Find a mentor and send requests, pairs open
   their workspace, message and propose meetings, everyone reads notifications, a coordinator opens
   the dashboards and starts a match run of the whole cycle, which the task workers compute while
   the load runs (its duration is reported).
4. Capacity: each key page alone (Find a mentor, workspace, notifications), the layout page and
   the bare view, with closed-loop clients and no think time. Each page's requests per second are
   given over the bare view's and the layout page's, in the same server, and over the mixed
   load's total rate (the modeled peak): docs/operations.md says which of these are goals.

Prints a table, then one JSON line with every figure. Needs PostgreSQL and Redis (as `make serve`).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
# Bump when the seeding below changes: a seeded database with another version is seeded again.
SEED_VERSION = 2

SIZES = {
    # members, mentorships, match-run mentees, match-run mentors
    "full": (20_000, 5_000, 5_000, 2_000),
    "quick": (2_000, 500, 500, 200),
}
# Requests the mixed load makes, by locust name: the key pages have the goals of issue 11.
KEY_PAGES = ("find a mentor", "workspace", "notifications")


# ---------------------------------------------------------------------------------------------
# Seeding (runs in a child process with Django set up on the seed database)


def seed(members: int, pairs: int, match_mentees: int, match_mentors: int) -> dict[str, int]:
    """The demo's people, then both open cycles' enrollments and the mentorships, in bulk."""
    import datetime as dt
    import random

    from django.db import transaction

    from mentorbridge.core import clock
    from mentorbridge.demo.cycles import demo_cycle
    from mentorbridge.demo.people import seed_demo
    from mentorbridge.members.models import Member
    from mentorbridge.mentorships.models import Meeting, Mentorship, Message
    from mentorbridge.outcomes.models import OutcomeSurvey
    from mentorbridge.programs.models import Cycle, Enrollment, Program

    seed_demo(members)
    rng = random.Random(11)
    now = clock.now()
    with transaction.atomic():
        programs = {p.slug: p for p in Program.objects.all()}
        match_cycle = demo_cycle(programs["student-resident"])
        pair_cycle = demo_cycle(programs["resident-surgeon"])
        kinds: dict[str, list[Member]] = {}
        for m in (
            Member.objects.filter(stage__isnull=False)
            .select_related("stage")
            .prefetch_related("topics_wanted", "topics_offered")
            .order_by("pk")
        ):
            kinds.setdefault(m.stage.kind if m.stage else "", []).append(m)
        students = kinds.get("student", [])
        trainees = kinds.get("resident", []) + kinds.get("fellow", [])
        surgeons = kinds.get("surgeon", [])
        pair_mentors = math.ceil(pairs / 2)
        if len(students) < match_mentees or len(trainees) < max(match_mentors, pairs):
            raise SystemExit(f"{members} members are too few for these sizes")
        if len(surgeons) < pair_mentors:
            raise SystemExit(f"{members} members have too few surgeons for {pairs} mentorships")

        def enroll(
            cycle: Cycle, people: list[Member], role: str, capacity: int
        ) -> list[Enrollment]:
            mentor = role == Enrollment.Role.MENTOR
            made = Enrollment.objects.bulk_create(
                [
                    Enrollment(
                        cycle=cycle,
                        member=m,
                        role=role,
                        goals="" if mentor else m.goals,
                        capacity=capacity,
                        hours_per_month=2 if mentor else 0,
                        created_at=now - dt.timedelta(days=20),
                    )
                    for m in people
                ],
                batch_size=2000,
            )
            through = Enrollment.topics.through
            through.objects.bulk_create(
                [
                    through(enrollment_id=e.pk, topic_id=t.pk)
                    for e, m in zip(made, people, strict=True)
                    for t in (m.topics_offered.all() if mentor else m.topics_wanted.all())
                ],
                batch_size=5000,
            )
            return made

        # The match cycle: nobody matched yet, three seats per mentor (enough for every mentee).
        enroll(match_cycle, students[:match_mentees], Enrollment.Role.MENTEE, 0)
        enroll(match_cycle, trainees[:match_mentors], Enrollment.Role.MENTOR, 3)
        # The pairs' cycle: every mentee matched, two per surgeon (the seats are taken).
        mentees = enroll(pair_cycle, trainees[:pairs], Enrollment.Role.MENTEE, 0)
        mentors = enroll(pair_cycle, surgeons[:pair_mentors], Enrollment.Role.MENTOR, 2)
        Enrollment.objects.filter(pk__in=[e.pk for e in mentors]).update(mentee_count=2)
        made = Mentorship.objects.bulk_create(
            [
                Mentorship(
                    program=pair_cycle.program,
                    cycle=pair_cycle,
                    mentee=e.member,
                    mentor=mentors[i // 2].member,
                    mentee_enrollment=e,
                    mentor_enrollment=mentors[i // 2],
                    source=Mentorship.Source.MATCH_RUN,
                    started_at=now - dt.timedelta(days=15),
                    last_activity_at=now - dt.timedelta(days=rng.randint(0, 14)),
                )
                for i, e in enumerate(mentees)
            ],
            batch_size=2000,
        )
        meetings, messages = [], []
        for p in made:
            for k in range(rng.randint(0, 3)):
                meetings.append(
                    Meeting(
                        mentorship=p,
                        proposed_by=p.mentor,
                        starts_at=now - dt.timedelta(days=12 - 4 * k),
                        status=Meeting.Status.HELD,
                        minutes_held=45,
                    )
                )
            for k in range(rng.randint(0, 8)):
                messages.append(
                    Message(
                        mentorship=p,
                        author=p.mentee if k % 2 else p.mentor,
                        body=f"Message {k}: how did the week go?",
                        created_at=now - dt.timedelta(days=14 - k, hours=rng.randint(0, 23)),
                        read_at=now,
                    )
                )
        Meeting.objects.bulk_create(meetings, batch_size=2000)
        Message.objects.bulk_create(messages, batch_size=2000)
        # A steady state: this year's outcomes survey already went out to everyone in a pair (a
        # fresh database would have the daily job email all of them when the server starts).
        OutcomeSurvey.objects.bulk_create(
            [
                OutcomeSurvey(member_id=pk, year=now.year, sent_at=now)
                for pk in {p.mentee_id for p in made} | {p.mentor_id for p in made}
            ],
            batch_size=5000,
            ignore_conflicts=True,
        )
        for cycle in (match_cycle, pair_cycle):
            Cycle.objects.filter(pk=cycle.pk).update(pool_version=cycle.pool_version + 1)
    return {
        "members": Member.objects.count(),
        "mentorships": Mentorship.objects.count(),
        "open_cycles": Cycle.objects.filter(status=Cycle.Status.OPEN).count(),
        "match_mentees": match_mentees,
        "match_mentors": match_mentors,
    }


def plan(students: int, pairs: int) -> dict[str, Any]:
    """Logged-in sessions for the simulated people, written straight into the session table (a
    login per simulated user would measure password hashing and trip the login rate limits)."""
    import datetime as dt

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    from mentorbridge.accounts.models import User
    from mentorbridge.core import clock
    from mentorbridge.demo.people import DEMO_DOMAIN
    from mentorbridge.members.models import Topic
    from mentorbridge.mentorships.models import Mentorship
    from mentorbridge.programs.models import Cycle, Enrollment

    rows: list[Session] = []
    expires = clock.now() + dt.timedelta(days=1)
    store = SessionStore()

    def session(user: User) -> str:
        key = secrets.token_hex(16)
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0],
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expires))
        return key

    match_cycle = Cycle.objects.get(program__slug="student-resident", status=Cycle.Status.OPEN)
    pair_cycle = Cycle.objects.get(program__slug="resident-surgeon", status=Cycle.Status.OPEN)
    mentee_rows = (
        Enrollment.objects.filter(cycle=match_cycle, role=Enrollment.Role.MENTEE)
        .select_related("member__user")
        .order_by("pk")[:students]
    )
    pair_rows = (
        Mentorship.objects.filter(cycle=pair_cycle)
        .select_related("mentee__user", "mentor__user")
        .order_by("pk")[:pairs]
    )
    coordinator = User.objects.get(email=f"coordinator@{DEMO_DOMAIN}")
    result = {
        "students": [{"session": session(e.member.user), "enrollment": e.pk} for e in mentee_rows],
        "pairs": [
            {
                "session": session(p.mentee.user if i % 2 else p.mentor.user),
                "mentorship": p.pk,
            }
            for i, p in enumerate(pair_rows)
        ],
        "coordinator": session(coordinator),
        "match_cycle": match_cycle.pk,
        "pair_cycle": pair_cycle.pk,
        "weights": match_cycle.program.effective_weights(),
        "topics": list(Topic.objects.values_list("pk", flat=True)),
    }
    Session.objects.bulk_create(rows, batch_size=2000)
    return result


def child(step: str, args: list[str]) -> None:
    """`python bench/load.py --child seed|plan …`: one step with Django set up."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    if step == "seed":
        print(json.dumps(seed(*map(int, args))))
    else:
        out = Path(args[0])
        out.write_text(json.dumps(plan(int(args[1]), int(args[2]))))


# ---------------------------------------------------------------------------------------------
# Orchestration (no Django in this process: it drives the server and locust as subprocesses)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def base_url_of(database: str) -> str:
    server = os.environ.get("LOAD_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432")
    return f"{server.rstrip('/')}/{database}"


def admin_sql(sql: str, *params: object) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(base_url_of("postgres"), autocommit=True) as conn:
        cur = conn.execute(sql, params or None)  # type: ignore[call-overload]
        return list(cur.fetchall()) if cur.description else []


def run_sql(database: str, sql: str, *params: object) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(base_url_of(database), autocommit=True) as conn:
        cur = conn.execute(sql, params or None)  # type: ignore[call-overload]
        return list(cur.fetchall()) if cur.description else []


def step(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [PYTHON, *args], cwd=ROOT, env=env, check=False, capture_output=True, text=True
    )
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"step failed: {' '.join(args)}")
    return done.stdout


def ensure_seeded(seed_db: str, sizes: tuple[int, int, int, int], env: dict[str, str]) -> float:
    """Seconds spent seeding (0 when the kept seed database already has these sizes)."""
    marker = f"mentorbridge-load v{SEED_VERSION} sizes={','.join(map(str, sizes))}"
    found = admin_sql(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", seed_db
    )
    if found and found[0][0] == marker:
        return 0.0
    started = time.perf_counter()
    admin_sql(f'DROP DATABASE IF EXISTS "{seed_db}" WITH (FORCE)')
    admin_sql(f'CREATE DATABASE "{seed_db}"')
    seed_env = {**env, "DATABASE_URL": base_url_of(seed_db), "TASKS_BACKEND": "immediate"}
    step(seed_env, "manage.py", "migrate", "--noinput")
    step(seed_env, __file__, "--child", "seed", *map(str, sizes))
    admin_sql(f"COMMENT ON DATABASE \"{seed_db}\" IS '{marker}'")
    return time.perf_counter() - started


def clone(seed_db: str, run_db: str) -> float:
    started = time.perf_counter()
    admin_sql(f'DROP DATABASE IF EXISTS "{run_db}" WITH (FORCE)')
    admin_sql(f'CREATE DATABASE "{run_db}" TEMPLATE "{seed_db}"')
    return time.perf_counter() - started


def wait_healthy(url: str, server: subprocess.Popen[bytes], timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server stopped while starting (see its log)")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("the server did not answer /healthz in time")


def locust(
    url: str, plan_path: Path, out: Path, classes: list[str], users: int, seconds: int
) -> dict[str, dict[str, float]]:
    """One headless locust run; per request name: count, failures, req/s, p50/p95/p99 (ms)."""
    prefix = out / "_".join(c.lower() for c in classes)
    env = {**os.environ, "LOAD_PLAN": str(plan_path), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [
            PYTHON,
            "-m",
            "locust",
            "-f",
            str(ROOT / "bench" / "load_users.py"),
            "--headless",
            "--host",
            url,
            "--users",
            str(users),
            "--spawn-rate",
            str(max(users // 2, 1)),
            "--run-time",
            f"{seconds}s",
            "--stop-timeout",
            "10",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
            *classes,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=seconds + 120,
        check=False,
    )
    (out / f"{prefix.name}.log").write_text(done.stdout + done.stderr)
    stats: dict[str, dict[str, float]] = {}
    with open(f"{prefix}_stats.csv", newline="") as f:
        for row in csv.DictReader(f):
            stats[row["Name"]] = {
                "count": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": _number(row["Requests/s"]),
                "p50_ms": _number(row["50%"]),
                "p95_ms": _number(row["95%"]),
                "p99_ms": _number(row["99%"]),
            }
    return stats


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:  # "N/A" when a name had no request
        return 0.0


def match_run_status(run_db: str) -> tuple[str, float | None, int]:
    """(status, seconds from start to finish, proposals) of the latest run of the match cycle."""
    rows = run_sql(
        run_db,
        "SELECT r.status, EXTRACT(EPOCH FROM r.finished_at - r.created_at),"
        " (SELECT count(*) FROM matching_matchproposal p WHERE p.run_id = r.id)"
        " FROM matching_matchrun r ORDER BY r.id DESC LIMIT 1",
    )
    if not rows:
        return "none", None, 0
    status, seconds, proposals = rows[0]
    return str(status), float(seconds) if seconds is not None else None, int(proposals)


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small population, 20 s of load")
    parser.add_argument("--users", type=int, help="simulated users in the mixed load")
    parser.add_argument("--seconds", type=int, help="length of the mixed load")
    parser.add_argument("--capacity-seconds", type=int, help="length of each capacity run")
    parser.add_argument("--capacity-users", type=int, default=8, help="clients in a capacity run")
    parser.add_argument("--web-workers", default=os.environ.get("WEB_WORKERS", "4"))
    parser.add_argument("--task-workers", default=os.environ.get("TASK_WORKERS", "2"))
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1:])
        return

    sizes = SIZES["quick" if args.quick else "full"]
    users = args.users or (12 if args.quick else 40)
    seconds = min(args.seconds or (20 if args.quick else 90), 300)
    capacity_seconds = min(args.capacity_seconds or (5 if args.quick else 12), 60)
    database = os.environ.get("LOAD_DATABASE", "mentorbridge_load")
    seed_db, run_db = f"{database}_{'quick' if args.quick else 'full'}_seed", database
    out = Path(tempfile.mkdtemp(prefix="mb-load-"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "bench.load_server",
        "SECRET_KEY": "bench-load-only-" + "k" * 50,
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    env.pop("DATABASE_URL", None)

    seeded_s = ensure_seeded(seed_db, sizes, env)
    clone_s = clone(seed_db, run_db)
    run_env = {
        **env,
        "DATABASE_URL": base_url_of(run_db),
        "BIND": f"127.0.0.1:{port}",
        "WEB_WORKERS": str(args.web_workers),
        "TASK_WORKERS": str(args.task_workers),
        "CACHE_LOCATION": os.environ.get("CACHE_LOCATION", "redis://127.0.0.1:6379/0"),
        "REQUEST_LOG_LEVEL": os.environ.get("REQUEST_LOG_LEVEL", "INFO"),
    }
    plan_path = out / "plan.json"
    step(run_env, __file__, "--child", "plan", str(plan_path), "2000", "2000")

    log = open(out / "serve.log", "wb")  # noqa: SIM115 - closed in finally
    server = subprocess.Popen(
        ["deploy/serve.sh"],
        cwd=ROOT,
        env=run_env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_healthy(url, server)
        load_before = load_average()
        mixed = locust(
            url, plan_path, out, ["StudentUser", "PairUser", "CoordinatorUser"], users, seconds
        )
        status, match_s, proposals = match_run_status(run_db)
        completed_during_load = status == "ready"
        deadline = time.monotonic() + 300
        while status in {"queued", "running"} and time.monotonic() < deadline:
            time.sleep(2)
            status, match_s, proposals = match_run_status(run_db)
        load_after_mixed = load_average()
        capacity = {}
        for name, cls in (
            ("find a mentor", "FindCapacity"),
            ("workspace", "WorkspaceCapacity"),
            ("notifications", "NotificationsCapacity"),
            ("layout only", "LayoutCapacity"),
            ("bare view", "BareCapacity"),
        ):
            stats = locust(url, plan_path, out, [cls], args.capacity_users, capacity_seconds)
            row = dict(stats.get(name) or {"rps": 0.0, "count": 0, "p95_ms": 0})
            row["failures"] = stats.get("Aggregated", {}).get("failures", 0)
            capacity[name] = row
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()
    report(
        sizes=sizes,
        users=users,
        seconds=seconds,
        capacity_seconds=capacity_seconds,
        capacity_users=args.capacity_users,
        web_workers=args.web_workers,
        task_workers=args.task_workers,
        mixed=mixed,
        capacity=capacity,
        match=(status, match_s, proposals, completed_during_load),
        seeded_s=seeded_s,
        clone_s=clone_s,
        loads=(load_before, load_after_mixed, load_average()),
        out=out,
    )


def report(
    *,
    sizes: tuple[int, int, int, int],
    users: int,
    seconds: int,
    capacity_seconds: int,
    capacity_users: int,
    web_workers: str,
    task_workers: str,
    mixed: dict[str, dict[str, float]],
    capacity: dict[str, dict[str, float]],
    match: tuple[str, float | None, int, bool],
    seeded_s: float,
    clone_s: float,
    loads: tuple[str, str, str],
    out: Path,
) -> None:
    members, pairs, mentees, mentors = sizes
    total = mixed.get("Aggregated", {"count": 0, "failures": 0, "rps": 0.0, "p95_ms": 0})
    bare = capacity["bare view"]["rps"] or float("nan")
    layout = capacity.get("layout only", {}).get("rps") or float("nan")
    # The modeled peak: the mixed load's request rate over every page (its users and think time
    # set it, not the machine). A key page alone must carry it twice over (docs/operations.md).
    peak = total["rps"] or float("nan")
    print(
        f"Load: {members:,} members, {pairs:,} mentorships, 2 open cycles; gunicorn "
        f"{web_workers} workers (deploy/gunicorn.conf.py), {task_workers} task workers; "
        f"{users} users for {seconds} s (think time 1–3 s). Load average before / after the mixed "
        f"load / at the end: {loads[0]} / {loads[1]} / {loads[2]} (2 cores)."
    )
    print(
        f"{'mixed load: request':<28}{'count':>7}{'fail':>6}{'req/s':>8}{'p50':>7}{'p95':>7}{'p99':>7}"
    )
    for name, s in mixed.items():
        print(
            f"{name:<28}{s['count']:>7.0f}{s['failures']:>6.0f}{s['rps']:>8.1f}"
            f"{s['p50_ms']:>7.0f}{s['p95_ms']:>7.0f}{s['p99_ms']:>7.0f}"
        )
    print(f"\ncapacity ({capacity_users} clients, no think time, {capacity_seconds} s each)")
    print(
        f"{'page':<28}{'req/s':>8}{'p95':>7}{'fail':>6}{'of bare':>9}{'of layout':>11}{'× peak':>9}"
    )
    for name, s in capacity.items():
        print(
            f"{name:<28}{s['rps']:>8.1f}{s['p95_ms']:>7.0f}{s['failures']:>6.0f}"
            f"{s['rps'] / bare:>9.0%}{s['rps'] / layout:>11.0%}{s['rps'] / peak:>8.1f}×"
        )
    status, match_s, proposals, during = match
    print(
        f"\nmatch run {mentees:,} × {mentors:,}: {status}, {match_s or float('nan'):.1f} s from "
        f"start to finish, {proposals:,} proposals, finished during the load: {during}"
    )
    errors = int(total["failures"]) + int(sum(s["failures"] for s in capacity.values()))
    figures: dict[str, Any] = {
        "members": members,
        "mentorships": pairs,
        "users": users,
        "seconds": seconds,
        "web_workers": int(web_workers),
        "task_workers": int(task_workers),
        "loadavg_before": loads[0],
        "loadavg_after_mixed": loads[1],
        "requests": int(total["count"]),
        "errors": errors,
        "error_rate": round(errors / max(int(total["count"]), 1), 5),
        "throughput_rps": round(total["rps"], 1),
        "p95_ms": total["p95_ms"],
        "p99_ms": total["p99_ms"],
        "pages": {
            name: {k: round(v, 1) for k, v in s.items()}
            for name, s in mixed.items()
            if name != "Aggregated"
        },
        "capacity_rps": {name: round(s["rps"], 1) for name, s in capacity.items()},
        "capacity_p95_ms": {name: s["p95_ms"] for name, s in capacity.items()},
        "ratio_to_bare": {
            name: round(capacity[name]["rps"] / bare, 3) for name in KEY_PAGES if name in capacity
        },
        "ratio_to_layout": {
            name: round(capacity[name]["rps"] / layout, 3)
            for name in (*KEY_PAGES, "bare view")
            if name in capacity
        },
        "times_peak": {
            name: round(capacity[name]["rps"] / peak, 2) for name in KEY_PAGES if name in capacity
        },
        "match_run_status": status,
        "match_run_s": round(match_s, 1) if match_s is not None else None,
        "match_run_proposals": proposals,
        "match_run_during_load": during,
        "seed_s": round(seeded_s, 1),
        "clone_s": round(clone_s, 1),
        "logs": str(out),
    }
    # Issue 11's goals as docs/operations.md ("Goals, and one changed") states them. The 40%-of-
    # the-bare-view ratio is still reported (ratio_to_bare, bare_40pct) but no longer gates.
    figures["bare_40pct"] = {n: figures["ratio_to_bare"].get(n, 0) >= 0.4 for n in KEY_PAGES}
    figures["goals"] = {
        "no errors": errors == 0,
        "mixed load p95 under 300 ms": total["p95_ms"] < 300,
        "match run finished during the load": bool(during),
        "each key page alone carries twice the peak": all(
            figures["times_peak"].get(n, 0) >= 2 for n in KEY_PAGES
        ),
        "each key page alone p95 under 300 ms": all(
            0 < capacity.get(n, {}).get("p95_ms", 0) < 300 for n in KEY_PAGES
        ),
    }
    figures["goals_met"] = all(figures["goals"].values())
    for goal, met in figures["goals"].items():
        print(f"goal: {goal}: {'met' if met else 'NOT met'}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
