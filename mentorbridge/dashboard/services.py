"""Writes of the Task Force's side that belong to no lower app: recording exports in the audit,
keeping an uploaded roster and its column mapping (the import itself is `roster.roster_import`)."""

from __future__ import annotations

from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import AnonymousUser
from django.db import models, transaction

from mentorbridge.accounts.models import User
from mentorbridge.core.audit import audit_export
from mentorbridge.core.permissions import is_coordinator
from mentorbridge.core.refusals import Refusal

from . import roster
from .models import RosterUpload


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


def _roster_keeper(by: User) -> None:
    if not is_coordinator(by):
        raise Refusal("Coordinators import the society's roster.")


def roster_upload_create(*, by: User, filename: str, data: bytes) -> RosterUpload:
    """Keep an uploaded member list for its preview, with the columns guessed from its headers;
    a file that cannot be read is refused (`roster.read_roster` says why) and nothing is kept."""
    _roster_keeper(by)
    sheet = roster.read_roster(filename, data)
    with transaction.atomic():
        return RosterUpload.objects.create(
            uploaded_by=by,
            filename=filename[:255],
            content=data,
            mapping=roster.guess_mapping(sheet.headers),
        )


def roster_mapping_set(
    *, upload: RosterUpload, mapping: dict[str, int | None], by: User
) -> RosterUpload:
    """The coordinator confirms which column holds each roster field. An imported upload keeps the
    mapping it was imported with (checked in the same statement that writes, so an import that
    lands meanwhile wins)."""
    _roster_keeper(by)
    with transaction.atomic():
        if not RosterUpload.objects.filter(pk=upload.pk, imported_at__isnull=True).update(
            mapping=mapping
        ):
            raise Refusal("This file was already imported; its columns stay as they were.")
    upload.mapping = mapping
    return upload
