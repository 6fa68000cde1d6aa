"""Background jobs of the core app. Tasks are thin: they call a helper."""

from __future__ import annotations

from django.db import transaction
from django_tasks import TaskContext, task

from . import delivery


@task(takes_context=True)
def send_email(
    context: TaskContext,
    *,
    to: list[str],
    subject: str,
    text: str,
    html: str,
    attachments: list[list[str]] | None = None,
) -> int:
    """Send once per task: the delivery row is written in the transaction that sends, so a task
    re-run after its worker died sends only if the first run did not get to commit."""
    from .models import EmailDelivery

    with transaction.atomic():
        _, created = EmailDelivery.objects.get_or_create(task_id=str(context.task_result.id))
        if not created:
            return 0
        return delivery.deliver(
            to=to, subject=subject, text=text, html=html, attachments=attachments
        )
