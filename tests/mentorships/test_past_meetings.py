"""A pair logs a meeting that already took place, without having proposed it here first."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from mentorbridge.core.models import Notification
from mentorbridge.members.models import Member
from mentorbridge.mentorships.models import Meeting, Mentorship

from ..conftest import client_for
from ..factories import make_mentorship

pytestmark = pytest.mark.django_db


@pytest.fixture
def mentorship(student: Member, resident: Member) -> Mentorship:
    pair = make_mentorship(student, resident)
    Mentorship.objects.filter(pk=pair.pk).update(started_at=timezone.now() - dt.timedelta(days=30))
    pair.refresh_from_db()
    return pair


def _post(member: Member, mentorship: Mentorship, when: dt.datetime, **extra: str):  # type: ignore[no-untyped-def]
    data = {"starts_at": when.strftime("%Y-%m-%dT%H:%M"), "minutes": "40", "format": "phone"}
    data.update(extra)
    return client_for(member).post(f"/mentorships/{mentorship.pk}/meetings/past/", data)


def test_a_mentee_logs_yesterdays_call_and_it_counts_as_held(
    mentorship: Mentorship, student: Member, resident: Member
) -> None:
    student.time_zone = "UTC"
    student.save()
    yesterday = timezone.now() - dt.timedelta(days=1)
    response = _post(student, mentorship, yesterday, notes="Talked about away rotations")
    assert response.status_code == 302
    meeting = Meeting.objects.get(mentorship=mentorship)
    assert meeting.status == Meeting.Status.HELD
    assert meeting.minutes_held == 40
    assert meeting.notes == "Talked about away rotations"
    assert Notification.objects.filter(member=resident, kind="meeting_logged").exists()
    page = client_for(resident).get(f"/mentorships/{mentorship.pk}/").content.decode()
    assert "Held: 40 minutes" in page


def test_a_future_time_or_one_before_the_pair_began_is_refused(
    mentorship: Mentorship, student: Member
) -> None:
    _post(student, mentorship, timezone.now() + dt.timedelta(days=2))
    _post(student, mentorship, timezone.now() - dt.timedelta(days=90))
    _post(student, mentorship, timezone.now() - dt.timedelta(days=1), minutes="0")
    assert not Meeting.objects.exists()


def test_an_outsider_cannot_log_a_meeting_for_the_pair(
    mentorship: Mentorship, outsider: Member
) -> None:
    response = _post(outsider, mentorship, timezone.now() - dt.timedelta(days=1))
    assert response.status_code == 404
    assert not Meeting.objects.exists()


def test_proposing_a_past_time_points_to_logging_instead(
    mentorship: Mentorship, student: Member
) -> None:
    client = client_for(student)
    response = client.post(
        f"/mentorships/{mentorship.pk}/meetings/",
        {
            "starts_at": (timezone.now() - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "45",
            "format": "video",
        },
        follow=True,
    )
    assert "log a meeting that already took place" in response.content.decode()
