"""Background jobs for matching. Thin: each calls a service."""

from __future__ import annotations

from django_tasks import task

from .runs.execute import match_run_execute


@task()
def execute_match_run(run_id: int) -> str:
    return match_run_execute(run_id=run_id).status
