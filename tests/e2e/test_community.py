"""Community in a browser (and on a 390-px phone): a student signs up for a flash event, sees the
schedule, wishes to continue and the mentor gets the request; a question is asked, answered and
promoted to the resource library by a coordinator."""

from __future__ import annotations

import datetime as dt

import pytest

from mentorbridge.community import board, flash
from mentorbridge.community.models import Question
from mentorbridge.core import clock
from mentorbridge.matching.models import MentorshipRequest
from mentorbridge.mentorships.models import Resource
from mentorbridge.programs.models import Program

from ..community.conftest import event_data
from ..conftest import TOTP_SECRET, stage
from ..factories import PASSWORD, MemberFactory, enroll, make_cycle
from .conftest import fresh_totp_code, log_in, log_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PHONE = {"width": 390, "height": 844}


def fits_the_screen(page: object) -> bool:
    width = page.evaluate("document.documentElement.scrollWidth")  # type: ignore[attr-defined]
    return bool(width <= PHONE["width"])


def test_a_student_meets_mentors_at_a_flash_event_and_continues_with_one(
    live_server, page, shots, coordinator
) -> None:
    track1 = Program.objects.get(slug="student-resident")
    student = MemberFactory(
        full_name="Maya Okafor",
        stage=stage("ms3"),
        user__email="maya@example.org",
        time_zone="America/Chicago",
    )
    daniel = MemberFactory(
        full_name="Daniel Reyes", stage=stage("pgy-4-resident"), user__email="daniel@example.org"
    )
    others = [
        MemberFactory(full_name=f"Resident {k}", stage=stage("pgy-2-resident")) for k in range(2)
    ]
    cycle = make_cycle()
    enroll(daniel, cycle, "mentor")
    event = flash.event_open(
        event=flash.event_save(by=coordinator, program=track1, data=event_data())
    )
    for host in (daniel, *others):
        flash.volunteer(event=event, member=host, rounds=[1, 2, 3])

    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, "maya@example.org", PASSWORD)
    page.goto(f"{live_server.url}/community/flash/")
    shots("events")
    page.get_by_role("link", name=event.name).click()
    page.get_by_label("First choice").select_option(label="Daniel Reyes · PGY-4 resident")
    shots("sign-up")
    page.get_by_role("button", name="Sign up").click()
    assert page.get_by_text("You are signed up. Your tables").is_visible()
    assert fits_the_screen(page)

    event = flash.schedule_compute(event_id=event.pk)  # the coordinator's "Make the schedule"
    page.reload()
    page.locator("#schedule").scroll_into_view_if_needed()
    shots("schedule")
    assert page.get_by_text("you asked for this mentor").is_visible()
    assert (
        page.get_by_role("cell", name="Daniel Reyes").first.is_visible()
        or page.get_by_text("Daniel Reyes · PGY-4 resident").first.is_visible()
    )
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the calendar invites (.ics)").click()
    assert download.value.suggested_filename == f"flash-{event.pk}.ics"
    assert fits_the_screen(page)

    with clock.frozen(event.ends_at + dt.timedelta(hours=1)):
        flash.wish_mark(event=event, member=daniel, other=student)
        page.reload()
        page.locator("#wishes").scroll_into_view_if_needed()
        shots("wishes")
        page.locator("li", has_text="Daniel Reyes").get_by_role(
            "button", name="I'd like to continue"
        ).click()
        page.locator("#wishes").scroll_into_view_if_needed()
        shots("mutual")
        assert page.get_by_text("waiting for the mentor's answer").is_visible()
    request = MentorshipRequest.objects.get()
    assert (
        request.mentee_enrollment.member == student and request.mentor_enrollment.member == daniel
    )
    log_out(page)

    log_in(page, live_server.url, "daniel@example.org", PASSWORD)
    page.goto(f"{live_server.url}/matching/requests/")
    shots("mentor-gets-the-request")
    assert page.get_by_text("We met at Annual Meeting flash mentoring").first.is_visible()


def test_a_question_is_asked_answered_and_promoted(live_server, page, shots, coordinator) -> None:
    track1 = Program.objects.get(slug="student-resident")
    MemberFactory(full_name="Maya Okafor", stage=stage("ms3"), user__email="maya@example.org")
    resident = MemberFactory(
        full_name="Daniel Reyes", stage=stage("pgy-4-resident"), user__email="daniel@example.org"
    )

    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, "maya@example.org", PASSWORD)
    page.goto(f"{live_server.url}/community/questions/{track1.slug}/")
    shots("board")
    page.get_by_role("link", name="Ask a question").click()
    page.get_by_label("Your question").fill("Is the integrated I-6 pathway right for me?")
    page.get_by_label("Details").fill(
        "My school has no CT program. <script>alert(1)</script> How do I decide?"
    )
    page.get_by_label("Ask anonymously").check()
    shots("asking")
    page.get_by_role("button", name="Post the question").click()
    shots("asked")
    assert page.get_by_text("<script>alert(1)</script>", exact=False).is_visible()
    assert fits_the_screen(page)
    log_out(page)

    question = Question.objects.get()
    log_in(page, live_server.url, "daniel@example.org", PASSWORD)
    page.goto(f"{live_server.url}{question.get_absolute_url()}")
    assert page.get_by_text("A member (anonymous)").is_visible()
    page.get_by_role("textbox", name="Your answer").fill(
        "Spend time with residents of both pathways; I-6 suits you if you are sure early."
    )
    page.get_by_role("button", name="Post the answer").click()
    shots("answered")
    assert page.get_by_text("Spend time with residents of both pathways").is_visible()
    log_out(page)

    page.set_viewport_size({"width": 1200, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email:").fill(coordinator.user.email)
    page.get_by_label("Password:").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/2fa/authenticate/")
    page.get_by_label("Code:").fill(fresh_totp_code(TOTP_SECRET))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}{question.get_absolute_url()}")
    assert page.get_by_text("Maya Okafor (asked anonymously)").is_visible()
    page.get_by_role("button", name="Add to the resource library").click()
    shots("promoted")
    assert page.get_by_text("in the resource library", exact=True).is_visible()
    resource = Resource.objects.get()
    assert resource.title == "Is the integrated I-6 pathway right for me?"
    assert board.search(program=track1, text="pathway", viewer=resident).count() == 1
