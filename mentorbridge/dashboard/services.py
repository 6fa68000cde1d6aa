"""Writes of the Task Force's side that belong to no lower app: recording exports in the audit."""

from __future__ import annotations

from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import AnonymousUser
from django.db import models

from mentorbridge.accounts.models import User
from mentorbridge.core.audit import audit_export


def export_record(
    *,
    user: User | AnonymousUser,
    what: str,
    fmt: str,
    target: models.Model,
    rows: int | None = None,
) -> LogEntry | None:
    """An export in the one audit log (core.audit): who, when, what, from which cycle (or whose
    own data), how many rows."""
    return audit_export(actor=user, target=target, what=what, fmt=fmt, rows=rows)
