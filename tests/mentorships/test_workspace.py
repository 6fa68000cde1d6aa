"""The pair's workspace: who may see and do what, and bad input that changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mentorbridge.members.models import Block, Member
from mentorbridge.mentorships.models import (
    Agreement,
    AtRisk,
    AuditEntry,
    Goal,
    Meeting,
    Mentorship,
    Message,
)
from mentorbridge.programs.models import Enrollment

from ..conftest import client_for
from ..factories import make_mentorship


@pytest.fixture
def mentorship(student: Member, resident: Member) -> Mentorship:
    return make_mentorship(student, resident)


def url(mentorship: Mentorship, tail: str = "") -> str:
    return f"/mentorships/{mentorship.pk}/{tail}"


def test_the_pair_sees_the_workspace_and_each_others_contact(
    mentorship: Mentorship, student: Member, resident: Member
) -> None:
    resident.phone = "+1 555 0100"
    resident.save()
    body = client_for(student).get(url(mentorship)).content.decode()
    assert "rita@example.org" in body and "+1 555 0100" in body
    assert "sam@example.org" in client_for(resident).get(url(mentorship)).content.decode()


def test_an_outsider_gets_404_everywhere(
    mentorship: Mentorship, outsider: Member, surgeon: Member
) -> None:
    for someone in (outsider, surgeon):
        client = client_for(someone)
        assert client.get(url(mentorship)).status_code == 404
        for tail in ("agreement/", "meetings/", "messages/", "goals/", "close/", "report/"):
            assert (
                client.post(url(mentorship, tail), {"body": "hi", "title": "x"}).status_code == 404
            )
    assert not Message.objects.exists() and not Goal.objects.exists()
    mentorship.refresh_from_db()
    assert mentorship.is_active


def test_coordinators_read_only_and_audited(mentorship: Mentorship, coordinator: Member) -> None:
    client = client_for(coordinator)
    response = client.get(url(mentorship))
    assert response.status_code == 200
    assert "read-only as a coordinator" in response.content.decode()
    assert AuditEntry.objects.filter(mentorship=mentorship, viewer=coordinator.user).count() == 1
    assert client.post(url(mentorship, "messages/"), {"body": "hello"}).status_code == 404
    assert not Message.objects.exists()


def test_a_closed_mentorship_is_read_only_and_hides_contacts(
    mentorship: Mentorship, student: Member
) -> None:
    client = client_for(student)
    client.post(url(mentorship, "close/"), {"reason": "schedules"})
    body = client.get(url(mentorship)).content.decode()
    assert "rita@example.org" not in body
    assert client.post(url(mentorship, "messages/"), {"body": "still there?"}).status_code == 404
    assert not Message.objects.exists()


def test_closing_frees_the_mentors_seat_and_tells_the_other(
    mentorship: Mentorship, student: Member, resident: Member
) -> None:
    seat = Enrollment.objects.get(pk=mentorship.mentor_enrollment_id)
    assert seat.mentee_count == 1
    client_for(student).post(
        url(mentorship, "close/"), {"reason": "private reason", "rematch": "on"}
    )
    mentorship.refresh_from_db()
    seat.refresh_from_db()
    assert (mentorship.status, mentorship.closure_reason, mentorship.rematch_requested) == (
        "closed",
        "private reason",
        True,
    )
    assert seat.mentee_count == 0
    assert resident.notifications.filter(kind="mentorship_closed").exists()
    # The private reason never reaches the other party.
    assert "private reason" not in client_for(resident).get(url(mentorship)).content.decode()


def test_the_agreement_needs_both_confirmations(
    mentorship: Mentorship, student: Member, resident: Member
) -> None:
    data = {
        "goals": "Plan away rotations",
        "meeting_frequency": "Monthly video",
        "communication": "Messages here",
        "confidentiality": "Between us",
    }
    client_for(student).post(url(mentorship, "agreement/"), data)
    agreement = Agreement.objects.get()
    assert agreement.mentee_confirmed_at and not agreement.mentor_confirmed_at
    client_for(resident).post(url(mentorship, "agreement/"), {"confirm": "1"})
    agreement.refresh_from_db()
    assert agreement.confirmed
    # An edit clears the other party's confirmation.
    client_for(resident).post(url(mentorship, "agreement/"), {**data, "goals": "Also research"})
    agreement.refresh_from_db()
    assert agreement.mentor_confirmed_at and not agreement.mentee_confirmed_at


def test_a_meeting_is_proposed_accepted_with_an_invite_and_logged(
    mentorship: Mentorship, student: Member, resident: Member, django_capture_on_commit_callbacks
) -> None:
    student.time_zone = "America/Los_Angeles"
    student.save()
    resident.time_zone = "America/New_York"
    resident.save()
    start = (timezone.now() + dt.timedelta(days=3)).astimezone(dt.timezone(dt.timedelta(hours=-8)))
    local = start.strftime("%Y-%m-%dT10:00")
    client_for(student).post(
        url(mentorship, "meetings/"),
        {
            "starts_at": local,
            "duration_minutes": 45,
            "format": "video",
            "location": "https://meet.example.org/x",
        },
    )
    meeting = Meeting.objects.get()
    assert meeting.starts_at.astimezone(dt.UTC).hour in (
        17,
        18,
    )  # 10:00 Pacific, DST or not
    # The resident sees it in New York time.
    assert "13:00" in client_for(resident).get(url(mentorship)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(resident).post(
            f"/mentorships/meetings/{meeting.pk}/answer/", {"answer": "accept"}
        )
    meeting.refresh_from_db()
    assert meeting.status == "accepted"
    invites = [m for m in mail.outbox if m.attachments]
    assert len(invites) == 2
    assert "BEGIN:VCALENDAR" in invites[0].attachments[0][1]
    ics = client_for(student).get(f"/mentorships/meetings/{meeting.pk}/invite.ics")
    assert ics["Content-Type"].startswith("text/calendar")
    assert f"UID:{meeting.uid}@mentorbridge" in ics.content.decode()
    # Logging before it happened is refused; afterwards it works.
    client_for(student).post(
        f"/mentorships/meetings/{meeting.pk}/log/", {"held": "yes", "minutes": 40}
    )
    meeting.refresh_from_db()
    assert meeting.status == "accepted"
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(hours=1))
    client_for(student).post(
        f"/mentorships/meetings/{meeting.pk}/log/", {"held": "yes", "minutes": 40}
    )
    meeting.refresh_from_db()
    assert (meeting.status, meeting.minutes_held) == ("held", 40)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"starts_at": "2001-01-01T10:00", "duration_minutes": 45, "format": "video"},
            "Pick a time in the future",
        ),
        (
            {"starts_at": "not a date", "duration_minutes": 45, "format": "video"},
            "Enter a valid date/time",
        ),
        (
            {"starts_at": "2099-01-01T10:00", "duration_minutes": 45, "format": "video"},
            "within the next year",
        ),
        (
            {"starts_at": "2030-01-01T10:00", "duration_minutes": 2, "format": "video"},
            "greater than or equal to 10",
        ),
        (
            {"starts_at": "2030-01-01T10:00", "duration_minutes": 45, "format": "carrier pigeon"},
            "Select a valid choice",
        ),
    ],
)
def test_bad_meetings_change_nothing(
    mentorship: Mentorship, student: Member, data: dict, message: str
) -> None:
    response = client_for(student).post(url(mentorship, "meetings/"), data, follow=True)
    assert message in response.content.decode()
    assert not Meeting.objects.exists()
    # The page opens at the top, where the reason is, not at the meetings section below it.
    assert response.redirect_chain[-1][0].endswith("#main")


def test_a_meeting_proposed_opens_the_page_at_the_meetings(
    mentorship: Mentorship, student: Member
) -> None:
    soon = (timezone.now() + dt.timedelta(days=14)).strftime("%Y-%m-%dT10:00")
    response = client_for(student).post(
        url(mentorship, "meetings/"),
        {"starts_at": soon, "duration_minutes": 45, "format": "video"},
    )
    assert response["Location"].endswith("#meetings")
    assert Meeting.objects.exists()


def test_an_invalid_profile_time_zone_is_refused_clearly(
    mentorship: Mentorship, student: Member
) -> None:
    Member.objects.filter(pk=student.pk).update(time_zone="Mars/Olympus_Mons")
    response = client_for(student).post(
        url(mentorship, "meetings/"),
        {"starts_at": "2030-01-01T10:00", "duration_minutes": 45, "format": "video"},
        follow=True,
    )
    assert response.status_code == 200
    assert "time zone is not valid" in response.content.decode()
    assert not Meeting.objects.exists()


def test_messages_are_rendered_inert(
    mentorship: Mentorship, student: Member, resident: Member
) -> None:
    client_for(student).post(
        url(mentorship, "messages/"),
        {"body": "<script>alert('x')</script> see https://example.org <b>bold</b>"},
    )
    body = client_for(resident).get(url(mentorship)).content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;" in body
    assert '<a href="https://example.org" rel="nofollow noopener">' in body
    assert Message.objects.get().read_at is not None  # the reader opened the thread


def test_oversized_and_empty_messages_are_refused(mentorship: Mentorship, student: Member) -> None:
    client = client_for(student)
    response = client.post(url(mentorship, "messages/"), {"body": "x" * 6000}, follow=True)
    assert "at most 5000 characters" in response.content.decode()
    response = client.post(url(mentorship, "messages/"), {"body": "   "}, follow=True)
    assert "required" in response.content.decode()
    assert not Message.objects.exists()


def test_a_50_mb_message_gets_a_clear_400(mentorship: Mentorship, student: Member) -> None:
    response = client_for(student).post(url(mentorship, "messages/"), {"body": "x" * (50 * 2**20)})
    assert response.status_code == 413  # refused from its length, before it is read
    assert "too large" in response.content.decode()
    assert not Message.objects.exists()


def test_goals_with_milestones_and_the_application_calendar(
    mentorship: Mentorship, student: Member
) -> None:
    from mentorbridge.programs.models import CalendarDate

    CalendarDate.objects.create(cycle=mentorship.cycle, key="match_day", date=dt.date(2027, 3, 19))
    client = client_for(student)
    client.post(
        url(mentorship, "goals/"),
        {"title": "Publish a case report", "milestones": "Find a case\nDraft\nSubmit"},
    )
    goal = Goal.objects.get(title="Publish a case report")
    assert goal.milestones.count() == 3
    client.post(url(mentorship, f"goals/{goal.pk}/"), {"status": "in_progress"})
    goal.refresh_from_db()
    assert goal.status == "in_progress"
    button = "Add the residency application calendar"
    assert button in client.get(mentorship.get_absolute_url()).content.decode()
    client.post(url(mentorship, "goals/"), {"template": "1"})
    # Sam is an MS2: the cycle's dates are the MS3s', so Sam's own Match Day is a year later.
    assert Goal.objects.filter(calendar_key="match_day", due_date=dt.date(2028, 3, 19)).exists()
    assert Goal.objects.filter(mentorship=mentorship).count() == 9
    # Once its goals are all there, the button goes.
    assert button not in client.get(mentorship.get_absolute_url()).content.decode()
    response = client.post(
        url(mentorship, f"goals/{goal.pk}/"), {"status": "exploded"}, follow=True
    )
    assert "Unknown goal status" in response.content.decode()


def test_a_report_reaches_coordinators_and_blocks(
    mentorship: Mentorship, student: Member, coordinator: Member
) -> None:
    client_for(student).post(
        url(mentorship, "report/"), {"text": "Inappropriate comments", "block": "on"}
    )
    assert coordinator.notifications.filter(kind="coordinator_alert").exists()
    assert Block.objects.filter(blocker=student, blocked=mentorship.mentor).exists()
    assert AtRisk.objects.filter(mentorship=mentorship, reason="report").exists()
    body = client_for(coordinator).get("/mentorships/at-risk/").content.decode()
    assert "A member reported a problem" in body


def test_members_cannot_see_the_at_risk_list(student: Member) -> None:
    assert client_for(student).get("/mentorships/at-risk/").status_code == 404


def test_the_workspace_makes_the_same_few_queries_however_long_the_pairs_history(
    mentorship: Mentorship, student: Member, resident: Member, django_assert_max_num_queries: object
) -> None:
    client = client_for(student)

    def history(n: int) -> None:
        now = timezone.now()
        for k in range(n):
            for status, days in (("held", -30), ("proposed", -2), ("accepted", 5)):
                Meeting.objects.create(
                    mentorship=mentorship,
                    proposed_by=resident,
                    starts_at=now + dt.timedelta(days=days - k),
                    status=status,
                    minutes_held=45 if status == "held" else None,
                )
            Message.objects.create(mentorship=mentorship, author=resident, body=f"Hello {k}")
            goal = Goal.objects.create(mentorship=mentorship, title=f"Goal {k}")
            goal.milestones.create(title="First step")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(mentorship)).status_code == 200
        return len(captured)

    history(1)
    few = queries()
    history(6)  # meetings to log, each with its form, messages, goals with milestones
    assert queries() == few
    with django_assert_max_num_queries(19):  # type: ignore[operator]
        assert client.get(url(mentorship)).status_code == 200
