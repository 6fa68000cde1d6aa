"""Writes of the Task Force's side that belong to no lower app: the export audit trail."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from mentorbridge.accounts.models import User
from mentorbridge.core import clock
from mentorbridge.programs.models import Cycle

from .models import DataExport


@transaction.atomic
def export_record(
    *, user: User | AnonymousUser, what: str, fmt: str, cycle: Cycle | None = None, rows: int = 0
) -> DataExport:
    return DataExport.objects.create(
        user=user if isinstance(user, User) else None,
        what=what,
        format=fmt,
        cycle=cycle,
        rows=rows,
        created_at=clock.now(),
    )
