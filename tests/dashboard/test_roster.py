"""Roster import: preview with per-row errors, column mapping, all or nothing, idempotent, bad
files refused with a clear message and nothing changed."""

from __future__ import annotations

import datetime as dt
import io
import re
from unittest import mock

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from mentorbridge.accounts.models import User
from mentorbridge.core.refusals import Refusal
from mentorbridge.dashboard import roster, services
from mentorbridge.dashboard.models import Invitation, RosterEntry, RosterUpload
from mentorbridge.members.models import Institution, Member, StageChange

from ..conftest import client_for
from ..factories import InstitutionFactory

pytestmark = pytest.mark.django_db

HEADER = "Name,Email,Membership category,Training stage,Institution,Member id\n"


@pytest.fixture
def places(db: None) -> list[Institution]:
    return [
        InstitutionFactory(name="Mercy Medical College", has_ct_program=False),
        InstitutionFactory(name="Lakeside University", has_ct_program=True),
    ]


def good_csv() -> bytes:
    return (
        HEADER
        + "Ana Alvarez,ana@example.org,Medical student member,MS2,Mercy Medical College,S-1\n"
        + "Ben Brown,BEN@example.org,Resident/fellow member,PGY-3 resident,Lakeside University,S-2\n"
        + "Cy Chen,cy@example.org,,MS4,,\n"
    ).encode()


def upload(client: object, data: bytes, name: str = "roster.csv") -> object:
    return client.post(  # type: ignore[attr-defined]
        "/dashboard/roster/", {"file": SimpleUploadedFile(name, data)}, follow=True
    )


def preview_url(response: object) -> str:
    return response.redirect_chain[-1][0]  # type: ignore[attr-defined]


def test_a_roster_is_previewed_then_imported_and_invited(
    coordinator: Member, places: object, django_capture_on_commit_callbacks: object
) -> None:
    client = client_for(coordinator)
    response = upload(client, good_csv())
    page = response.content.decode()  # type: ignore[attr-defined]
    assert "New members" in page and "Import 3 members" in page
    assert not User.objects.filter(email="ana@example.org").exists()  # a preview changes nothing
    url = preview_url(response)
    pk = int(re.findall(r"\d+", url)[0])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = client.post(f"/dashboard/roster/{pk}/import/", follow=True)
    assert "3 new members" in response.content.decode()
    ana = Member.objects.select_related("stage", "institution").get(user__email="ana@example.org")
    assert (ana.full_name, ana.stage.name, ana.institution.name) == (
        "Ana Alvarez",
        "MS2",
        "Mercy Medical College",
    )
    assert ana.home_has_ct_program is False
    assert not ana.user.has_usable_password()
    assert RosterEntry.objects.get(member=ana).society_id == "S-1"
    # The roster's stage is a verified one, recorded by the members app.
    change = StageChange.objects.get(member=ana)
    assert (change.source, change.status, change.to_stage.name) == ("roster", "approved", "MS2")
    assert change.decided_by == coordinator.user
    assert Member.objects.filter(user__email="ben@example.org").exists()  # lower-cased
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ana@example.org",
        "ben@example.org",
        "cy@example.org",
    ]
    assert Invitation.objects.filter(sent_at__isnull=False).count() == 3


def test_a_reupload_changes_nothing_and_a_changed_row_is_an_update(
    coordinator: Member, places: object, django_capture_on_commit_callbacks: object
) -> None:
    client = client_for(coordinator)
    first = preview_url(upload(client, good_csv()))
    client.post(first.rstrip("/") + "/import/")
    users = list(User.objects.order_by("pk").values_list("pk", "email", "password"))
    members = list(
        Member.objects.order_by("pk").values_list("pk", "full_name", "stage", "updated_at")
    )
    mail.outbox.clear()
    again = upload(client, good_csv())
    page = again.content.decode()  # type: ignore[attr-defined]
    assert "3 rows match what we already have" in page
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        client.post(preview_url(again).rstrip("/") + "/import/")
    assert list(User.objects.order_by("pk").values_list("pk", "email", "password")) == users
    assert (
        list(Member.objects.order_by("pk").values_list("pk", "full_name", "stage", "updated_at"))
        == members
    )
    assert not mail.outbox
    changed = good_csv().replace(
        b"Cy Chen,cy@example.org,,MS4", b"Cy Chen,cy@example.org,,Research year"
    )
    response = upload(client, changed)
    assert "training stage: MS4 → Research year" in response.content.decode()  # type: ignore[attr-defined]
    client.post(preview_url(response).rstrip("/") + "/import/")
    assert Member.objects.get(user__email="cy@example.org").stage.name == "Research year"  # type: ignore[union-attr]


