"""A coordinator imports a roster (previews its errors, fixes the file, imports), opens the
dashboard, switches cycle, and downloads a table's CSV and the PDF report."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mentorbridge.accounts.models import User

from ..conftest import TOTP_SECRET
from ..dashboard.fixtures import small_cycle
from ..factories import PASSWORD, InstitutionFactory, make_cycle
from .conftest import fresh_totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BAD = (
    "Name,Email,Training stage,Institution\n"
    "Ana Alvarez,ana@example.org,MS2,Mercy Medical College\n"
    "Ben Brown,ben@example,MS9,Mercy Medical Colege\n"
)
GOOD = (
    "Name,Email,Training stage,Institution\n"
    "Ana Alvarez,ana@example.org,MS2,Mercy Medical College\n"
    "Ben Brown,ben@example.org,MS3,Mercy Medical College\n"
)


def test_coordinator_imports_a_roster_and_reads_the_dashboard(
    live_server, page, shots, coordinator, tmp_path: Path
) -> None:
    InstitutionFactory(name="Mercy Medical College", has_ct_program=False)
    small = small_cycle()
    older = make_cycle(
        name="2024–25",
        enrollment_opens=small.cycle.enrollment_opens.replace(
            year=small.cycle.enrollment_opens.year - 1
        ),
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email:").fill(coordinator.user.email)
    page.get_by_label("Password:").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/2fa/authenticate/")
    page.get_by_label("Code:").fill(fresh_totp_code(TOTP_SECRET))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()

    bad, good = tmp_path / "roster.csv", tmp_path / "roster-fixed.csv"
    bad.write_text(BAD)
    good.write_text(GOOD)
    page.goto(f"{live_server.url}/dashboard/roster/")
    page.get_by_label("Member list (CSV or XLSX)").set_input_files(str(bad))
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("heading", name="Errors").wait_for()
    assert page.get_by_text("The closest we know is “Mercy Medical College”.").is_visible()
    assert page.get_by_text("Unknown training stage “MS9”.", exact=False).is_visible()
    shots("preview-errors")
    assert not User.objects.filter(email="ana@example.org").exists()

    page.get_by_role("link", name="Upload the corrected file").click()
    page.get_by_label("Member list (CSV or XLSX)").set_input_files(str(good))
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("button", name="Import 2 members").click()
    page.wait_for_url("**/dashboard/invitations/")
    assert page.get_by_text("Imported: 2 new members", exact=False).is_visible()
    shots("invitations")
    assert User.objects.filter(email__in=["ana@example.org", "ben@example.org"]).count() == 2

    page.goto(f"{live_server.url}/dashboard/cycles/{small.cycle.pk}/")
    page.get_by_role("heading", name=re.compile("Funnel")).wait_for()
    shots("dashboard")
    page.get_by_label("Cycle", exact=True).select_option(str(older.pk))
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(f"**/dashboard/cycles/{older.pk}/")
    assert page.get_by_role("heading", name=re.compile("2024–25")).is_visible()
    shots("other-cycle")
    page.get_by_label("Cycle", exact=True).select_option(str(small.cycle.pk))
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(f"**/dashboard/cycles/{small.cycle.pk}/")

    with page.expect_download() as csv_download:
        page.locator(f"a[href='/dashboard/cycles/{small.cycle.pk}/tables/funnel.csv']").click()
    text = Path(csv_download.value.path()).read_text(encoding="utf-8-sig")
    assert text.startswith("Step,Mentees,% of enrolled") and "Enrolled as mentees,6" in text
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="PDF").click()
    assert Path(pdf_download.value.path()).read_bytes().startswith(b"%PDF")
