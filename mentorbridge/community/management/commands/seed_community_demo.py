"""`python manage.py seed_community_demo`: the demo's flash events and questions (idempotent; run
after seed_demo, which makes the members)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mentorbridge.community.demo import seed_community


class Command(BaseCommand):
    help = "Add the demo flash mentoring events and board questions; running it again adds nothing."

    def handle(self, *args: Any, **options: Any) -> None:
        created = seed_community()
        self.stdout.write(f"Community demo: {created} events and questions created.")
