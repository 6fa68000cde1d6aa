"""Hand one rendered email to Django's mail backend (the task's work, in a worker)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives


def deliver(
    *, to: list[str], subject: str, text: str, html: str, attachments: list[list[str]] | None = None
) -> int:
    message = EmailMultiAlternatives(
        subject=f"[MentorBridge] {subject}",
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
    )
    if html:  # account emails from allauth may come as text only
        message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments or []:
        message.attach(filename, content, mimetype)
    return message.send()
