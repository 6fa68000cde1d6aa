"""The audit log: who changed other members' data, when, and what.

One log for the whole product: Django's admin `LogEntry` table, which the admin already writes for
every add, change and delete made there. Product pages (publishing a match run, removing a pair,
closing a cycle, issuing certificates…) and admin actions write to it through `audit_record`, and
every export of members' data or figures through `audit_export`, so the Task Force and an auditor
read one list (Admin → Audit log; its "Exports" filter lists the downloads). Reading a pair's workspace is
recorded separately (`mentorships.AuditEntry`), because it changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models

FLAGS = {"add": ADDITION, "change": CHANGE, "delete": DELETION}


def audit_record(
    *, actor: Any, target: models.Model, message: str, kind: str = "change"
) -> LogEntry | None:
    """Record that `actor` (a user) did `message` to `target`; in the caller's transaction, so an
    action that rolls back leaves no entry. Nothing is recorded without a signed-in actor (the
    periodic jobs act for nobody)."""
    if actor is None or not getattr(actor, "pk", None):
        return None
    return LogEntry.objects.create(
        user_id=actor.pk,
        content_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        object_id=str(target.pk),
        object_repr=str(target)[:200],
        action_flag=FLAGS[kind],
        change_message=message[:2000],
    )


# Every export's message starts so; the audit log's "Exports" filter finds them by it.
EXPORT_PREFIX = "Exported "


def audit_export(
    *, actor: Any, target: models.Model, what: str, fmt: str, rows: int | None = None
) -> LogEntry | None:
    """Record that `actor` downloaded `what` (members' data or figures) as `fmt`: data leaving
    the platform is audited like a change (who, when, what), on the object it came from (a
    cycle, or the member whose own data it is)."""
    counted = "" if rows is None else f" ({rows} row{'' if rows == 1 else 's'})"
    return audit_record(
        actor=actor, target=target, message=f"{EXPORT_PREFIX}{what} as {fmt.upper()}{counted}"
    )


def audit_rename(target: models.Model, shown: str) -> int:
    """Show `target` as `shown` in the entries about it (a member who deleted their data): the
    trail of who did what, when, stays; the name it was written under goes."""
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        object_id=str(target.pk),
    ).update(object_repr=shown[:200])


def audit_trail(target: models.Model) -> models.QuerySet[LogEntry]:
    """What was recorded about one object, newest first."""
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        object_id=str(target.pk),
    ).select_related("user")
