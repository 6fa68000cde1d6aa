"""Check-ins, nudges, digests and term ends on a controllable clock; each email is sent once."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mentorbridge.core import clock
from mentorbridge.members.models import Member
from mentorbridge.mentorships import jobs, services
from mentorbridge.mentorships.models import AtRisk, CheckIn, Meeting, Mentorship, Nudge
from mentorbridge.programs.models import Enrollment

from ..conftest import client_for, stage
from ..factories import MemberFactory, make_mentorship

START = dt.datetime(2026, 1, 5, 15, 0, tzinfo=dt.UTC)


@pytest.fixture
def mentorship(student: Member, resident: Member) -> Mentorship:
    m = make_mentorship(student, resident)
    Mentorship.objects.filter(pk=m.pk).update(started_at=START, last_activity_at=START)
    m.refresh_from_db()
    return m


def run(when: dt.datetime, capture) -> jobs.JobReport:  # type: ignore[no-untyped-def]
    with clock.frozen(when), capture(execute=True):
        return jobs.run_all()


def test_check_ins_at_30_days_then_every_60_sent_once(
    mentorship: Mentorship, django_capture_on_commit_callbacks
) -> None:
    assert run(START + dt.timedelta(days=29), django_capture_on_commit_callbacks).check_ins == 0
    assert (
        run(START + dt.timedelta(days=30, hours=1), django_capture_on_commit_callbacks).check_ins
        == 2
    )
    # The job runs again (or is re-run after an interruption): nothing is sent twice.
    assert (
        run(START + dt.timedelta(days=30, hours=2), django_capture_on_commit_callbacks).check_ins
        == 0
    )
    assert run(START + dt.timedelta(days=89), django_capture_on_commit_callbacks).check_ins == 0
    assert (
        run(START + dt.timedelta(days=90, hours=1), django_capture_on_commit_callbacks).check_ins
        == 2
    )
    assert CheckIn.objects.count() == 4
    assert len([m for m in mail.outbox if "How is your mentorship" in m.subject]) == 4


def test_a_low_rating_puts_the_pair_at_risk_at_once(
    mentorship: Mentorship, student: Member, django_capture_on_commit_callbacks
) -> None:
    run(START + dt.timedelta(days=31), django_capture_on_commit_callbacks)
    check_in = CheckIn.objects.get(member=student)
    response = client_for(student).post(
        f"/mentorships/check-ins/{check_in.pk}/",
        {"rating": 2, "met": "no", "comments": "We never met"},
    )
    assert response.status_code == 302
    assert AtRisk.objects.filter(mentorship=mentorship, reason="low_rating").exists()
    # Answered once; bad input changes nothing.
    other = CheckIn.objects.exclude(member=student).get()
    response = client_for(mentorship.mentor).post(
        f"/mentorships/check-ins/{other.pk}/", {"rating": 9, "met": "maybe"}
    )
    assert response.status_code == 400
    other.refresh_from_db()
    assert other.answered_at is None
    assert client_for(student).get(f"/mentorships/check-ins/{other.pk}/").status_code == 404


def test_the_programs_own_questions_are_asked_and_kept(
    mentorship: Mentorship, student: Member, django_capture_on_commit_callbacks
) -> None:
    from mentorbridge.programs.models import Program

    Program.objects.filter(pk=mentorship.program_id).update(
        check_in_questions="What did you talk about?\n\n  Which topic should we add?  \n",
        final_questions="Would you mentor or be mentored again?",
    )
    run(START + dt.timedelta(days=31), django_capture_on_commit_callbacks)
    check_in = CheckIn.objects.get(member=student)
    url = f"/mentorships/check-ins/{check_in.pk}/"
    page = client_for(student).get(url).content.decode()
    assert "What did you talk about?" in page and "Which topic should we add?" in page
    assert "Would you mentor" not in page  # the end-of-term question waits for the end
    too_long = {"rating": 4, "met": "yes", "question_0": "x" * 2001}
    assert client_for(student).post(url, too_long).status_code == 400
    check_in.refresh_from_db()
    assert check_in.answered_at is None
    answers = {"rating": 4, "met": "yes", "question_0": "Away rotations", "question_1": ""}
    assert client_for(student).post(url, answers).status_code == 302
    check_in.refresh_from_db()
    assert check_in.answers == {
        "What did you talk about?": "Away rotations",
        "Which topic should we add?": "",
    }


def test_no_first_meeting_in_21_days_nudges_both_once(
    mentorship: Mentorship, django_capture_on_commit_callbacks
) -> None:
    assert run(START + dt.timedelta(days=20), django_capture_on_commit_callbacks).nudges == 0
    assert (
        run(START + dt.timedelta(days=21, minutes=1), django_capture_on_commit_callbacks).nudges
        == 2
    )
    assert run(START + dt.timedelta(days=22), django_capture_on_commit_callbacks).nudges == 0
    assert Nudge.objects.filter(kind="no_first_meeting").count() == 1


def test_45_quiet_days_nudge_and_flag_at_risk(
    mentorship: Mentorship, django_capture_on_commit_callbacks
) -> None:
    Meeting.objects.create(
        mentorship=mentorship,
        proposed_by=mentorship.mentee,
        starts_at=START,
        status="held",
        minutes_held=30,
    )
    report = run(START + dt.timedelta(days=46), django_capture_on_commit_callbacks)
    assert report.nudges == 2 and report.at_risk == 1
    assert run(START + dt.timedelta(days=47), django_capture_on_commit_callbacks).nudges == 0
    # Activity resets the clock; a new silent stretch gets its own reminder.
    with clock.frozen(START + dt.timedelta(days=48)):
        services.message_post(
            mentorship=mentorship, by=mentorship.mentee, body="Back from rotations!"
        )
    assert run(START + dt.timedelta(days=60), django_capture_on_commit_callbacks).nudges == 0
    assert run(START + dt.timedelta(days=94), django_capture_on_commit_callbacks).nudges == 2


def test_message_digest_at_most_once_an_hour(
    mentorship: Mentorship, student: Member, django_capture_on_commit_callbacks
) -> None:
    with clock.frozen(START):
        services.message_post(mentorship=mentorship, by=student, body="one")
        services.message_post(mentorship=mentorship, by=student, body="two")
    assert run(START + dt.timedelta(minutes=5), django_capture_on_commit_callbacks).digests == 1
    with clock.frozen(START + dt.timedelta(minutes=10)):
        services.message_post(mentorship=mentorship, by=student, body="three")
    assert run(START + dt.timedelta(minutes=20), django_capture_on_commit_callbacks).digests == 0
    assert run(START + dt.timedelta(minutes=70), django_capture_on_commit_callbacks).digests == 1
    subjects = [m.subject for m in mail.outbox if "new message" in m.subject]
    assert subjects == [
        "[MentorBridge] 2 new messages from Sam Student",
        "[MentorBridge] 1 new message from Sam Student",
    ]


def test_term_end_closes_completes_and_frees_the_seat(
    mentorship: Mentorship, django_capture_on_commit_callbacks
) -> None:
    after = dt.datetime.combine(
        mentorship.cycle.term_end + dt.timedelta(days=1), dt.time(9), tzinfo=dt.UTC
    )
    # Completed because a meeting was held (tests/mentorships/test_completion.py has the rule).
    mentorship.meetings.create(
        proposed_by=mentorship.mentee,
        starts_at=mentorship.started_at,
        status="held",
        minutes_held=30,
    )
    assert run(after, django_capture_on_commit_callbacks).closed == 1
    assert run(after, django_capture_on_commit_callbacks).closed == 0
    mentorship.refresh_from_db()
    assert (mentorship.status, mentorship.completed) == ("closed", True)
    assert Enrollment.objects.get(pk=mentorship.mentor_enrollment_id).mentee_count == 0
    assert CheckIn.objects.filter(kind="final").count() == 2


@pytest.mark.parametrize(
    ("zone", "local", "utc_hour"),
    [
        ("America/New_York", "2026-03-07T10:00", 15),  # the day before US clocks spring forward
        ("America/New_York", "2026-03-09T10:00", 14),  # the day after
        ("Europe/London", "2026-03-27T10:00", 10),  # UK changes three weeks later
        ("Europe/London", "2026-03-30T10:00", 9),
        ("Asia/Kolkata", "2026-03-09T10:00", 4),  # no daylight saving, half-hour offset
    ],
)
def test_meeting_times_follow_each_zones_daylight_saving(
    mentorship: Mentorship, student: Member, zone: str, local: str, utc_hour: int
) -> None:
    Member.objects.filter(pk=student.pk).update(time_zone=zone)
    with clock.frozen(dt.datetime(2026, 3, 1, tzinfo=dt.UTC)):
        client_for(student).post(
            f"/mentorships/{mentorship.pk}/meetings/",
            {"starts_at": local, "duration_minutes": 30, "format": "phone"},
        )
    meeting = Meeting.objects.get()
    assert meeting.starts_at.astimezone(dt.UTC).hour == utc_hour
    assert meeting.starts_at.astimezone(zoneinfo.ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M") == local


def test_a_time_skipped_by_the_clock_change_is_refused(
    mentorship: Mentorship, student: Member
) -> None:
    Member.objects.filter(pk=student.pk).update(time_zone="America/New_York")
    with clock.frozen(dt.datetime(2026, 3, 1, tzinfo=dt.UTC)):
        response = client_for(student).post(
            f"/mentorships/{mentorship.pk}/meetings/",
            {"starts_at": "2026-03-08T02:30", "duration_minutes": 30, "format": "phone"},
            follow=True,
        )
    assert "does not exist on that day" in response.content.decode()
    assert not Meeting.objects.exists()


def _pairs(n: int) -> list[Mentorship]:
    """n more active pairs that started at START (each in its own cycle, as make_mentorship does)."""
    made = []
    for _ in range(n):
        m = make_mentorship(
            MemberFactory(stage=stage("ms2")), MemberFactory(stage=stage("pgy-4-resident"))
        )
        Mentorship.objects.filter(pk=m.pk).update(started_at=START, last_activity_at=START)
        made.append(m)
    return made


def _queries(job: Callable[[dt.datetime], int], when: dt.datetime) -> tuple[int, int]:
    """(what the job did, queries it made) at `when`."""
    with clock.frozen(when), CaptureQueriesContext(connection) as captured:
        done = job(when)
    return done, len(captured)


def test_check_ins_already_sent_cost_the_same_queries_for_any_number_of_pairs(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    """Defect 8: every run (every 15 minutes) retried an insert for every pair."""
    when = START + dt.timedelta(days=31)
    _pairs(2)
    with django_capture_on_commit_callbacks(execute=True):
        assert _queries(jobs.send_check_ins, when)[0] == 4
    few = _queries(jobs.send_check_ins, when + dt.timedelta(minutes=15))
    _pairs(6)
    with django_capture_on_commit_callbacks(execute=True):
        assert _queries(jobs.send_check_ins, when)[0] == 12  # only the new pairs' check-ins
    many = _queries(jobs.send_check_ins, when + dt.timedelta(minutes=15))
    assert few == many == (0, 2)
    assert CheckIn.objects.count() == 16  # none twice


def test_digests_not_due_cost_the_same_queries_for_any_number_of_pairs(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    """Defect 8: the digest made several queries per pair with unread messages."""

    def unread(pairs: list[Mentorship], at: dt.datetime) -> None:
        with clock.frozen(at):
            for m in pairs:
                services.message_post(mentorship=m, by=m.mentee, body="hello")

    first = _pairs(2)
    unread(first, START)
    with django_capture_on_commit_callbacks(execute=True):
        assert _queries(jobs.send_message_digests, START + dt.timedelta(minutes=5))[0] == 2
    unread(first, START + dt.timedelta(minutes=10))  # within the hour: not emailed yet
    few = _queries(jobs.send_message_digests, START + dt.timedelta(minutes=20))
    more = _pairs(6)
    unread(more, START)
    with django_capture_on_commit_callbacks(execute=True):
        assert _queries(jobs.send_message_digests, START + dt.timedelta(minutes=5))[0] == 6
    unread(more, START + dt.timedelta(minutes=10))
    many = _queries(jobs.send_message_digests, START + dt.timedelta(minutes=20))
    assert few == many == (0, 3)
    # Past the hour, each reader gets one email for what came meanwhile.
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.send_message_digests(START + dt.timedelta(minutes=70)) == 8
    assert jobs.send_message_digests(START + dt.timedelta(minutes=75)) == 0
