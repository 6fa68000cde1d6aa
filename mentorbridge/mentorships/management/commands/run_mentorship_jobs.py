"""`python manage.py run_mentorship_jobs`: check-ins, nudges, message digests and term ends.

Schedule it every 15 minutes on one machine; a second or interrupted run sends nothing twice.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mentorbridge.mentorships.jobs import run_all


class Command(BaseCommand):
    help = "Send due check-ins, nudges and message digests; close mentorships whose term ended."

    def handle(self, *args: Any, **options: Any) -> None:
        report = run_all()
        self.stdout.write(
            f"check-ins {report.check_ins}, nudges {report.nudges}, newly at risk {report.at_risk}, "
            f"message digests {report.digests}, closed at term end {report.closed}"
        )
