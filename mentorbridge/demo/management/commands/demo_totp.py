"""`python manage.py demo_totp`: the demo coordinator's current two-factor code (demo data only)."""

from __future__ import annotations

import time
from typing import Any

from allauth.mfa import app_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.management.base import BaseCommand

from mentorbridge.demo.people import DEMO_TOTP_SECRET


def current_code() -> str:
    counter = int(time.time()) // app_settings.TOTP_PERIOD
    code: str = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter))
    return code


class Command(BaseCommand):
    help = "Print the demo coordinator's current TOTP code."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(current_code())
