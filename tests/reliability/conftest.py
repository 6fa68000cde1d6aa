"""Fault tests run real processes (task workers, gunicorn, PostgreSQL itself) against PostgreSQL;
on SQLite they are skipped. Data they need is committed (transactional tests)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


def database_url(name: str | None = None) -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name or s['NAME']}"


def app_env(**extra: str) -> dict[str, str]:
    """The environment of an app process on the test database, tasks queued in it."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "TASKS_BACKEND": "database",
        "DB_CONN_MAX_AGE": "0",
        "PYTHONPATH": str(ROOT),
    }
    env.update(extra)
    return env


def manage(*args: str, env: dict[str, str], **kwargs: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        **kwargs,  # type: ignore[call-overload]
    )


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


skip_unless_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="fault tests run on PostgreSQL (set DATABASE_URL)"
)
