"""Periodic (e.g. daily in spring): the yearly outcomes survey. Each member is asked once per
year however often this runs."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mentorbridge.outcomes import services


class Command(BaseCommand):
    help = "Email this year's outcomes survey to members who have been in a mentorship (once)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{services.outcome_surveys_send()} outcome surveys sent")
