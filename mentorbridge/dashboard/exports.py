"""Downloads: any table as CSV or XLSX, and the exports of a cycle's enrollments and pairs.

Every cell a spreadsheet could read as a formula (starting with =, +, -, @, a tab or a carriage
return) is prefixed with an apostrophe, in CSV and XLSX alike (CSV injection, OWASP). Every export
of members' data is written to the audit log.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.utils.text import slugify
from openpyxl import Workbook

from mentorbridge.core import clock
from mentorbridge.mentorships.models import Meeting, Mentorship
from mentorbridge.programs.models import Cycle, Enrollment

from .figures import Table

FORMATS = ("csv", "xlsx")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Row = Sequence[Any]


def neutralise(value: Any) -> Any:
    """A cell as written to a file: numbers and dates as they are, text never as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, dt.date):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_bytes(headers: Row, rows: Iterable[Row]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(h) for h in headers])
    for row in rows:
        writer.writerow([_csv_text(neutralise(v)) for v in row])
    # A BOM so Excel opens UTF-8 names (é, ñ) correctly.
    return ("\ufeff" + buffer.getvalue()).encode()


def _csv_text(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="minutes") + "Z"
    return value


def xlsx_bytes(sheets: Sequence[tuple[str, Row, Iterable[Row]]]) -> bytes:
    """One worksheet per (title, headers, rows); text cells are always stored as text."""
    book = Workbook(write_only=True)
    for title, headers, rows in sheets:
        sheet = book.create_sheet(title=_sheet_title(title))
        sheet.append([neutralise(h) for h in headers])
        for row in rows:
            sheet.append([neutralise(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    # Excel allows 31 characters and none of []:*?/\ in a sheet's name.
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in title).strip()
    return (cleaned or "Sheet")[:31]


def file_response(content: bytes, *, filename: str, fmt: str) -> HttpResponse:
    content_type = "text/csv; charset=utf-8" if fmt == "csv" else XLSX_TYPE
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def table_file(table: Table, fmt: str) -> bytes:
    rows = table.rows
    if fmt == "csv":
        return csv_bytes(table.headers, rows)
    return xlsx_bytes([(table.title, table.headers, rows)])


def filename_for(cycle: Cycle, what: str) -> str:
    return slugify(f"{cycle.program.slug} {cycle.name} {what} {clock.today().isoformat()}")


ENROLLMENT_HEADERS = [
    "Enrollment id",
    "Member id",
    "Name",
    "Email",
    "Role",
    "Status",
    "Training stage",
    "Institution",
    "Region",
    "Capacity",
    "Mentees held",
    "Enrolled at (UTC)",
]


def enrollment_rows(cycle: Cycle) -> Iterable[Row]:
    enrollments = (
        Enrollment.objects.filter(cycle=cycle)
        .select_related("member__user", "member__stage", "member__institution")
        .order_by("role", "pk")
    )
    for e in enrollments.iterator(chunk_size=2000):
        member = e.member
        yield [
            e.pk,
            member.pk,
            member.full_name,
            member.user.email,
            e.get_role_display(),
            e.get_status_display(),
            member.stage.name if member.stage else "",
            member.institution.name if member.institution else "",
            member.institution.region if member.institution else "",
            e.capacity if e.role == Enrollment.Role.MENTOR else "",
            e.mentee_count if e.role == Enrollment.Role.MENTOR else "",
            e.created_at,
        ]


PAIR_HEADERS = [
    "Mentorship id",
    "Mentee",
    "Mentee email",
    "Mentor",
    "Mentor email",
    "Status",
    "Source",
    "Started (UTC)",
    "Ended (UTC)",
    "Completed the term",
    "Meetings held",
    "Hours met",
    "Messages",
    "Last activity (UTC)",
]


def pair_rows(cycle: Cycle) -> Iterable[Row]:
    held = Q(meetings__status=Meeting.Status.HELD)
    pairs = (
        Mentorship.objects.filter(cycle=cycle)
        .select_related("mentee__user", "mentor__user")
        .annotate(
            held=Count("meetings", filter=held, distinct=True),
            minutes=Coalesce(
                Sum(Coalesce("meetings__minutes_held", "meetings__duration_minutes"), filter=held),
                0,
            ),
        )
        .order_by("pk")
    )
    messages = dict(
        Mentorship.objects.filter(cycle=cycle).annotate(n=Count("messages")).values_list("pk", "n")
    )
    for m in pairs.iterator(chunk_size=2000):
        yield [
            m.pk,
            m.mentee.full_name,
            m.mentee.user.email,
            m.mentor.full_name,
            m.mentor.user.email,
            m.get_status_display(),
            m.get_source_display(),
            m.started_at,
            m.ended_at,
            m.completed,
            getattr(m, "held", 0),
            round((getattr(m, "minutes", 0) or 0) / 60, 1),
            messages.get(m.pk, 0),
            m.last_activity_at,
        ]


OUTCOME_HEADERS = [
    "Member id",
    "Role in this cycle",
    "Year",
    "Residency match",
    "Program",
    "Publications with mentor",
    "Presentations with mentor",
    "Away rotations",
    "Awards",
    "Leadership roles",
]


def outcome_rows(cycle: Cycle) -> Iterable[Row]:
    """Consented outcomes of the cycle's mentees and mentors, by member id only: members agreed
    to aggregate use, so the export names nobody."""
    from mentorbridge.outcomes.models import Outcome

    roles = dict(
        Enrollment.objects.filter(cycle=cycle, status=Enrollment.Status.ACTIVE)
        .order_by("role")
        .values_list("member_id", "role")
    )
    outcomes = Outcome.objects.filter(member_id__in=list(roles), consent=True).order_by(
        "member_id", "year"
    )
    for o in outcomes.iterator(chunk_size=2000):
        yield [
            o.member_id,
            roles.get(o.member_id, ""),
            o.year,
            o.get_match_display() if o.match else "",
            o.matched_program,
            o.publications,
            o.presentations,
            o.away_rotations,
            o.awards,
            o.leadership_roles,
        ]
