"""When a mentorship counts as completed (for the mentor's certificate), with no admin action."""

from __future__ import annotations

import datetime as dt

import pytest

from mentorbridge.core.models import Notification
from mentorbridge.members.models import Member
from mentorbridge.mentorships import jobs, services
from mentorbridge.mentorships.models import Meeting, Mentorship

from ..conftest import client_for
from ..factories import make_mentorship

pytestmark = pytest.mark.django_db


@pytest.fixture
def mentorship(student: Member, resident: Member) -> Mentorship:
    return make_mentorship(student, resident)


def _held(mentorship: Mentorship) -> None:
    Meeting.objects.create(
        mentorship=mentorship,
        proposed_by=mentorship.mentee,
        starts_at=mentorship.started_at,
        status=Meeting.Status.HELD,
        minutes_held=45,
    )


def _after_term(mentorship: Mentorship) -> dt.datetime:
    return dt.datetime.combine(
        mentorship.cycle.term_end + dt.timedelta(days=1), dt.time(9), tzinfo=dt.UTC
    )


def test_both_members_confirming_completes_and_closes_it(
    mentorship: Mentorship, student: Member, resident: Member
) -> None:
    client_for(student).post(f"/mentorships/{mentorship.pk}/completion/")
    mentorship.refresh_from_db()
    assert mentorship.is_active and mentorship.mentee_completed_at
    assert Notification.objects.filter(member=resident, kind="completion_asked").exists()
    page = client_for(resident).get(f"/mentorships/{mentorship.pk}/").content.decode()
    assert "says you completed your mentorship" in page
    client_for(resident).post(f"/mentorships/{mentorship.pk}/completion/")
    mentorship.refresh_from_db()
    assert (mentorship.status, mentorship.completed) == ("closed", True)
    record = client_for(resident).get("/mentorships/record/").content.decode()
    assert "Download my certificate (PDF)" in record


def test_one_confirmation_can_be_withdrawn(mentorship: Mentorship, student: Member) -> None:
    client = client_for(student)
    client.post(f"/mentorships/{mentorship.pk}/completion/")
    client.post(f"/mentorships/{mentorship.pk}/completion/", {"withdraw": "1"})
    mentorship.refresh_from_db()
    assert mentorship.mentee_completed_at is None and mentorship.is_active


def test_term_end_with_a_meeting_held_completes(
    mentorship: Mentorship, django_capture_on_commit_callbacks
) -> None:
    _held(mentorship)
    with django_capture_on_commit_callbacks(execute=True):
        jobs.run_all(now=_after_term(mentorship))
    mentorship.refresh_from_db()
    assert (mentorship.status, mentorship.completed) == ("closed", True)


def test_term_end_without_any_meeting_does_not_complete(
    mentorship: Mentorship, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        jobs.run_all(now=_after_term(mentorship))
    mentorship.refresh_from_db()
    assert (mentorship.status, mentorship.completed) == ("closed", False)


def test_closing_early_alone_does_not_complete_and_the_page_says_so(
    mentorship: Mentorship, resident: Member
) -> None:
    _held(mentorship)
    client = client_for(resident)
    page = client.get(f"/mentorships/{mentorship.pk}/close/").content.decode()
    assert "does <strong>not</strong> count as completed" in page
    assert "Match me with another mentor" not in page  # a mentor is not offered a new mentor
    mentorship.refresh_from_db()
    assert mentorship.is_active  # the page changes nothing
    client.post(f"/mentorships/{mentorship.pk}/close/", {"reason": "moving abroad"})
    mentorship.refresh_from_db()
    assert (mentorship.status, mentorship.completed) == ("closed", False)


def test_a_member_closing_after_term_end_with_meetings_completes(
    mentorship: Mentorship, student: Member, settings: object
) -> None:
    from mentorbridge.core import clock

    _held(mentorship)
    with clock.frozen(_after_term(mentorship)):
        assert services.mentorship_completes(mentorship)
        page = client_for(student).get(f"/mentorships/{mentorship.pk}/close/").content.decode()
        assert "counts as completed" in page
        assert "Match me with another mentor" in page
        client_for(student).post(f"/mentorships/{mentorship.pk}/close/", {"reason": ""})
    mentorship.refresh_from_db()
    assert mentorship.completed


def test_outsiders_cannot_confirm_or_reach_the_close_page(
    mentorship: Mentorship, outsider: Member, coordinator: Member
) -> None:
    for someone in (outsider, coordinator):
        client = client_for(someone)
        assert client.get(f"/mentorships/{mentorship.pk}/close/").status_code == 404
        assert client.post(f"/mentorships/{mentorship.pk}/completion/").status_code == 404
    mentorship.refresh_from_db()
    assert mentorship.mentee_completed_at is None and mentorship.mentor_completed_at is None


def test_the_record_page_says_how_a_certificate_becomes_available(resident: Member) -> None:
    page = client_for(resident).get("/mentorships/record/").content.decode()
    assert "How a mentorship counts as completed" in page
    assert "We completed our mentorship" in page
