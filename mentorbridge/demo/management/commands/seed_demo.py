"""`python manage.py seed_demo [--size small|large|N]`: load the demo population (idempotent)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mentorbridge.demo.community import seed_community
from mentorbridge.demo.cycles import seed_cycles
from mentorbridge.demo.mentorships import seed_mentorships
from mentorbridge.demo.people import DEMO_PASSWORD, SIZES, seed_demo
from mentorbridge.demo.rankings import seed_rankings


def parse_size(value: str) -> int:
    if value in SIZES:
        return SIZES[value]
    try:
        size = int(value)
    except ValueError:
        raise CommandError(f"--size must be small, large or a number, not “{value}”.") from None
    if not 0 <= size <= 200_000:
        raise CommandError("--size must be between 0 and 200000.")
    return size


class Command(BaseCommand):
    help = "Load a deterministic demo population; running it again changes nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", default="small", help="small (300), large (5000) or a number")
        parser.add_argument("--quiet-logins", action="store_true", help="do not print the logins")

    def handle(self, *args: Any, **options: Any) -> None:
        size = parse_size(options["size"])
        started = time.perf_counter()
        report = seed_demo(size)
        enrollments = seed_cycles()
        pairs = seed_mentorships()
        ranked = seed_rankings()
        community = seed_community()
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Demo data: {report.members_created} members created, {report.members_total} in all, "
            f"{report.institutions_created} institutions and {enrollments} enrollments in the open "
            f"demo cycles, {pairs} demo mentorships, {ranked} ranking entries and {community} "
            "flash events and board questions created "
            f"({elapsed:.1f} s)."
        )
        if options["quiet_logins"]:
            return
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
        for login in report.logins:
            self.stdout.write(f"  {login.email:<36} {login.role}")
