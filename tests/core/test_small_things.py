"""Issue 14.11: wording, plural rules and small things each kind of member ran into."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from mentorbridge.core.models import EmailSettings, Notification
from mentorbridge.core.notifications import notify
from mentorbridge.members.models import Member
from mentorbridge.mentorships.models import Goal, Meeting
from mentorbridge.programs.models import Cycle

from ..conftest import client_for
from ..factories import enroll, make_cycle, make_mentorship

pytestmark = pytest.mark.django_db


def test_the_profile_error_banner_counts_the_errors(student: Member) -> None:
    response = client_for(student).post("/members/me/edit/", {"full_name": "", "stage": ""})
    body = response.content.decode()
    assert "item(s)" not in body
    assert "Please correct the 0" not in body
    assert "Please correct the " in body and " items marked below" in body


def test_a_student_is_not_asked_what_guidance_they_can_offer(
    student: Member, resident: Member
) -> None:
    assert (
        "Guidance you can offer"
        not in client_for(student).get("/members/me/edit/").content.decode()
    )
    assert (
        "Guidance you can offer" in client_for(resident).get("/members/me/edit/").content.decode()
    )


def test_a_student_sees_no_mentoring_record_link(student: Member, resident: Member) -> None:
    assert "My mentoring record" not in client_for(student).get("/mentorships/").content.decode()
    assert "My mentoring record" in client_for(resident).get("/mentorships/").content.decode()


def test_an_enrolled_mentee_is_pointed_to_find_a_mentor(student: Member) -> None:
    cycle = make_cycle()
    enrollment = enroll(student, cycle, "mentee")
    body = client_for(student).get("/matching/requests/").content.decode()
    assert "Enroll as a mentee" not in body
    assert f"/matching/enrollments/{enrollment.pk}/find/" in body


def test_a_cycle_not_yet_open_says_when_enrollment_opens(student: Member) -> None:
    today = timezone.localdate()
    make_cycle(
        enrollment_opens=today + dt.timedelta(days=5),
        enrollment_closes=today + dt.timedelta(days=30),
        status=Cycle.Status.OPEN,
    )
    body = client_for(student).get("/programs/").content.decode()
    assert "Enrollment opens on" in body
    assert "Enrollment is closed" not in body


def test_the_coordinator_lands_on_coordinate_after_login(coordinator: Member) -> None:
    from django.test import RequestFactory

    from mentorbridge.accounts.adapter import AccountAdapter

    request = RequestFactory().get("/")
    request.user = coordinator.user
    assert AccountAdapter(request).get_login_redirect_url(request) == "/programs/coordinate/"


def test_allauth_pages_say_log_in_and_join(db: None) -> None:
    from django.test import Client

    login = Client().get("/accounts/login/").content.decode()
    assert "Sign In" not in login and "Remember Me" not in login
    assert "Keep me logged in on this device" in login
    signup = Client().get("/accounts/signup/").content.decode()
    assert "Sign Up" not in signup and "Join" in signup


def test_notifications_are_links_and_opening_one_marks_it_read(student: Member) -> None:
    from mentorbridge.core.models import Notification

    notify(member=student, kind="x", title="Your meeting is confirmed", url="/mentorships/")
    notification = Notification.objects.get(member=student, title="Your meeting is confirmed")
    client = client_for(student)
    body = client.get("/notifications/").content.decode()
    # Unread: the title is the button that marks it read and follows its link.
    assert f'name="pk" value="{notification.pk}"' in body
    assert "<strong>Your meeting is confirmed</strong></button>" in body
    opened = client.post("/notifications/read/", {"pk": notification.pk})
    assert opened.status_code == 302 and opened["Location"] == "/mentorships/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    # Read: a plain link.
    assert '<a href="/mentorships/">' in client.get("/notifications/").content.decode()


def test_the_account_pages_link_to_each_other(student: Member) -> None:
    body = client_for(student).get("/accounts/email/").content.decode()
    for target in ("/accounts/password/change/", "/accounts/2fa/", "/notifications/settings/"):
        assert target in body


def test_email_settings_turn_off_optional_emails_only(
    student: Member, django_capture_on_commit_callbacks
) -> None:
    client = client_for(student)
    assert "Task Force alerts" not in client.get("/notifications/settings/").content.decode()
    client.post("/notifications/settings/", {"meetings": "", "messages": "on", "reminders": "on"})
    saved = EmailSettings.objects.get(member=student)
    assert (saved.meetings, saved.messages, saved.reminders) == (False, True, True)
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            member=student,
            kind="m",
            title="A meeting",
            template="mentorship_meeting_confirmed",
            context={"meeting": None, "when": "soon"},
        )
        notify(
            member=student,
            kind="r",
            title="A request",
            template="request_declined",
            context={"request": None, "reason": ""},
        )
    assert Notification.objects.filter(member=student).count() == 2  # both in the app
    assert len(mail.outbox) == 1  # only the request answer by email


def test_the_ics_has_an_organizer_and_needs_no_reply(student: Member, resident: Member) -> None:
    pair = make_mentorship(student, resident)
    meeting = Meeting.objects.create(
        mentorship=pair,
        proposed_by=student,
        starts_at=timezone.now() + dt.timedelta(days=3),
        status="accepted",
    )
    ics = client_for(resident).get(f"/mentorships/meetings/{meeting.pk}/invite.ics").content
    event = Calendar.from_ical(ics).walk("VEVENT")[0]
    assert Calendar.from_ical(ics)["METHOD"] == "REQUEST"
    assert str(event["ORGANIZER"]) == "mailto:sam@example.org"
    assert all(a.params["RSVP"] == "FALSE" for a in event["ATTENDEE"])


def test_a_goal_shows_its_status_once(student: Member, resident: Member) -> None:
    pair = make_mentorship(student, resident)
    Goal.objects.create(mentorship=pair, title="Write a CV", status="in_progress")
    body = client_for(student).get(pair.get_absolute_url()).content.decode()
    assert body.count('<span class="tag">In progress</span>') == 0
    assert body.count("selected>In progress</option>") == 1


def test_the_objective_radio_group_has_a_legend(coordinator: Member) -> None:
    cycle = make_cycle()
    body = client_for(coordinator).get(f"/matching/cycles/{cycle.pk}/runs/").content.decode()
    assert "<legend>What should the run optimise?" in body
    assert "Identity preferences met" in body and "Goals and bio similarity" in body


def test_find_a_mentor_filters_by_the_mentors_stage(student: Member, resident: Member) -> None:
    from ..conftest import stage
    from ..factories import MemberFactory

    cycle = make_cycle()
    enrollment = enroll(student, cycle, "mentee")
    enroll(resident, cycle, "mentor")
    fellow = MemberFactory(full_name="Fay Fellow", stage=stage("fellow"))
    enroll(fellow, cycle, "mentor")
    client = client_for(student)
    page = client.get(f"/matching/enrollments/{enrollment.pk}/find/").content.decode()
    assert "Mentor&#x27;s stage" in page or "Mentor's stage" in page
    only = client.get(
        f"/matching/enrollments/{enrollment.pk}/find/?stage={stage('fellow').pk}"
    ).content.decode()
    assert "Fay Fellow" in only and "Rita Resident" not in only
