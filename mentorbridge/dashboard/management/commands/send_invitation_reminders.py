"""Periodic (daily): invitations not sent yet, and reminders after 7 and 21 days. Safe to run
twice: each email is claimed by a conditional UPDATE before it is sent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mentorbridge.dashboard import invitations


class Command(BaseCommand):
    help = "Send pending roster invitations and the 7- and 21-day reminders (each once)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = invitations.invitations_send()
        reminded = invitations.invitation_reminders_send()
        self.stdout.write(f"{sent} invitations, {reminded} reminders sent")
