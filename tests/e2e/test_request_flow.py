"""A student enrolls, finds a mentor and sends a request; the resident accepts from the email link;
both see the mentorship."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from mentorbridge.matching import pool
from mentorbridge.members.models import Interest, Language, Topic
from mentorbridge.mentorships.models import Mentorship

from ..conftest import stage
from ..factories import PASSWORD, MemberFactory, enroll, make_cycle
from .conftest import log_in, log_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_student_requests_and_resident_accepts_from_email(live_server, page, shots) -> None:
    pool.clear_cache()
    cycle = make_cycle(name="2026–27")
    congenital = Interest.objects.get(slug="congenital")
    english = Language.objects.get(slug="english")
    interviews = Topic.objects.get(slug="interview-process")
    student = MemberFactory(
        full_name="Maya Okafor",
        stage=stage("ms3"),
        user__email="maya@example.org",
        goals="Learn about congenital surgery.",
    )
    student.interests.set([congenital])
    student.languages.set([english])
    student.topics_wanted.set([interviews])
    resident = MemberFactory(
        full_name="Daniel Reyes",
        pronouns="he/him",
        stage=stage("pgy-4-resident"),
        user__email="daniel@example.org",
        bio="Congenital heart surgery resident.",
    )
    resident.interests.set([congenital])
    resident.languages.set([english])
    mentor = enroll(resident, cycle, "mentor", capacity=2)
    mentor.topics.set([interviews])
    other = MemberFactory(
        full_name="Olivia Other", stage=stage("fellow"), user__email="olivia@example.org"
    )
    enroll(other, cycle, "mentor", capacity=1)

    log_in(page, live_server.url, "maya@example.org", PASSWORD)
    page.get_by_role("link", name="Programs").click()
    shots("programs")
    page.get_by_role("link", name="Enroll as a mentee").first.click()
    page.get_by_label("Your goals for this cycle").fill(
        "Decide on I-6 versus traditional, plan away rotations."
    )
    shots("enroll-form")
    page.get_by_role("button", name="Enroll").click()
    page.wait_for_url("**/find/")
    shots("find-a-mentor")
    assert page.get_by_text("You both focus on congenital").first.is_visible()
    first_card = page.locator("article").first
    assert "Daniel Reyes" in first_card.inner_text()
    first_card.get_by_role("link", name=re.compile("Ask Daniel Reyes")).click()
    shots("request-form")
    message = page.get_by_label("Your message")
    assert "Dear Daniel Reyes" in message.input_value()
    page.get_by_role("button", name="Send request").click()
    page.wait_for_url("**/matching/requests/")
    shots("request-sent")
    assert page.get_by_text("Request sent to Daniel Reyes").is_visible()

    email = next(m for m in mail.outbox if m.to == ["daniel@example.org"])
    accept = re.search(r"Accept: (\S+)", email.body)
    assert accept is not None
    log_out(page)
    page.goto(accept.group(1).replace("http://127.0.0.1:8000", live_server.url))
    shots("email-link")
    page.get_by_role("button", name="Accept and become their mentor").click()
    shots("accepted")
    assert page.get_by_role("heading", name=re.compile("Accepted")).is_visible()
    mentorship = Mentorship.objects.get()
    assert (mentorship.mentee, mentorship.mentor) == (student, resident)

    log_in(page, live_server.url, "daniel@example.org", PASSWORD)
    page.goto(f"{live_server.url}/matching/requests/")
    page.get_by_role("link", name="Open the mentorship").click()
    shots("mentor-sees-mentorship")
    assert page.get_by_text("Maya Okafor").first.is_visible()
    log_out(page)
    log_in(page, live_server.url, "maya@example.org", PASSWORD)
    page.goto(f"{live_server.url}/notifications/")
    shots("mentee-notifications")
    page.get_by_role(
        "button", name=re.compile("You and Daniel Reyes are now a mentorship pair")
    ).click()
    shots("mentee-sees-mentorship")
    assert page.get_by_text("Daniel Reyes").first.is_visible()


def test_a_language_requirement_that_leaves_nobody_is_explained_and_relaxed(
    live_server, page, shots
) -> None:
    pool.clear_cache()
    cycle = make_cycle(name="2026–27")
    english = Language.objects.get(slug="english")
    student = MemberFactory(
        full_name="Lucía Paz", stage=stage("ms2"), user__email="lucia@example.org"
    )
    student.languages.set([english])
    student.topics_wanted.set([Topic.objects.get(slug="interview-process")])
    resident = MemberFactory(
        full_name="Grace Kim", stage=stage("pgy-3-resident"), user__email="grace@example.org"
    )
    resident.languages.set([english])
    enroll(resident, cycle, "mentor", capacity=2)

    log_in(page, live_server.url, "lucia@example.org", PASSWORD)
    page.goto(f"{live_server.url}/programs/cycles/{cycle.pk}/enroll/mentee/")
    page.get_by_label("Your goals for this cycle").fill("Find out whether CT surgery is for me.")
    page.get_by_label("A mentor who speaks (optional)").select_option(label="Spanish")
    page.get_by_label("only mentors who speak it").check()
    shots("enroll-insisting-on-spanish")
    page.get_by_role("button", name="Enroll").click()
    page.wait_for_url("**/find/")
    shots("nobody-speaks-spanish")
    assert page.get_by_text("You also asked for a mentor who speaks Spanish").is_visible()
    assert page.locator("article").count() == 0

    page.get_by_role("link", name="your enrollment").click()
    page.get_by_label("only mentors who speak it").uncheck()
    page.get_by_role("button", name="Save changes").click()
    page.goto(
        f"{live_server.url}/matching/enrollments/{cycle.enrollments.get(member=student).pk}/find/"
    )
    shots("spanish-as-a-preference")
    assert "Grace Kim" in page.locator("article").first.inner_text()
