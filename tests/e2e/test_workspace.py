"""The accepted pair fills the agreement, schedules and logs a meeting, exchanges messages and adds
a goal; after closure the mentor downloads the certificate."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone

from mentorbridge.mentorships.models import Meeting, Mentorship

from ..conftest import stage
from ..factories import PASSWORD, MemberFactory, complete_mentorship, make_mentorship
from .conftest import log_in, log_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_pair_works_together_and_the_mentor_gets_a_certificate(
    live_server, page, shots
) -> None:
    student = MemberFactory(
        full_name="Maya Okafor",
        stage=stage("ms3"),
        user__email="maya@example.org",
        time_zone="America/Chicago",
    )
    resident = MemberFactory(
        full_name="Daniel Reyes",
        stage=stage("pgy-4-resident"),
        user__email="daniel@example.org",
        time_zone="America/New_York",
    )
    mentorship = make_mentorship(student, resident)
    workspace = f"{live_server.url}/mentorships/{mentorship.pk}/"

    log_in(page, live_server.url, "maya@example.org", PASSWORD)
    page.goto(workspace)
    shots("workspace")
    page.get_by_label("Goals for the term").fill("Plan away rotations and a research project.")
    page.get_by_label("How often we meet").fill("A 45-minute video call every month")
    page.get_by_label("How we communicate").fill("Messages here; replies within three days")
    page.get_by_role("button", name="Save and confirm").click()
    shots("agreement-saved")
    assert page.get_by_text("Agreement saved").is_visible()

    page.get_by_text("Propose a meeting").click()
    when = (timezone.now() + dt.timedelta(days=7)).strftime("%Y-%m-%dT16:00")
    page.get_by_label("Date and time").fill(when)
    page.get_by_label("Link or place (optional)").fill("https://meet.example.org/maya-daniel")
    page.get_by_role("button", name="Propose").click()
    shots("meeting-proposed")

    page.get_by_role("textbox", name="Message").fill(
        "Hi Daniel! Looking forward to our first call. <script>alert(1)</script>"
    )
    page.get_by_role("button", name="Send").click()
    page.get_by_text("Add a goal").click()
    page.get_by_label("Title").fill("Secure two away rotations")
    page.get_by_label("Milestones (optional, one per line)").fill(
        "List programs\nAsk for letters\nApply on VSLO"
    )
    page.get_by_role("button", name="Add goal").click()
    shots("goal-added")
    assert page.get_by_text("Secure two away rotations", exact=True).is_visible()
    log_out(page)

    log_in(page, live_server.url, "daniel@example.org", PASSWORD)
    page.goto(workspace)
    shots("mentor-view")
    assert page.get_by_text("Looking forward to our first call").is_visible()
    assert page.get_by_text("17:00").first.is_visible()  # 16:00 in Chicago is 17:00 in New York
    page.get_by_role("button", name="I confirm this agreement").click()
    page.get_by_role("button", name="Accept").click()
    assert page.get_by_text("Meeting accepted").is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the calendar invite").click()
    assert download.value.suggested_filename.endswith(".ics")
    page.get_by_role("textbox", name="Message").fill("Great to meet you, Maya. See you next week.")
    page.get_by_role("button", name="Send").click()
    shots("mentor-replied")

    # A week later the meeting has happened: log it.
    Meeting.objects.update(starts_at=timezone.now() - dt.timedelta(hours=2))
    page.goto(workspace)
    page.get_by_text("Log this meeting").click()
    page.get_by_label("Yes, we met").check()
    page.get_by_label("How long (minutes)").fill("50")
    page.get_by_role("group", name="Topics covered").get_by_label(
        "Away rotations and sub-internships"
    ).check()
    page.get_by_role("button", name="Save").first.click()
    shots("meeting-logged")
    assert page.get_by_text(re.compile("Held: 50 minutes")).is_visible()

    complete_mentorship(Mentorship.objects.get())
    page.goto(f"{live_server.url}/mentorships/record/")
    shots("record")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download my certificate (PDF)").click()
    assert Path(download.value.path()).read_bytes()[:4] == b"%PDF"
