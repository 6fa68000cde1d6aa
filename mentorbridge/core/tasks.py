"""Background jobs of the core app. Tasks are thin: they call a helper."""

from __future__ import annotations

from django_tasks import task

from . import delivery


@task()
def send_email(
    *, to: list[str], subject: str, text: str, html: str, attachments: list[list[str]] | None = None
) -> int:
    return delivery.deliver(to=to, subject=subject, text=text, html=html, attachments=attachments)