def test_a_self_declared_stage_is_verified_by_the_roster(
    coordinator: Member, places: object
) -> None:
    from ..factories import MemberFactory

    MemberFactory(user__email="ana@example.org", full_name="Ana Alvarez", stage=stage_named("MS2"))
    client = client_for(coordinator)
    response = upload(client, good_csv())
    assert "training stage MS2 verified by the roster" in response.content.decode()  # type: ignore[attr-defined]
    client.post(preview_url(response).rstrip("/") + "/import/")
    assert (
        StageChange.objects.filter(member__user__email="ana@example.org", source="roster").count()
        == 1
    )
    again = upload(client, good_csv())
    assert "3 rows match what we already have" in again.content.decode()  # type: ignore[attr-defined]


def stage_named(name: str) -> object:
    from mentorbridge.members.models import TrainingStage

    return TrainingStage.objects.get(name=name)


def test_rows_with_errors_are_listed_and_nothing_is_imported(
    coordinator: Member, places: object
) -> None:
    bad = (
        HEADER
        + "Ana Alvarez,ana@example.org,,MS2,Mercy Medical College,\n"
        + "Bad Email,not-an-email,,MS2,,\n"
        + "Unknown Stage,us@example.org,,MS9,,\n"
        + "Ana Again,ANA@example.org,,MS2,,\n"
        + "Lost Place,lp@example.org,,MS1,Mercy Medical Colege,\n"
        + 'Formula,f@example.org,,MS1,"=HYPERLINK(""x"")",\n'
    ).encode()
    client = client_for(coordinator)
    response = upload(client, bad)
    page = response.content.decode()  # type: ignore[attr-defined]
    assert "“not-an-email” is not an email address." in page
    assert "Unknown training stage “MS9”." in page
    assert "Duplicate: the same email is on line 2." in page
    assert "The closest we know is “Mercy Medical College”." in page
    assert "holds a formula" in page
    assert "5 rows have errors" in page
    assert "roster_import" not in page and "/import/" not in page
    response = client.post(preview_url(response).rstrip("/") + "/import/", follow=True)
    assert "nothing was imported" in response.content.decode()
    assert not User.objects.filter(email="ana@example.org").exists()


def test_columns_are_mapped_when_the_headers_differ(coordinator: Member, places: object) -> None:
    data = b"Surname and given name;Contact;Level;Where\nAna Alvarez;ana@example.org;MS2;Lakeside University\n"
    client = client_for(coordinator)
    response = upload(client, data)
    page = response.content.decode()  # type: ignore[attr-defined]
    assert "Tell us which column holds: Name, Email." in page
    url = preview_url(response)
    response = client.post(
        url, {"name": "0", "email": "1", "stage": "2", "institution": "3"}, follow=True
    )
    page = response.content.decode()
    assert "Import 1 members" in page
    assert client.post(url, {"name": "0", "email": "0"}).status_code == 400  # one column twice
    client.post(url.rstrip("/") + "/import/")
    assert (
        Member.objects.get(user__email="ana@example.org").institution.name == "Lakeside University"
    )  # type: ignore[union-attr]


