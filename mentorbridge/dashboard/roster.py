"""Roster import: the society's member list (CSV or XLSX) becomes members, all or nothing.

`read_roster` turns the file into rows (or refuses it with one clear message), `plan_roster` says
what each row would do (create, update, unchanged, or its errors), and `roster_import` applies a
plan without errors in one transaction. Reading the same file again plans no change, so a
re-upload is harmless.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F

from mentorbridge.core import clock
from mentorbridge.core.refusals import Refusal
from mentorbridge.members import services as member_services
from mentorbridge.members.models import (
    Institution,
    Member,
    MembershipCategory,
    StageChange,
    TrainingStage,
)

from .models import Invitation, RosterEntry, RosterUpload

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
# A spreadsheet whose last thousand rows are blank has ended (Excel can report a million rows).
MAX_BLANK_RUN = 1_000
MAX_CELL = 300

# (field, label, required)
FIELDS: list[tuple[str, str, bool]] = [
    ("name", "Name", True),
    ("email", "Email", True),
    ("category", "Membership category", False),
    ("stage", "Training stage", False),
    ("institution", "Institution", False),
    ("member_id", "Member id", False),
]
LABELS = {name: label for name, label, _ in FIELDS}
SYNONYMS: dict[str, set[str]] = {
    "name": {"name", "fullname", "membername", "firstandlastname"},
    "email": {"email", "emailaddress", "mail", "e-mail"},
    "category": {"category", "membershipcategory", "membership", "membertype", "membershiptype"},
    "stage": {"stage", "trainingstage", "training", "level", "trainingstatus", "year"},
    "institution": {"institution", "school", "hospital", "organization", "affiliation", "program"},
    "member_id": {"memberid", "id", "membernumber", "memberno", "societyid", "stsid"},
}


Cell = str | int | float | dt.datetime | dt.date | dt.time | bool | None


@dataclass
class Sheet:
    headers: list[str]
    rows: list[tuple[int, list[Cell]]]  # (line number in the file, cells)


def _normal(header: str) -> str:
    return re.sub(r"[^a-z-]", "", header.lower()).replace("-", "")


def read_roster(filename: str, data: bytes) -> Sheet:
    if len(data) > MAX_BYTES:
        raise Refusal(
            f"The file is {len(data) / 1_048_576:.0f} MB; the limit is {MAX_BYTES // 1_048_576} MB."
            " Split it into smaller files, or remove columns we do not read."
        )
    if not data.strip():
        raise Refusal("The file is empty.")
    if data[:2] == b"PK" or filename.lower().endswith((".xlsx", ".xlsm")):
        cells = _xlsx_rows(data)
    elif filename.lower().endswith(".xls") or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise Refusal("Old Excel files (.xls) are not read: save it as .xlsx or CSV UTF-8.")
    else:
        cells = _csv_rows(data)
    headers: list[str] | None = None
    rows: list[tuple[int, list[Cell]]] = []
    blank_run = 0
    for line, row in cells:
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in row):
            blank_run += 1
            if blank_run >= MAX_BLANK_RUN:
                break
            continue
        blank_run = 0
        if headers is None:
            headers = [str(c).strip() if c is not None else "" for c in row]
            continue
        rows.append((line, row))
        if len(rows) > MAX_ROWS:
            raise Refusal(f"The file has more than {MAX_ROWS:,} members; split it.")
    if headers is None:
        raise Refusal("The file has no header row and no members.")
    if not rows:
        raise Refusal("The file has a header row but no members under it.")
    return Sheet(headers, rows)


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[Cell]]]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise Refusal(
                f"The file is not UTF-8 text (first unreadable character on line {line}). "
                "In Excel choose File → Save As → “CSV UTF-8”, or upload the .xlsx."
            ) from None
    if "\x00" in text:
        raise Refusal("The file holds binary data, not text: upload a CSV or an XLSX file.")
    first = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            yield reader.line_num, list(row)
    except csv.Error as error:
        raise Refusal(f"The CSV cannot be read near line {reader.line_num}: {error}.") from None


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[Cell]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as error:
        raise Refusal(
            f"The file is not a readable XLSX workbook ({type(error).__name__}). "
            "Open it in Excel and save it again as .xlsx, or as CSV UTF-8."
        ) from None
    try:
        sheet = book.worksheets[0]
        for line, row in enumerate(sheet.iter_rows(values_only=True, max_col=40), start=1):
            yield line, [_plain(c) for c in row]
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise Refusal(f"The workbook is damaged ({type(error).__name__}).") from None
    finally:
        book.close()


def _plain(value: object) -> Cell:
    """An XLSX cell as a plain value: durations count as dates, rich text and decimals as text."""
    if value is None or isinstance(value, str | int | float | bool | dt.date | dt.time):
        return value
    if isinstance(value, dt.timedelta):
        return dt.time(0)
    return str(value)


def guess_mapping(headers: Sequence[str]) -> dict[str, int | None]:
    mapping: dict[str, int | None] = {}
    used: set[int] = set()
    for name, _, _ in FIELDS:
        mapping[name] = None
        for index, header in enumerate(headers):
            if index not in used and _normal(header) in SYNONYMS[name]:
                mapping[name] = index
                used.add(index)
                break
    return mapping


@dataclass
class RowPlan:
    line: int
    values: dict[str, str]
    action: str = "create"  # create | update | unchanged | error
    errors: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    member: Member | None = None
    stage: TrainingStage | None = None
    category: MembershipCategory | None = None
    institution: Institution | None = None
    # The roster's stage is to be set (or confirmed) as verified.
    verify: bool = False


@dataclass
class Plan:
    sheet: Sheet
    mapping: dict[str, int | None]
    rows: list[RowPlan]
    unmapped: list[str]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def errors(self) -> list[RowPlan]:
        return [row for row in self.rows if row.action == "error"]

    @property
    def can_import(self) -> bool:
        return not self.unmapped and not self.errors


def _text(cell: Cell) -> tuple[str, str | None]:
    """The cell as text, or an error for what a roster cell must not be."""
    if cell is None:
        return "", None
    if isinstance(cell, dt.datetime | dt.date | dt.time):
        return "", (
            "holds a date (Excel turned the value into one): format the column as text and "
            "type the value again"
        )
    if isinstance(cell, bool):
        return str(cell), None
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell)), None
    text = str(cell).strip()
    if text.startswith("="):
        return "", "holds a formula: paste the values instead (Paste special → Values)"
    if len(text) > MAX_CELL:
        return "", f"is longer than {MAX_CELL} characters"
    return " ".join(text.split()), None


class _Lookup:
    """Taxonomy terms and institutions by lower-cased name (and slug), loaded once per plan."""

    def __init__(self) -> None:
        self.stages = _by_name(TrainingStage.objects.all())
        self.categories = _by_name(MembershipCategory.objects.all())
        self.institutions: dict[str, list[Institution]] = {}
        for institution in Institution.objects.filter(is_approved=True):
            self.institutions.setdefault(institution.name.lower(), []).append(institution)
            self.institutions.setdefault(
                f"{institution.name}, {institution.city}".lower(), []
            ).append(institution)
        self.institution_names = sorted({i[0].name for i in self.institutions.values()})


def _by_name(terms: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for term in terms:
        found[term.slug.lower()] = term
        found[term.name.lower()] = term
    return found


def plan_roster(sheet: Sheet, mapping: dict[str, int | None]) -> Plan:
    unmapped = [
        LABELS[name] for name, _, required in FIELDS if required and mapping.get(name) is None
    ]
    plan = Plan(sheet=sheet, mapping=mapping, rows=[], unmapped=unmapped)
    if unmapped:
        return plan
    lookup = _Lookup()
    for line, cells in sheet.rows:
        row = RowPlan(line=line, values={})
        for name, _, _ in FIELDS:
            index = mapping.get(name)
            cell = cells[index] if index is not None and index < len(cells) else None
            text, problem = _text(cell)
            row.values[name] = text
            if problem:
                row.errors.append(f"{LABELS[name]} {problem}.")
        _check(row, lookup)
        plan.rows.append(row)
    _against_file_and_database(plan)
    for row in plan.rows:
        if row.errors:
            row.action = "error"
    return plan


def _check(row: RowPlan, lookup: _Lookup) -> None:
    values = row.values
    values["email"] = values["email"].lower()
    if not values["email"]:
        row.errors.append("Email is missing.")
    else:
        try:
            validate_email(values["email"])
        except ValidationError:
            row.errors.append(f"“{values['email']}” is not an email address.")
    if not values["name"]:
        row.errors.append("Name is missing.")
    if values["stage"]:
        row.stage = lookup.stages.get(values["stage"].lower())
        if row.stage is None:
            close = difflib.get_close_matches(
                values["stage"], [s.name for s in set(lookup.stages.values())], n=1
            )
            hint = f" Did you mean “{close[0]}”?" if close else ""
            row.errors.append(f"Unknown training stage “{values['stage']}”.{hint}")
    if values["category"]:
        row.category = lookup.categories.get(values["category"].lower())
        if row.category is None:
            row.errors.append(f"Unknown membership category “{values['category']}”.")
    if values["institution"]:
        found = lookup.institutions.get(values["institution"].lower(), [])
        if len(found) == 1:
            row.institution = found[0]
        elif len(found) > 1:
            row.errors.append(
                f"Several institutions are called “{values['institution']}”: write "
                "“name, city” (e.g. “" + f"{found[0].name}, {found[0].city}" + "”)."
            )
        else:
            close = difflib.get_close_matches(
                values["institution"], lookup.institution_names, n=1, cutoff=0.6
            )
            hint = f" The closest we know is “{close[0]}”." if close else ""
            row.errors.append(f"Institution “{values['institution']}” not found.{hint}")


def _against_file_and_database(plan: Plan) -> None:
    """Duplicates within the file, then each row against the member it would change."""
    seen_email: dict[str, int] = {}
    seen_id: dict[str, int] = {}
    for row in plan.rows:
        email, member_id = row.values["email"], row.values["member_id"]
        if email and email in seen_email:
            row.errors.append(f"Duplicate: the same email is on line {seen_email[email]}.")
        elif email:
            seen_email[email] = row.line
        if member_id and member_id in seen_id:
            row.errors.append(f"Duplicate: the same member id is on line {seen_id[member_id]}.")
        elif member_id:
            seen_id[member_id] = row.line
    emails = [r.values["email"] for r in plan.rows if r.values["email"]]
    # One light object per member: the email and the society id come as columns and the related
    # rows' names from small tables (`_Names`), because building five model instances per row
    # (select_related) was most of a 20,000-row re-upload's preview.
    members: dict[str, Member] = {}
    society_ids: dict[int, str | None] = {}
    for start in range(0, len(emails), 2000):
        for member in (
            Member.objects.filter(user__email__in=emails[start : start + 2000])
            .annotate(
                roster_email=F("user__email"), roster_society_id=F("roster_entry__society_id")
            )
            .only("pk", "full_name", "stage_id", "membership_category_id", "institution_id")
        ):
            annotated = cast(Any, member)
            members[annotated.roster_email] = member
            society_ids[member.pk] = annotated.roster_society_id
    names = _Names(members.values(), society_ids)
    ids = [r.values["member_id"] for r in plan.rows if r.values["member_id"]]
    owner: dict[str, int] = {}
    for start in range(0, len(ids), 2000):
        for society_id, owner_id in RosterEntry.objects.filter(
            society_id__in=ids[start : start + 2000]
        ).values_list("society_id", "member_id"):
            owner[str(society_id)] = owner_id
    # Members whose current stage was verified by someone other than themselves. Compared here
    # rather than with `to_stage=F("member__stage")`: that join made SQLite scan the stage
    # changes once per id in the list (a re-upload of 20,000 members took a minute).
    verified_stages: set[tuple[int, int]] = set()
    known_ids = [m.pk for m in members.values()]
    for start in range(0, len(known_ids), 2000):
        verified_stages.update(
            StageChange.objects.filter(
                member_id__in=known_ids[start : start + 2000],
                status=StageChange.Status.APPROVED,
            )
            .exclude(source=StageChange.Source.MEMBER)
            .values_list("member_id", "to_stage_id")
        )
    verified = {m.pk for m in members.values() if (m.pk, m.stage_id) in verified_stages}
    for row in plan.rows:
        known = members.get(row.values["email"])
        member_id = row.values["member_id"]
        if member_id and member_id in owner and (known is None or owner[member_id] != known.pk):
            row.errors.append(f"Member id {member_id} belongs to another member's email.")
        if known is None:
            row.action = "create"
            row.verify = row.stage is not None
            continue
        row.member = known
        row.changes = _changes(row, known, names)
        if row.stage is not None and (row.stage.pk != known.stage_id or known.pk not in verified):
            row.verify = True
            if row.stage.pk == known.stage_id:
                row.changes.append(f"training stage {row.stage.name} verified by the roster")
        row.action = "update" if row.changes else "unchanged"


class _Names:
    """Names of the stages, categories and institutions the file's known members have now, and
    their society ids."""

    def __init__(self, members: Iterable[Member], society_ids: dict[int, str | None]) -> None:
        self.society_ids = society_ids
        self.stages = dict(TrainingStage.objects.values_list("pk", "name"))
        self.categories = dict(MembershipCategory.objects.values_list("pk", "name"))
        ids = {m.institution_id for m in members if m.institution_id is not None}
        self.institutions: dict[int, str] = {}
        ordered = sorted(ids)
        for start in range(0, len(ordered), 2000):
            self.institutions.update(
                Institution.objects.filter(pk__in=ordered[start : start + 2000]).values_list(
                    "pk", "name"
                )
            )


def _changes(row: RowPlan, member: Member, names: _Names) -> list[str]:
    changes = []
    name = row.values["name"]
    if name and name != member.full_name:
        changes.append(f"name: “{member.full_name}” → “{name}”")
    for label, new, old_id, known in [
        ("training stage", row.stage, member.stage_id, names.stages),
        ("membership category", row.category, member.membership_category_id, names.categories),
        ("institution", row.institution, member.institution_id, names.institutions),
    ]:
        if new is not None and new.pk != old_id:
            old = known.get(old_id) if old_id is not None else None
            changes.append(f"{label}: {old or '–'} → {new.name}")
    society_id = names.society_ids.get(member.pk)
    member_id = row.values["member_id"]
    if member_id and society_id != member_id:
        changes.append(f"member id: {society_id or '–'} → {member_id}")
    return changes


@dataclass
class ImportReport:
    created: int
    updated: int
    unchanged: int


def roster_import(*, upload: RosterUpload, plan: Plan, by: Member | None) -> ImportReport:
    """Apply a plan without errors, in one transaction: every row or none. New members are
    invited after the commit."""
    from . import tasks

    if not plan.can_import:
        raise Refusal("Fix the errors in the file and upload it again: nothing was imported.")
    now = clock.now()
    creates = [r for r in plan.rows if r.action == "create"]
    updates = [r for r in plan.rows if r.action == "update"]
    with transaction.atomic():
        # Taken first, so two coordinators importing the same file at once import it once.
        locked = RosterUpload.objects.select_for_update().get(pk=upload.pk)
        if locked.imported_at is not None:
            raise Refusal("This file was already imported.")
        created = member_services.members_import(
            people=[
                member_services.MemberImport(
                    email=r.values["email"],
                    full_name=r.values["name"],
                    stage=r.stage,  # recorded as verified below
                    membership_category=r.category,
                    institution=r.institution,
                )
                for r in creates
            ]
        )
        for row, new in zip(creates, created, strict=True):
            row.member = new
        changed: list[Member] = []
        for row in updates:
            old = row.member
            assert old is not None
            if row.values["name"]:
                old.full_name = row.values["name"]
            if row.category is not None:
                old.membership_category = row.category
            if row.institution is not None:
                old.institution = row.institution
            changed.append(old)
        Member.objects.bulk_update(
            changed, ["full_name", "membership_category", "institution"], batch_size=1000
        )
        entries = {
            e.member_id: e
            for e in RosterEntry.objects.filter(member__in=[r.member for r in updates])
        }
        new_entries, changed_entries = [], []
        for row in creates + updates:
            assert row.member is not None
            society_id = row.values["member_id"] or None
            entry = entries.get(row.member.pk)
            if entry is None:
                new_entries.append(
                    RosterEntry(
                        member=row.member, society_id=society_id, upload=locked, updated_at=now
                    )
                )
            elif society_id and entry.society_id != society_id:
                entry.society_id, entry.upload, entry.updated_at = society_id, locked, now
                changed_entries.append(entry)
        RosterEntry.objects.bulk_update(changed_entries, ["society_id", "upload", "updated_at"])
        RosterEntry.objects.bulk_create(new_entries, batch_size=2000)
        verified = [(r.member, r.stage) for r in creates if r.member and r.stage]
        member_services.members_stage_verify_new(
            members=[m for m, _ in verified],
            stages=[s for _, s in verified],
            source="roster",
            by=by,
        )
        _verify_stages([r for r in updates if r.stage is not None and r.verify], by)
        Invitation.objects.bulk_create(
            [Invitation(member=member, upload=locked, created_at=now) for member in created],
            batch_size=2000,
        )
        locked.imported_at = now
        locked.mapping = dict(plan.mapping)
        locked.created_count, locked.updated_count = len(creates), len(updates)
        locked.unchanged_count = plan.count("unchanged")
        locked.save()
        if created:
            transaction.on_commit(lambda: tasks.send_invitations.enqueue(upload_id=locked.pk))
    return ImportReport(len(creates), len(updates), plan.count("unchanged"))


def _verify_stages(rows: list[RowPlan], by: Member | None) -> None:
    """The society's roster is a trusted source of training stages: each one is set and marked
    verified by the members app (a pending self-declared change is settled by it)."""
    for row in rows:
        assert row.member is not None and row.stage is not None
        member_services.member_stage_verify(
            member=row.member, stage=row.stage, source="roster", by=by
        )
