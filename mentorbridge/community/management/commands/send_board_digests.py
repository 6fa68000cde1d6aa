"""Periodic (daily): tell mentors of new questions on their boards, one digest each at most."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mentorbridge.community.digest import board_digests_send


class Command(BaseCommand):
    help = "Email mentors the new unanswered questions in their topics (once a day at most)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{board_digests_send()} mentors told of new questions")
