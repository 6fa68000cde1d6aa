"""Background jobs of the Task Force's side. Thin: each calls a service."""

from __future__ import annotations

from django_tasks import task

from . import invitations


@task()
def send_invitations(*, upload_id: int) -> int:
    return invitations.invitations_send(upload_id=upload_id)
