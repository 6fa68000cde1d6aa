"""PostgreSQL restarted under a running gunicorn: pages answer a clean 503 (no traceback), /healthz
says the database is unreachable, and both recover by themselves when it is back.

It starts a cluster of its own (initdb in a temporary directory, as the postgres user, on a port
of its own): the shared server is never touched.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import PYTHON, ROOT, skip_unless_postgres, wait_for

BIN = Path("/usr/lib/postgresql/15/bin")


def _free_port() -> int:
    # Any free port: several checkouts may run this suite at once on one machine.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


PG_PORT, WEB_PORT = _free_port(), _free_port()
pytestmark = [
    skip_unless_postgres,
    pytest.mark.skipif(not (BIN / "initdb").exists(), reason="PostgreSQL 15 binaries not found"),
    pytest.mark.skipif(shutil.which("runuser") is None, reason="runuser not found"),
]


def _as_postgres(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        ["runuser", "-u", "postgres", "--", *args], check=True, capture_output=True, timeout=60
    )


@pytest.fixture
def cluster() -> Iterator[Path]:
    # Directly under /tmp: pytest's own temporary directories are closed to the postgres user.
    data = Path(tempfile.mkdtemp(prefix="mentorbridge-pg-")) / "data"
    data.parent.chmod(0o777)
    _as_postgres(
        str(BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"
    )
    pg_ctl = str(BIN / "pg_ctl")
    options = f"-p {PG_PORT} -k {data.parent} -c listen_addresses=127.0.0.1 -c fsync=off"
    _as_postgres(
        pg_ctl, "-D", str(data), "-o", options, "-l", f"{data.parent}/pg.log", "-w", "start"
    )
    try:
        yield data
    finally:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", pg_ctl, "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(data.parent, ignore_errors=True)


def _fetch(path: str, session: str = "") -> tuple[int, str, dict[str, str]]:
    request = urllib.request.Request(f"http://127.0.0.1:{WEB_PORT}{path}")
    if session:
        request.add_header("Cookie", f"sessionid={session}")
    try:
        with urllib.request.urlopen(request, timeout=10) as r:  # noqa: S310 - http on loopback
            return r.status, r.read().decode(), dict(r.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, "", {}


def _get(path: str, session: str = "") -> tuple[int, str]:
    status, body, _ = _fetch(path, session)
    return status, body


# A member and a logged-in session, made in the app's database: their pages need the database for
# the session alone, so with it down they must answer the 503 page.
MAKE_SESSION = (
    "from django.contrib.sessions.backends.db import SessionStore;"
    "from mentorbridge.accounts.models import User;"
    "from mentorbridge.members.models import Member;"
    "u = User.objects.create_user(email='restart@example.org', password=None);"
    "Member.objects.create(user=u, full_name='Restart Test');"
    "s = SessionStore();"
    "s['_auth_user_id'] = str(u.pk);"
    "s['_auth_user_backend'] = 'django.contrib.auth.backends.ModelBackend';"
    "s['_auth_user_hash'] = u.get_session_auth_hash();"
    "s.create();"
    "print(s.session_key)"
)


def test_a_database_restart_is_a_clean_503_then_recovers(cluster: Path, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PG_PORT}/postgres",
        "DEBUG": "false",
        "SECRET_KEY": "reliability-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DB_CONN_MAX_AGE": "60",
        "BIND": f"127.0.0.1:{WEB_PORT}",
        "WEB_WORKERS": "2",
        "PYTHONPATH": str(ROOT),
    }
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    session = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", MAKE_SESSION],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout.split()[-1]
    log = (tmp_path / "gunicorn.log").open("wb")
    web = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "mentorbridge.wsgi",
            "--config",
            "deploy/gunicorn.conf.py",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    pg_ctl = str(BIN / "pg_ctl")
    try:
        wait_for(
            lambda: _get("/healthz")[0] == 200, 300, "gunicorn to serve"
        )  # a bound, not a pause
        assert _get("/")[0] == 200
        assert _get("/members/me/", session)[0] == 200
        _as_postgres(pg_ctl, "-D", str(cluster), "-m", "fast", "-w", "stop")
        status, body = _get("/healthz")
        assert status == 503 and '"database": "unreachable"' in body
        # Pages never fail with a traceback: those that need no database still serve, the rest
        # answer the 503 page (tests/core/test_operations.py checks that page on a real
        # OperationalError).
        for path in ("/", "/accounts/login/", "/members/me/", "/no-such-page/"):
            status, body = _get(path)
            assert status in {200, 302, 404, 503}, (path, status)
            assert "Traceback" not in body
        # A logged-in member's pages need the database (the session): the 503 page over HTTP,
        # with Retry-After; never a traceback or a 500.
        for path in ("/members/me/", "/notifications/", "/mentorships/"):
            status, body, headers = _fetch(path, session)
            assert status == 503, (path, status)
            assert headers.get("Retry-After") == "10", (path, headers)
            assert "MentorBridge is back in a moment" in body
            assert "Traceback" not in body
        options = f"-p {PG_PORT} -k {cluster.parent} -c listen_addresses=127.0.0.1 -c fsync=off"
        _as_postgres(
            pg_ctl,
            "-D",
            str(cluster),
            "-o",
            options,
            "-l",
            f"{cluster.parent}/pg.log",
            "-w",
            "start",
        )
        # No restart of the app: the next requests find the database again.
        wait_for(lambda: _get("/healthz")[0] == 200, 60, "the app to recover")
        status, body = _get("/healthz")
        assert status == 200 and '"database": "ok"' in body
        assert _get("/")[0] == 200
        assert _get("/members/me/", session)[0] == 200
    finally:
        web.terminate()
        try:
            web.wait(90)  # graceful: gunicorn lets requests finish (slow on a busy machine)
        except subprocess.TimeoutExpired:
            web.kill()
            web.wait(30)
        log.close()
