"""One helper renders an email from its templates (subject, text, HTML) and queues it on commit."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string

from .tasks import send_email


def render(template: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """`templates/emails/<template>_subject.txt`, `_body.txt` and `_body.html`."""
    context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
    text = render_to_string(f"emails/{template}_body.txt", context)
    html = render_to_string(f"emails/{template}_body.html", context)
    return subject, text, html


def queue(
    *,
    to: str | list[str],
    template: str,
    context: dict[str, Any],
    attachments: list[tuple[str, str, str]] | None = None,
) -> None:
    """Render now (templates need the request's objects), send from a worker after commit.

    Attachments are (filename, text content, MIME type): text keeps the task's arguments JSON.
    """
    recipients = [to] if isinstance(to, str) else list(to)
    subject, text, html = render(template, context)
    files = [list(a) for a in attachments or []]
    transaction.on_commit(
        lambda: send_email.enqueue(
            to=recipients, subject=subject, text=text, html=html, attachments=files
        )
    )
