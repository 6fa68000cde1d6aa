"""Background jobs of the api app. Tasks are thin: they call a helper."""

from __future__ import annotations

from django_tasks import task

from . import webhooks


@task()
def deliver_webhook(*, delivery_id: int) -> str:
    delivery = webhooks.delivery_attempt(delivery_id=delivery_id)
    return delivery.status if delivery else "skipped"
