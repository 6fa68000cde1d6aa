"""Background jobs for matching. Thin: each calls a service."""

from __future__ import annotations

from django_tasks import task

from . import services
from .runs.execute import match_run_execute


@task()
def expire_requests() -> int:
    return services.requests_expire()


@task()
def execute_match_run(run_id: int) -> str:
    return match_run_execute(run_id=run_id).status