def test_the_import_is_all_or_nothing(coordinator: Member, places: object) -> None:
    client = client_for(coordinator)
    url = preview_url(upload(client, good_csv()))
    with (
        mock.patch.object(
            RosterEntry.objects, "bulk_create", side_effect=RuntimeError("disk full")
        ),
        pytest.raises(RuntimeError),
    ):
        client.post(url.rstrip("/") + "/import/")
    assert not User.objects.filter(email__in=["ana@example.org", "cy@example.org"]).exists()
    assert not Member.objects.filter(full_name="Ana Alvarez").exists()
    assert not Invitation.objects.exists()
    assert RosterUpload.objects.get().imported_at is None
    client.post(url.rstrip("/") + "/import/")
    assert Member.objects.filter(full_name="Ana Alvarez").count() == 1
    response = client.post(url.rstrip("/") + "/import/", follow=True)
    assert "already imported" in response.content.decode()


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_xlsx_roster_with_a_bom_free_header_and_numbers_reads(
    coordinator: Member, places: object
) -> None:
    data = xlsx(
        [
            ["Name", "Email", "Training stage", "Member ID"],
            ["Ana Alvarez", "ana@example.org", "MS2", 12345],
            [None, None, None, None],
            ["Dee Date", "dee@example.org", "MS1", dt.datetime(2024, 3, 1)],
            ["Fay Formula", "fay@example.org", "=A1", None],
        ]
    )
    sheet = roster.read_roster("r.xlsx", data)
    plan = roster.plan_roster(sheet, roster.guess_mapping(sheet.headers))
    assert plan.rows[0].values["member_id"] == "12345" and plan.rows[0].action == "create"
    assert "holds a date" in plan.rows[1].errors[0]
    assert "holds a formula" in plan.rows[2].errors[0]
    assert [r.line for r in plan.rows] == [2, 4, 5]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("r.csv", "Name,Email\nZoë,z@example.org\n".encode("latin-1"), "not UTF-8"),
        ("r.csv", b"", "empty"),
        ("r.csv", b"Name,Email\n" + b"\n" * 1_000_000, "no members under it"),
        ("r.xlsx", b"PK\x03\x04 not really a zip", "not a readable XLSX"),
        ("r.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old excel", "Old Excel files"),
        ("r.csv", b"Name,Email\x00\n", "binary"),
    ],
)
def test_bad_files_get_a_clear_message_and_change_nothing(
    coordinator: Member, name: str, data: bytes, message: str
) -> None:
    client = client_for(coordinator)
    response = client.post("/dashboard/roster/", {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not RosterUpload.objects.exists()


def test_a_file_over_the_limit_is_refused(coordinator: Member) -> None:
    client = client_for(coordinator)
    big = SimpleUploadedFile("big.csv", b"x" * (roster.MAX_BYTES + 1))
    response = client.post("/dashboard/roster/", {"file": big})
    assert response.status_code == 400 and "the limit is 10 MB" in response.content.decode()
    with pytest.raises(Refusal, match="limit"):
        roster.read_roster("big.csv", b"x" * (100 * 1024 * 1024))


def test_a_bom_and_a_million_blank_rows_after_the_data_are_fine(places: object) -> None:
    data = "\ufeff".encode() + good_csv() + b",,,,,\n" * 1_000_000
    sheet = roster.read_roster("r.csv", data)
    assert sheet.headers[0] == "Name" and len(sheet.rows) == 3


def test_only_coordinators_reach_the_roster_pages(
    student: Member, coordinator: Member, places: object
) -> None:
    url = preview_url(upload(client_for(coordinator), good_csv()))
    client = client_for(student)
    for path in ["/dashboard/roster/", url, "/dashboard/invitations/"]:
        assert client.get(path).status_code == 404
    assert client.post(url.rstrip("/") + "/import/").status_code == 404
    assert not User.objects.filter(email="ana@example.org").exists()


def test_each_change_of_a_known_member_is_described_with_the_old_value(
    coordinator: Member, places: object, django_assert_max_num_queries: object
) -> None:
    data = good_csv()
    sheet = roster.read_roster("roster.csv", data)
    plan = roster.plan_roster(sheet, roster.guess_mapping(sheet.headers))
    roster.roster_import(
        upload=RosterUpload.objects.create(filename="roster.csv", content=data),
        plan=plan,
        by=coordinator,
    )
    changed = data.replace(
        b"Ana Alvarez,ana@example.org,Medical student member,MS2,Mercy Medical College,S-1",
        b"Ana Alvarez-Diaz,ana@example.org,Resident/fellow member,MS2,Lakeside University,S-9",
    )
    sheet = roster.read_roster("roster.csv", changed)
    # The plan's queries do not grow with the rows (no lookup per known member).
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        again = roster.plan_roster(sheet, roster.guess_mapping(sheet.headers))
    ana = next(row for row in again.rows if row.values["email"] == "ana@example.org")
    assert ana.action == "update"
    assert ana.changes == [
        "name: “Ana Alvarez” → “Ana Alvarez-Diaz”",
        "membership category: Medical student member → Resident/fellow member",
        "institution: Mercy Medical College → Lakeside University",
        "member id: S-1 → S-9",
    ]
    assert [row.action for row in again.rows[1:]] == ["unchanged", "unchanged"]


def test_the_upload_service_keeps_a_readable_file_with_its_columns_guessed(
    coordinator: Member,
) -> None:
    kept = services.roster_upload_create(by=coordinator.user, filename="r.csv", data=good_csv())
    assert bytes(RosterUpload.objects.get().content) == good_csv()
    assert (kept.uploaded_by, kept.mapping["name"], kept.mapping["email"]) == (
        coordinator.user,
        0,
        1,
    )
    with pytest.raises(Refusal, match="empty"):
        services.roster_upload_create(by=coordinator.user, filename="r.csv", data=b"")
    assert RosterUpload.objects.count() == 1


def test_the_roster_services_refuse_a_member_who_is_not_a_coordinator(
    coordinator: Member, student: Member, outsider: Member
) -> None:
    kept = services.roster_upload_create(by=coordinator.user, filename="r.csv", data=good_csv())
    guessed = dict(kept.mapping)
    for member in (student, outsider):
        with pytest.raises(Refusal, match="Coordinators import"):
            services.roster_upload_create(by=member.user, filename="r.csv", data=good_csv())
        with pytest.raises(Refusal, match="Coordinators import"):
            services.roster_mapping_set(upload=kept, mapping={"name": 1}, by=member.user)
    assert RosterUpload.objects.count() == 1
    assert RosterUpload.objects.get().mapping == guessed


def test_the_mapping_service_sets_columns_until_the_file_is_imported(
    coordinator: Member,
) -> None:
    kept = services.roster_upload_create(by=coordinator.user, filename="r.csv", data=good_csv())
    mapping: dict[str, int | None] = {**kept.mapping, "institution": None}
    services.roster_mapping_set(upload=kept, mapping=mapping, by=coordinator.user)
    assert RosterUpload.objects.get().mapping == mapping
    RosterUpload.objects.update(imported_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC))
    with pytest.raises(Refusal, match="already imported"):
        services.roster_mapping_set(upload=kept, mapping={"name": 0}, by=coordinator.user)
    assert RosterUpload.objects.get().mapping == mapping
