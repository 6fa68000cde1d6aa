"""Recovering tasks whose worker died (SIGKILL, an out-of-memory kill, a lost machine).

django-tasks-db marks a task RUNNING when a worker claims it and never looks at it again, so a
task whose worker died would stay RUNNING forever. Tasks here are safe to run again (emails are
sent once per task, match runs rewrite their preview in one transaction), so a task RUNNING for
longer than the lease is put back in the queue for another worker.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from . import clock


def tasks_recover(*, lease: dt.timedelta) -> int:
    """Re-queue tasks RUNNING for longer than `lease`; returns how many."""
    cutoff = clock.now() - lease
    with transaction.atomic():
        stale = DBTaskResult.objects.select_for_update(skip_locked=True).filter(
            status=TaskResultStatus.RUNNING, started_at__lte=cutoff
        )
        return stale.update(status=TaskResultStatus.READY, started_at=None, worker_ids=[])
