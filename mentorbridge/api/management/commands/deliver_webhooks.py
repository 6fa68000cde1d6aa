"""Post webhook deliveries whose retry time has come. Periodic; safe to run twice."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mentorbridge.api import webhooks


class Command(BaseCommand):
    help = "Post webhook deliveries that are due (retries with backoff)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = webhooks.deliveries_due()
        self.stdout.write(f"{count} webhook deliveries attempted.")
