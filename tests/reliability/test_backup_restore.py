"""The backup drill of docs/operations.md as a test: pg_dump, restore into a scratch database,
migrate, and the restored data matches (row counts of every table and a sample of records)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.apps import apps
from django.db import connection

from mentorbridge.matching import runs
from mentorbridge.members.models import Member
from mentorbridge.mentorships import services as workspace
from mentorbridge.mentorships.models import Mentorship

from ..factories import MemberFactory, enroll, make_cycle, make_mentorship
from .conftest import PYTHON, ROOT, app_env, database_url, skip_unless_postgres

pytestmark = [
    skip_unless_postgres,
    pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump not found"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as db:
        return {
            model._meta.db_table: db.execute(
                f'SELECT COUNT(*) FROM "{model._meta.db_table}"'  # noqa: S608 (our table names)
            ).fetchone()[0]  # type: ignore[index]
            for model in apps.get_models()
            if not model._meta.proxy
        }


def test_a_dump_restores_into_a_scratch_database_with_the_same_data(
    tmp_path: Path, coordinator: Member
) -> None:
    cycle = make_cycle()
    for _ in range(3):
        m = make_mentorship(MemberFactory(), MemberFactory(), cycle)
        workspace.message_post(mentorship=m, by=m.mentee, body="Hello — ünïcode ✓")
    for _ in range(4):
        enroll(MemberFactory(), cycle, "mentee")
        enroll(MemberFactory(), cycle, "mentor")
    run = runs.match_run_create(cycle=cycle, by=coordinator.user, objective="total")
    runs.match_run_execute(run_id=run.pk)

    source = database_url()
    scratch = f"{connection.settings_dict['NAME']}_restore"
    dump = tmp_path / "backup.dump"
    subprocess.run(
        ["pg_dump", "--format=custom", f"--file={dump}", source], check=True, timeout=120
    )
    admin_url = database_url("postgres")
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        admin.execute(f'CREATE DATABASE "{scratch}"')
    try:
        target = database_url(scratch)
        subprocess.run(
            ["pg_restore", "--no-owner", "-d", target, str(dump)],
            check=True,
            timeout=120,
        )
        subprocess.run(
            [PYTHON, "manage.py", "migrate", "--noinput"],
            cwd=ROOT,
            env=app_env(DATABASE_URL=target),
            check=True,
            capture_output=True,
            timeout=300,
        )
        assert _counts(target) == _counts(source)
        sample = Mentorship.objects.order_by("pk").first()
        assert sample is not None
        with psycopg.connect(target) as db:
            restored = db.execute(
                "SELECT mentee_id, mentor_id, status, started_at FROM mentorships_mentorship WHERE id = %s",
                [sample.pk],
            ).fetchone()
            proposals = db.execute(
                "SELECT mentee_enrollment_id, mentor_enrollment_id, score FROM matching_matchproposal"
                " WHERE run_id = %s ORDER BY id",
                [run.pk],
            ).fetchall()
            body = db.execute("SELECT body FROM mentorships_message ORDER BY id LIMIT 1").fetchone()
        assert restored == (sample.mentee_id, sample.mentor_id, sample.status, sample.started_at)
        assert proposals == list(
            run.proposals.order_by("pk").values_list(
                "mentee_enrollment_id", "mentor_enrollment_id", "score"
            )
        )
        assert body == ("Hello — ünïcode ✓",)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
