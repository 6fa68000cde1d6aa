"""API benchmark: requests per second under a real gunicorn on 127.0.0.1, with N demo members.

    python bench/api.py                 # 20,000 members, SQLite in a temporary directory
    python bench/api.py --size 2000 --seconds 5
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mb_bench python bench/api.py

Measures three endpoints in the same server: the recommendations of a mentee enrollment (the
heaviest read), a list endpoint (the caller's notifications) and a bare django-ninja endpoint
(no auth, no database: the framework's floor). Prints a table, then one JSON line with
`api_rps` (recommendations), `list_rps`, `bare_rps`, `p95_ms` (recommendations) and the ratios.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


PORT = _free_port()


def manage(*args: str, env: dict[str, str]) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def prepare(env: dict[str, str]) -> tuple[str, int]:
    """A token for the demo student and their mentee enrollment id."""
    code = (
        "from mentorbridge.api.services import token_create;"
        "from mentorbridge.accounts.models import User;"
        "from mentorbridge.programs.models import Enrollment;"
        "u=User.objects.get(email='student@demo.mentorbridge.org');"
        "e=Enrollment.objects.filter(member__user=u, role='mentee').first();"
        "print(token_create(user=u, name='bench', scopes=['read'], days=1).secret, e.pk)"
    )
    out = manage("shell", "-c", code, env=env).split()
    return out[-2], int(out[-1])


def load(
    path: str, headers: dict[str, str], *, seconds: float, clients: int
) -> tuple[float, float, int]:
    """(requests per second, p95 latency in ms, errors) with `clients` keep-alive connections."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def run() -> None:
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        mine: list[float] = []
        bad = 0
        while time.perf_counter() < stop:
            started = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            if response.status != 200:
                bad += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            errors += bad

    started = time.perf_counter()
    threads = [threading.Thread(target=run) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    p95 = statistics.quantiles(latencies, n=20)[-1] * 1000 if len(latencies) >= 20 else float("nan")
    return len(latencies) / elapsed, p95, errors


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="20000", help="demo members (seed_demo --size)")
    parser.add_argument("--seconds", type=float, default=10.0, help="per endpoint")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="mb-bench-api-")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.api_server",
        "PYTHONPATH": str(ROOT),
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "API_RATE_LIMIT": "0",
        "TASKS_BACKEND": "immediate",
        "LOG_LEVEL": "WARNING",
    }
    env.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    started = time.perf_counter()
    manage("migrate", "--noinput", env=env)
    manage("seed_demo", "--size", args.size, "--quiet-logins", env=env)
    seeded = time.perf_counter() - started
    token, enrollment = prepare(env)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "bench.api_server_wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(args.workers),
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        auth = {"Authorization": f"Bearer {token}", "Host": "127.0.0.1"}
        for _ in range(100):  # wait until it answers
            try:
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
                conn.request("GET", "/bench/ping", headers={"Host": "127.0.0.1"})
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        cases = {
            "recommendations": f"/api/v1/enrollments/{enrollment}/recommendations?limit=20",
            "list (notifications)": "/api/v1/notifications?limit=25",
            "bare ninja": "/bench/ping",
        }
        results = {}
        for name, path in cases.items():
            load(path, auth, seconds=min(2.0, args.seconds), clients=args.clients)  # warm up
            results[name] = load(path, auth, seconds=args.seconds, clients=args.clients)
    finally:
        server.terminate()
        server.wait(timeout=30)

    print(
        f"API under gunicorn ({args.workers} workers × 4 threads), {args.clients} clients, "
        f"seed_demo --size {args.size} ({seeded:.0f} s to set up)"
    )
    print(f"{'endpoint':<24}{'req/s':>10}{'p95 ms':>10}{'errors':>8}")
    for name, (rps, p95, errors) in results.items():
        print(f"{name:<24}{rps:>10.1f}{p95:>10.1f}{errors:>8}")
    api_rps, p95_ms, api_errors = results["recommendations"]
    list_rps, list_p95, list_errors = results["list (notifications)"]
    bare_rps, bare_p95, _ = results["bare ninja"]
    print(
        json.dumps(
            {
                "size": args.size,
                "api_rps": round(api_rps, 1),
                "list_rps": round(list_rps, 1),
                "bare_rps": round(bare_rps, 1),
                "p95_ms": round(p95_ms, 1),
                "list_p95_ms": round(list_p95, 1),
                "bare_p95_ms": round(bare_p95, 1),
                "api_to_bare": round(api_rps / bare_rps, 3),
                "list_to_bare": round(list_rps / bare_rps, 3),
                "errors": api_errors + list_errors,
            }
        )
    )


if __name__ == "__main__":
    main()
