"""An email backend for the fault tests: files like Django's, after a pause that stands in for a
slow mail relay, so a worker can be killed in the middle of a batch."""

from __future__ import annotations

import time
from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        time.sleep(0.25)
        return super().send_messages(email_messages)
