"""A task worker killed with SIGKILL in the middle of an email batch and of a match run: after
`recover_tasks` another worker finishes the work; every email goes out exactly once, the match run
finishes, and nothing is half-saved or published."""

from __future__ import annotations

import os
import re
import signal
import subprocess
from pathlib import Path

import pytest
from django.test import override_settings
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from mentorbridge.matching.models import MatchProposal, MatchRun
from mentorbridge.members.models import Member

from ..factories import enroll, make_cycle
from .conftest import PYTHON, ROOT, app_env, manage, skip_unless_postgres, wait_for

# Bounds, not pauses: each wait ends as soon as its condition holds. They are generous because a
# process's start (imports) took over a minute on a 2-core machine shared by several test suites.
pytestmark = [
    skip_unless_postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
BATCH = 24


def _recipients(outbox: Path) -> list[str]:
    found = []
    for message in outbox.iterdir():
        found += re.findall(r"^To: (\S+)$", message.read_text(), flags=re.M)
    return sorted(found)


def test_a_killed_worker_s_email_batch_is_sent_exactly_once(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    env = app_env(
        EMAIL_BACKEND="tests.reliability.slow_email.SlowFileBackend",
        EMAIL_FILE_PATH=str(outbox),
    )
    enqueue = (
        "from mentorbridge.core.tasks import send_email\n"
        f"for i in range({BATCH}):\n"
        "    send_email.enqueue(to=[f'member{i:02d}@example.org'], subject='Check-in',"
        " text='How is it going?', html='<p>How is it going?</p>')\n"
    )
    assert manage("shell", "-c", enqueue, env=env).wait(180) == 0
    worker = manage("db_worker", "--no-reload", "--interval", "0.1", env=env)
    try:
        wait_for(lambda: len(list(outbox.iterdir())) >= 6, 240, "the first emails")
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
    sent_before = len(_recipients(outbox))
    assert sent_before < BATCH, "the worker finished before it was killed"
    # The killed worker's task is left RUNNING; recovery puts it back in the queue.
    assert DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count() <= 1
    recover = manage("recover_tasks", "--lease", "0", env=env, stdout=subprocess.PIPE)
    assert recover.wait(180) == 0
    second = manage("db_worker", "--no-reload", "--batch", "--interval", "0.1", env=env)
    assert second.wait(300) == 0
    assert _recipients(outbox) == [f"member{i:02d}@example.org" for i in range(BATCH)]
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {
        TaskResultStatus.SUCCESSFUL
    }


def test_a_killed_worker_s_match_run_finishes_on_another_worker(coordinator: Member) -> None:
    from mentorbridge.matching import runs

    from ..factories import MemberFactory

    cycle = make_cycle()
    mentors = [enroll(MemberFactory(), cycle, "mentor", capacity=3) for _ in range(12)]
    mentees = [enroll(MemberFactory(), cycle, "mentee") for _ in range(30)]
    assert mentors and mentees
    env = app_env()
    # Queued in the database for the worker (this process runs tasks inline otherwise).
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        run = runs.match_run_create(cycle=cycle, by=coordinator.user, objective="total")
    assert MatchRun.objects.get(pk=run.pk).status == MatchRun.Status.QUEUED
    # This worker stops inside the computation (tests/reliability/paused_worker.py), so it is
    # killed mid-run on any machine: the run is RUNNING, its snapshot taken, nothing written.
    worker = subprocess.Popen(
        [PYTHON, "-m", "tests.reliability.paused_worker", "--no-reload", "--interval", "0.05"],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_for(
            lambda: MatchRun.objects.get(pk=run.pk).progress_note == "Scoring pairs",
            240,
            "the worker to be computing the run",
        )
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
    run.refresh_from_db()
    assert run.status == MatchRun.Status.RUNNING
    # Killed mid-run: no half preview is visible, and nothing is published.
    assert not MatchProposal.objects.filter(run=run).exists()
    assert manage("recover_tasks", "--lease", "0", env=env, stdout=subprocess.PIPE).wait(180) == 0
    second = manage("db_worker", "--no-reload", "--batch", env=env)
    assert second.wait(300) == 0
    run.refresh_from_db()
    assert run.status == MatchRun.Status.READY, run.error
    assert MatchProposal.objects.filter(run=run).count() == len(mentees)
    assert run.published_at is None
