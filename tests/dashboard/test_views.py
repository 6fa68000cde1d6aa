"""Who may open the dashboard and its downloads, what the downloads hold, and the audit trail."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.test import Client
from openpyxl import load_workbook

from mentorbridge.core import clock
from mentorbridge.core.audit import EXPORT_PREFIX
from mentorbridge.core.permissions import COORDINATORS_GROUP
from mentorbridge.dashboard.exports import csv_bytes, neutralise, xlsx_bytes
from mentorbridge.members.models import Member

from ..conftest import client_for
from ..factories import MemberFactory
from .fixtures import NOW, small_cycle

pytestmark = pytest.mark.django_db


def exports() -> list[tuple[str, int, str, str]]:
    """The exports in the audit log, newest first: (what, who, which model, which object)."""
    return [
        (entry.change_message, entry.user_id, entry.content_type.model, entry.object_id)
        for entry in LogEntry.objects.filter(
            change_message__startswith=EXPORT_PREFIX
        ).select_related("content_type")
    ]


def urls(pk: int) -> list[str]:
    return [
        f"/dashboard/cycles/{pk}/",
        f"/dashboard/cycles/{pk}/tables/funnel.csv",
        f"/dashboard/cycles/{pk}/report.pdf",
        f"/dashboard/cycles/{pk}/export/enrollments.csv",
        f"/dashboard/cycles/{pk}/export/pairs.xlsx",
    ]


def test_members_and_mentors_get_nothing(student: Member, resident: Member) -> None:
    small = small_cycle()
    for member in (student, resident, small.mentors[0]):
        client = client_for(member)
        assert client.get("/dashboard/").status_code == 404
        for url in urls(small.cycle.pk):
            assert client.get(url).status_code == 404, url
    for url in urls(small.cycle.pk):
        assert Client().get(url).status_code == 302  # to the login page
    assert not exports()


def test_a_coordinator_without_totp_is_sent_to_set_it_up() -> None:
    small = small_cycle()
    member = MemberFactory(stage=None)
    from mentorbridge.accounts.roles import sync_coordinator_group

    sync_coordinator_group()
    member.user.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    client = client_for(member)
    for url in urls(small.cycle.pk):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/2fa/" in response["Location"], url


def test_the_coordinator_sees_the_figures_charts_and_tables(coordinator: Member) -> None:
    small = small_cycle()
    client = client_for(coordinator)
    assert client.get("/dashboard/").status_code == 302
    with clock.frozen(NOW):
        page = client.get(f"/dashboard/cycles/{small.cycle.pk}/").content.decode()
    assert "<svg" in page and "<script" not in page.split("</header>")[1]
    assert "Funnel" in page and "Check-in ratings" in page and "Activity by month" in page
    assert "83.3%" in page  # the highest possible match rate
    picked = client.get(f"/dashboard/?cycle={small.cycle.pk}")
    assert picked["Location"] == f"/dashboard/cycles/{small.cycle.pk}/"
    assert client.get("/dashboard/?cycle=987654").status_code == 404
    assert client.get(f"/dashboard/cycles/{small.cycle.pk}/tables/nothing.csv").status_code == 404
    assert client.get(f"/dashboard/cycles/{small.cycle.pk}/tables/funnel.exe").status_code == 404


def test_tables_download_as_csv_and_xlsx_and_are_audited(coordinator: Member) -> None:
    small = small_cycle()
    client = client_for(coordinator)
    response = client.get(f"/dashboard/cycles/{small.cycle.pk}/tables/funnel.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0] == ["Step", "Mentees", "% of enrolled"]
    assert lines[2] == ["Enrolled as mentees", "6", "100.0"]
    response = client.get(f"/dashboard/cycles/{small.cycle.pk}/tables/load.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in next(sheet.iter_rows())] == [
        "Capacity",
        "Mentees held",
        "Mentors",
        "Unused seats",
    ]
    cycle = str(small.cycle.pk)
    assert exports() == [
        ("Exported table load as XLSX (3 rows)", coordinator.user.pk, "cycle", cycle),
        ("Exported table funnel as CSV (7 rows)", coordinator.user.pk, "cycle", cycle),
    ]


def test_exports_hold_the_cycles_people_and_pairs(coordinator: Member) -> None:
    small = small_cycle()
    small.mentees[0].full_name = '=HYPERLINK("http://evil")'
    small.mentees[0].save()
    client = client_for(coordinator)
    response = client.get(f"/dashboard/cycles/{small.cycle.pk}/export/enrollments.csv")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(lines) == 1 + 7 + 2  # header, seven mentee enrollments, two mentors
    assert '\'=HYPERLINK("http://evil")' in [line[2] for line in lines]
    response = client.get(f"/dashboard/cycles/{small.cycle.pk}/export/pairs.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 4
    assert values[1][1] == '\'=HYPERLINK("http://evil")'
    by_pk = {row[0]: row for row in values[1:]}
    assert by_pk[small.pairs[0].pk][10:12] == (2, 1.5)  # two meetings, 90 minutes
    assert exports()[0] == (
        "Exported pairs as XLSX (3 rows)",
        coordinator.user.pk,
        "cycle",
        str(small.cycle.pk),
    )
    assert client.get(f"/dashboard/cycles/{small.cycle.pk}/export/secrets.csv").status_code == 404


def test_the_cycle_report_as_pdf_csv_and_xlsx(coordinator: Member) -> None:
    small = small_cycle()
    client = client_for(coordinator)
    pdf = client.get(f"/dashboard/cycles/{small.cycle.pk}/report.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    report = client.get(f"/dashboard/cycles/{small.cycle.pk}/report.csv").content.decode(
        "utf-8-sig"
    )
    assert small.cycle.program.name in report and clock.today().strftime("%Y") in report
    assert "Funnel" in report and "Mentor load" in report
    book = load_workbook(
        io.BytesIO(client.get(f"/dashboard/cycles/{small.cycle.pk}/report.xlsx").content)
    )
    assert len(book.sheetnames) == 1 + 16  # the heading, then one sheet per table
    assert [what for what, *_ in exports()] == [
        "Exported cycle report as XLSX",
        "Exported cycle report as CSV",
        "Exported cycle report as PDF",
    ]


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("plain", "plain"),
        (-2, -2),
        (None, ""),
    ],
)
def test_cells_are_never_formulas(value: object, written: object) -> None:
    assert neutralise(value) == written
    text = csv_bytes(["h"], [[value]]).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text)))[1] == [str(written)]
    sheet = load_workbook(io.BytesIO(xlsx_bytes([("s", ["h"], [[value]])]))).active
    cell = sheet.cell(row=2, column=1)
    assert cell.data_type != "f"
    assert (cell.value if cell.value is not None else "") == written
