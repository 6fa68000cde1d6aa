"""`python manage.py recover_tasks [--lease SECONDS]`: re-queue tasks whose worker died.

Run it every few minutes (make serve does; docs/operations.md); safe to run twice or at once. The
lease (default TASK_LEASE_SECONDS, 900) must exceed the longest task's run time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from mentorbridge.core.taskqueue import tasks_recover


class Command(BaseCommand):
    help = "Re-queue background tasks that have been running for longer than the lease."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--lease", type=float, default=settings.TASK_LEASE_SECONDS)

    def handle(self, *args: Any, **options: Any) -> None:
        count = tasks_recover(lease=dt.timedelta(seconds=options["lease"]))
        self.stdout.write(f"{count} task(s) re-queued.")
