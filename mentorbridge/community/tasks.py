"""Background jobs of the community app. Thin: each calls a service."""

from __future__ import annotations

from django_tasks import task

from . import scheduling


@task()
def compute_flash_schedule(event_id: int) -> str:
    return scheduling.schedule_compute(event_id=event_id).status
