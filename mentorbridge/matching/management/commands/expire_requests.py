"""`python manage.py expire_requests`: expire unanswered requests past their deadline.

Run it every few minutes (cron or a systemd timer, see docs/operations.md); running it twice or
concurrently is safe.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mentorbridge.matching.services import requests_expire


class Command(BaseCommand):
    help = "Expire unanswered mentorship requests past their deadline and tell the mentees."

    def handle(self, *args: Any, **options: Any) -> None:
        count = requests_expire()
        self.stdout.write(f"{count} request(s) expired.")
