"""In a real browser: target programs picked from a filterable list by keyboard, the account pages
linked together with email settings, and a past meeting logged in the workspace."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from mentorbridge.core.models import EmailSettings
from mentorbridge.mentorships.models import Meeting
from mentorbridge.programs.models import Enrollment

from ..conftest import stage
from ..factories import InstitutionFactory, MemberFactory, make_cycle, make_mentorship
from .conftest import Shots
from .test_phone_layout import _signed_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_target_programs_filter_by_typing_and_tick_by_keyboard(
    browser: Any, live_server: Any
) -> None:
    for name in ("Mayo Clinic", "Stanford Health", "Cleveland Clinic", "Duke University Hospital"):
        InstitutionFactory(name=name, is_approved=True)
    cycle = make_cycle()
    student = MemberFactory(full_name="Sam Student", stage=stage("ms3"))
    page = _signed_in(browser, live_server, student, {"width": 1200, "height": 900})
    shots = Shots(page, "target-programs-filter")
    page.goto(f"{live_server.url}/programs/cycles/{cycle.pk}/enroll/mentee/")
    box = page.get_by_role("searchbox", name="Filter: Programs you are targeting (optional)")
    box.fill("clinic")
    shots("filtered")
    assert page.get_by_label("Mayo Clinic").is_visible()
    assert not page.get_by_label("Stanford Health").is_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # the first visible program: Cleveland Clinic
    box.fill("")
    assert page.get_by_label("Cleveland Clinic").is_checked()
    page.get_by_label("Your goals for this cycle").fill("Plan away rotations")
    page.get_by_role("group", name="Topics you want guidance on").get_by_role(
        "checkbox"
    ).first.check()
    page.get_by_role("button", name="Enroll").click()
    page.wait_for_load_state()
    shots("enrolled")
    enrollment = Enrollment.objects.get(member=student)
    assert [i.name for i in enrollment.target_programs.all()] == ["Cleveland Clinic"]
    page.context.close()


def test_account_pages_and_email_settings(browser: Any, live_server: Any) -> None:
    resident = MemberFactory(full_name="Rita Resident", stage=stage("pgy-4-resident"))
    page = _signed_in(browser, live_server, resident, {"width": 1200, "height": 900})
    shots = Shots(page, "account-and-email-settings")
    page.goto(f"{live_server.url}/accounts/email/")
    shots("account")
    page.get_by_role("navigation", name="Account").get_by_role(
        "link", name="Email notifications"
    ).click()
    page.get_by_label(
        "New messages from my mentorship partner (at most one email an hour)"
    ).uncheck()
    page.get_by_role("button", name="Save").click()
    shots("saved")
    assert page.get_by_text("Your email settings are saved.").is_visible()
    assert EmailSettings.objects.get(member=resident).messages is False
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Password").click()
    page.wait_for_url("**/accounts/password/change/")
    shots("password")
    page.context.close()


def test_a_pair_logs_a_meeting_after_the_fact(browser: Any, live_server: Any) -> None:
    student = MemberFactory(full_name="Maya Okafor", stage=stage("ms3"), time_zone="UTC")
    resident = MemberFactory(full_name="Daniel Reyes", stage=stage("pgy-4-resident"))
    pair = make_mentorship(student, resident)
    page = _signed_in(browser, live_server, student, {"width": 1200, "height": 900})
    shots = Shots(page, "past-meeting")
    page.goto(f"{live_server.url}{pair.get_absolute_url()}")
    page.get_by_text("Log a meeting that already took place").click()
    when = (timezone.now() - dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("When did you meet?").fill(when)
    page.get_by_label("Length of the meeting (minutes)").fill("30")
    page.get_by_label("Format").last.select_option("phone")
    shots("form")
    page.get_by_role("button", name="Log meeting").click()
    page.wait_for_load_state()
    shots("logged")
    assert page.get_by_text("Meeting logged. It counts in your mentoring record.").is_visible()
    assert Meeting.objects.get(mentorship=pair).status == "held"
    page.context.close()


def test_a_field_error_reads_across_the_form_not_in_a_narrow_column(
    browser: Any, live_server: Any
) -> None:
    """Field errors are lists with an id (for aria-describedby); the grid that lays out lists of
    choices must not take them for one and squeeze each into a 230-pixel column."""
    student = MemberFactory(full_name="Sam Student", stage=stage("ms3"))
    page = _signed_in(browser, live_server, student, {"width": 1200, "height": 900})
    shots = Shots(page, "field-error-width")
    page.goto(f"{live_server.url}/members/institutions/propose/")
    page.get_by_role("button", name="Propose institution").click()
    page.wait_for_load_state()
    shots("errors")
    error = page.locator(".field.has-error .errorlist li").first
    field = page.locator(".field.has-error input").first
    assert error.is_visible()
    error_box, field_box = error.bounding_box(), field.bounding_box()
    assert error_box is not None and field_box is not None
    assert error_box["width"] >= 0.9 * field_box["width"]
    page.context.close()
