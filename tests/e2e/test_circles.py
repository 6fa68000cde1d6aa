"""A mentoring circle in a browser: a student applies, the leader accepts, writes the norms and
sets a meeting; the member confirms, downloads the invite, and the two write in the thread (the
member on a 390-px phone)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from mentorbridge.community.models import CircleMeeting, CircleMessage
from mentorbridge.core import clock

from ..community.circle_world import published_circle
from ..conftest import stage
from ..factories import PASSWORD, MemberFactory, make_cycle
from .conftest import log_in, log_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PHONE = {"width": 390, "height": 844}


def test_a_circles_leader_and_member_meet_and_message(
    live_server, page, shots, coordinator
) -> None:
    leader = MemberFactory(
        full_name="Daniel Reyes",
        stage=stage("pgy-4-resident"),
        user__email="daniel@example.org",
        time_zone="America/Chicago",
    )
    MemberFactory(
        full_name="Maya Okafor",
        stage=stage("ms3"),
        user__email="maya@example.org",
        time_zone="America/Chicago",
    )
    circle = published_circle(leader=leader, coordinator=coordinator, cycle=make_cycle())

    # The student finds the circle and applies, on a phone.
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, "maya@example.org", PASSWORD)
    page.goto(f"{live_server.url}/community/circles/")
    shots("circles")
    page.get_by_role("link", name=circle.title).click()
    page.get_by_label("A short note to the leader").fill(
        "I am an MS3 at a school without a CT program."
    )
    page.get_by_role("button", name="Apply").click()
    assert page.get_by_text("Application sent").is_visible()
    shots("applied")
    log_out(page)

    # The leader accepts, writes the norms and sets a meeting, on a laptop.
    page.set_viewport_size({"width": 1200, "height": 900})
    log_in(page, live_server.url, "daniel@example.org", PASSWORD)
    page.goto(f"{live_server.url}{circle.get_absolute_url()}")
    shots("leader-sees-the-application")
    page.get_by_role("button", name="Accept").click()
    assert page.get_by_text("Maya Okafor joins the circle").is_visible()
    page.get_by_label("Goals for the term").fill(
        "Each of us leaves with a plan for a research year."
    )
    page.get_by_label("How often we meet").fill("An hour every two weeks")
    page.get_by_label("How we communicate").fill("The circle's messages")
    page.get_by_role("button", name="Save").first.click()
    assert page.get_by_text("Norms saved").is_visible()
    when = (clock.now() + dt.timedelta(days=5)).astimezone(zoneinfo.ZoneInfo("America/Chicago"))
    page.get_by_text("Set a meeting").click()
    page.get_by_label("Date and time").fill(when.strftime("%Y-%m-%dT18:00"))
    page.get_by_label("Link or place (optional)").fill("https://video.example.org/circle")
    page.get_by_role("button", name="Set the meeting").click()
    assert page.get_by_text("Meeting set").is_visible()
    page.get_by_role("textbox", name="Message").fill(
        "Welcome, Maya! Bring one question about research years."
    )
    page.get_by_role("button", name="Send to the circle").click()
    page.locator("#messages").scroll_into_view_if_needed()
    shots("leader-workspace")
    assert CircleMeeting.objects.filter(circle=circle).count() == 1
    log_out(page)

    # The member confirms the norms, downloads the invite and answers, on the phone.
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, "maya@example.org", PASSWORD)
    page.goto(f"{live_server.url}{circle.get_absolute_url()}")
    page.get_by_role("button", name="I confirm these norms").click()
    assert page.get_by_text("You confirmed the circle's norms").is_visible()
    assert page.get_by_text("18:00").first.is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the calendar invite").click()
    assert download.value.suggested_filename.startswith("circle-meeting-")
    assert page.get_by_text("Bring one question about research years").is_visible()
    page.get_by_role("textbox", name="Message").fill(
        "Thank you! Mine: how is a research year funded?"
    )
    page.get_by_role("button", name="Send to the circle").click()
    page.locator("#messages").scroll_into_view_if_needed()
    shots("member-workspace")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert CircleMessage.objects.filter(circle=circle).count() == 2
