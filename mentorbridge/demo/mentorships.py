"""Demo mentorships: the demo fellow and surgeon already mentor someone, so whoever logs in as them
sees a workspace in use: a confirmed agreement, messages, goals and the next meeting (idempotent).

The named student and resident are left unmatched on purpose: the demo lets them find a mentor.
Rows are written directly rather than through the workspace services, which would notify and email
people who do not exist; the mentorship itself goes through `mentorship_start`, which takes the seat.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.db import transaction

from mentorbridge.core import clock
from mentorbridge.mentorships.models import Agreement, Meeting, Mentorship, Message, Milestone
from mentorbridge.mentorships.services import goals_from_calendar, mentorship_start
from mentorbridge.programs.models import CalendarDate, Cycle, Enrollment

from .people import DEMO_DOMAIN

# (mentor's login, program, the mentee's training stage kind, what the pair talk about)
PAIRS = [
    (
        f"fellow@{DEMO_DOMAIN}",
        "student-resident",
        "student",
        "Decide between integrated I-6 and traditional pathways, and plan two away rotations.",
    ),
    (
        f"surgeon@{DEMO_DOMAIN}",
        "resident-surgeon",
        "resident",
        "Choose a fellowship and prepare for the first job search: practice types and contracts.",
    ),
]


# The residency application calendar of a cycle that starts in July of year Y: (key, years after
# Y, month, day). Coordinators set the real dates in the admin.
CALENDAR = [
    (CalendarDate.Key.EXPLORE, 0, 12, 15),
    (CalendarDate.Key.RESEARCH, 1, 2, 1),
    (CalendarDate.Key.AWAY_ROTATIONS, 1, 6, 1),
    (CalendarDate.Key.LETTERS, 1, 8, 1),
    (CalendarDate.Key.APPLICATION, 1, 9, 15),
    (CalendarDate.Key.INTERVIEWS, 1, 11, 1),
    (CalendarDate.Key.RANK_LIST, 2, 2, 15),
    (CalendarDate.Key.MATCH_DAY, 2, 3, 20),
]


def seed_calendar() -> int:
    """Application calendar dates for the open demo cycles of the student program."""
    created = 0
    for cycle in Cycle.objects.filter(program__slug="student-resident", status=Cycle.Status.OPEN):
        year = cycle.enrollment_opens.year - (cycle.enrollment_opens.month < 7)
        for key, years, month, day in CALENDAR:
            _, new = CalendarDate.objects.get_or_create(
                cycle=cycle, key=key, defaults={"date": dt.date(year + years, month, day)}
            )
            created += new
    return created


def _evening(member_zone: str, days: int) -> dt.datetime:
    """6 pm in the member's time zone, `days` from today."""
    try:
        zone = zoneinfo.ZoneInfo(member_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    day = clock.now().astimezone(zone).date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(18), tzinfo=zone)


@transaction.atomic
def seed_mentorships() -> int:
    """Create the demo pairs that do not exist yet; returns how many were created."""
    seed_calendar()
    created = 0
    now = clock.now()
    for email, program, kind, goals in PAIRS:
        mentor_enrollment = (
            Enrollment.objects.active()
            .mentors()
            .filter(
                member__user__email=email,
                cycle__program__slug=program,
                cycle__status=Cycle.Status.OPEN,
            )
            .select_related("member", "cycle")
            .first()
        )
        if mentor_enrollment is None or mentor_enrollment.remaining_capacity == 0:
            continue
        if Mentorship.objects.filter(mentor_enrollment=mentor_enrollment).exists():
            continue
        taken = Mentorship.objects.active().filter(program__slug=program).values("mentee_id")
        mentee_enrollment = (
            Enrollment.objects.active()
            .mentees()
            .filter(
                cycle=mentor_enrollment.cycle,
                member__stage__kind=kind,
                member__user__email__startswith="demo",  # a generated member, not a named login
            )
            .exclude(member_id__in=taken)
            .select_related("member")
            .order_by("pk")
            .first()
        )
        if mentee_enrollment is None:
            continue
        mentorship = mentorship_start(
            mentee_enrollment=mentee_enrollment,
            mentor_enrollment=mentor_enrollment,
            source=Mentorship.Source.REQUEST,
        )
        started = now - dt.timedelta(days=16)
        Mentorship.objects.filter(pk=mentorship.pk).update(
            started_at=started, last_activity_at=now - dt.timedelta(days=2)
        )
        mentee, mentor = mentee_enrollment.member, mentor_enrollment.member
        Agreement.objects.create(
            mentorship=mentorship,
            goals=goals,
            meeting_frequency="Every two weeks, 30 minutes",
            communication="Messages here; video calls for meetings",
            mentee_confirmed_at=started + dt.timedelta(days=2),
            mentor_confirmed_at=started + dt.timedelta(days=3),
        )
        Message.objects.bulk_create(
            [
                Message(
                    mentorship=mentorship,
                    author=mentee,
                    body=f"Thank you for taking me on! {goals} Would a call next week work?",
                    created_at=started + dt.timedelta(hours=5),
                    read_at=started + dt.timedelta(hours=9),
                ),
                Message(
                    mentorship=mentorship,
                    author=mentor,
                    body="Happy to help. I sent a meeting time; bring the list of programs "
                    "you are considering and we will go through it together.",
                    created_at=now - dt.timedelta(days=2),
                ),
            ]
        )
        goals_from_calendar(mentorship=mentorship)
        goal = mentorship.goals.create(
            title="Shortlist programs",
            description=goals,
            due_date=clock.today() + dt.timedelta(days=45),
        )
        Milestone.objects.bulk_create(
            [
                Milestone(goal=goal, title="List ten programs", done=True),
                Milestone(goal=goal, title="Talk to two current trainees"),
                Milestone(goal=goal, title="Narrow to five"),
            ]
        )
        Meeting.objects.create(
            mentorship=mentorship,
            proposed_by=mentor,
            starts_at=_evening(mentee.time_zone, days=5),
            duration_minutes=30,
            format=Meeting.Format.VIDEO,
            location="https://meet.example.org/demo",
        )
        created += 1
    return created
