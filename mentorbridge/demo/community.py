"""Demo community (idempotent): an Annual Meeting flash event open for sign-up, a virtual one last
month that the demo student attended (so wishes to continue can be tried), questions on the
track-1 board with answers, and two mentoring circles led by the demo resident.

Rows are written directly, as the other demos do, so nobody who does not exist is notified; the
past event's tables come from the same engine the coordinators' button uses.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from mentorbridge.community.models import (
    Answer,
    Circle,
    CircleMeeting,
    CircleMember,
    CircleMessage,
    CircleNorms,
    CircleNormsConfirmation,
    FlashEvent,
    FlashSeat,
    FlashSignup,
    FlashVolunteer,
    Question,
)
from mentorbridge.core import clock
from mentorbridge.matching.engine.flash import flash_schedule
from mentorbridge.members.models import Member, Topic
from mentorbridge.programs.models import Cycle, Program

from .people import DEMO_DOMAIN

QUESTIONS = [
    (
        "Is the integrated I-6 pathway right for me?",
        "I am an MS2 at a school without a CT program. How sure do I need to be, and when?",
        True,
        "If you already know you want cardiothoracic surgery, I-6 saves years; if you are unsure, "
        "general surgery first keeps doors open. Spend time with residents of both pathways.",
    ),
    (
        "How do I find a research year?",
        "My school has no CT department. Where do students usually look, and how is it funded?",
        False,
        "Ask mentors at programs you like whether their labs take students; many society members "
        "list funded positions. Start asking about a year ahead.",
    ),
    (
        "How many away rotations should I do?",
        "And should they be at places I would rank highly?",
        False,
        "",
    ),
    (
        "What do interviewers ask about research?",
        "I have one poster. Is that enough?",
        True,
        "",
    ),
]


def _members(kind: str, program: Program, role: str, count: int) -> list[Member]:
    stages = program.mentee_stages if role == "mentee" else program.mentor_stages
    return list(
        Member.objects.filter(
            stage__in=stages.all(), user__email__startswith="demo", stage__kind=kind
        ).order_by("pk")[:count]
    )


@transaction.atomic
def seed_community() -> int:
    """Create what is missing; returns how many events and questions were created."""
    program = Program.objects.filter(slug="student-resident").first()
    if program is None:
        return 0
    student = Member.objects.filter(user__email=f"student@{DEMO_DOMAIN}").first()
    named_hosts = list(
        Member.objects.filter(
            user__email__in=[f"resident@{DEMO_DOMAIN}", f"fellow@{DEMO_DOMAIN}"]
        ).order_by("pk")
    )
    residents = _members("resident", program, "mentor", 8)
    students = _members("student", program, "mentee", 24)
    created = 0
    today = clock.today()
    # The upcoming event: open, with mentors at their tables and generated students signed up;
    # the demo student may still sign up, and the coordinator may make the schedule.
    upcoming, made = FlashEvent.objects.get_or_create(
        program=program,
        name="Annual Meeting flash mentoring",
        defaults={
            "location": "Exhibit Hall C, mentoring lounge",
            "description": "Meet six residents and fellows in ten-minute rounds.",
            "date": today + dt.timedelta(days=30),
            "start_time": dt.time(13, 0),
            "end_time": dt.time(14, 30),
            "time_zone": "America/Chicago",
            "rounds": 6,
            "round_minutes": 10,
            "break_minutes": 3,
            "tables": 12,
            "seats_per_table": 3,
            "mentee_cap": 36,
            "status": FlashEvent.Status.OPEN,
        },
    )
    if made:
        created += 1
        hosts = named_hosts + residents
        FlashVolunteer.objects.bulk_create(
            FlashVolunteer(event=upcoming, member=h, rounds=[1, 2, 3, 4, 5, 6]) for h in hosts
        )
        FlashSignup.objects.bulk_create(
            FlashSignup(event=upcoming, member=s, preferences=[hosts[k % len(hosts)].pk])
            for k, s in enumerate(students[:20])
        )
    # Last month's virtual event, over: the demo student met the demo resident and fellow.
    past, made = FlashEvent.objects.get_or_create(
        program=program,
        name="Virtual flash mentoring (fall)",
        defaults={
            "location": "https://video.example.org/flash-fall",
            "date": today - dt.timedelta(days=30),
            "start_time": dt.time(18, 0),
            "end_time": dt.time(19, 0),
            "time_zone": "America/New_York",
            "rounds": 4,
            "round_minutes": 10,
            "break_minutes": 2,
            "tables": 6,
            "seats_per_table": 3,
            "mentee_cap": 18,
            "status": FlashEvent.Status.SCHEDULED,
            "scheduled_at": clock.now() - dt.timedelta(days=35),
        },
    )
    if made and student is not None:
        created += 1
        hosts = named_hosts + residents[:4]
        mentees = [student, *students[:11]]
        FlashVolunteer.objects.bulk_create(
            FlashVolunteer(event=past, member=h, rounds=[1, 2, 3, 4]) for h in hosts
        )
        FlashSignup.objects.bulk_create(
            FlashSignup(event=past, member=m, preferences=[h.pk for h in named_hosts])
            for m in mentees
        )
        result = flash_schedule(
            n_mentees=len(mentees),
            seats=[[3] * 4 for _ in hosts],
            preferences={0: list(range(len(named_hosts)))},
        )
        FlashSeat.objects.bulk_create(
            FlashSeat(
                event=past,
                round=r + 1,
                mentee=mentees[i],
                mentor=hosts[j],
                preferred=i == 0 and j < len(named_hosts),
            )
            for r, row in enumerate(result.tables)
            for i, j in enumerate(row)
            if j >= 0
        )
        past.schedule_summary = {
            "mentees": len(mentees),
            "mentors": len(hosts),
            "meetings": result.meetings,
            "bound_meetings": result.bound_meetings,
            "preferred": result.preferred,
            "bound_preferred": result.bound_preferred,
            "exact": result.exact,
            "method": result.method,
            "fewest_meetings": min(len(result.mentors_met(i)) for i in range(len(mentees))),
            "most_meetings": max(len(result.mentors_met(i)) for i in range(len(mentees))),
            "with_break": 0,
        }
        past.save(update_fields=["schedule_summary"])
    topics = list(Topic.objects.active().order_by("pk")[:4])
    answerers = named_hosts[1:] + residents
    for k, (title, body, anonymous, answer) in enumerate(QUESTIONS):
        if not students or Question.objects.filter(program=program, title=title).exists():
            continue
        question = Question.objects.create(
            program=program,
            author=students[k % len(students)],
            title=title,
            body=body,
            anonymous=anonymous,
            created_at=clock.now() - dt.timedelta(days=10 - k),
        )
        if topics:
            question.topics.set([topics[k % len(topics)]])
        if answer and answerers:
            Answer.objects.create(
                question=question, author=answerers[k % len(answerers)], body=answer
            )
        created += 1
    return created + seed_circles(program, student, students)


CIRCLE_MESSAGES = [
    "Welcome, everyone! Before Thursday, write down the one question about research years you most want answered.",
    "Thank you for setting this up. Mine: how do people fund a year away from school?",
    "Here is the list of funded positions I mentioned: https://example.org/research-years",
]


def seed_circles(program: Program, student: Member | None, students: list[Member]) -> int:
    """Two circles of the open cycle led by the demo resident: one running (the demo student and
    three others in it, with norms, a held and a planned meeting, messages) and one open."""
    leader = Member.objects.filter(user__email=f"resident@{DEMO_DOMAIN}").first()
    cycle = Cycle.objects.open().filter(program=program).order_by("-enrollment_opens").first()
    topics = {t.slug: t for t in Topic.objects.active()}
    if leader is None or cycle is None or student is None or not topics:
        return 0
    today = clock.today()
    created = 0
    running, made = Circle.objects.get_or_create(
        cycle=cycle,
        title="Research year, step by step",
        defaults={
            "program": program,
            "leader": leader,
            "topic": topics.get("research-and-publications", next(iter(topics.values()))),
            "description": "For students thinking about a research year: finding a lab, "
            "funding, timing, and what to publish.",
            "max_mentees": 6,
            "starts_on": today - dt.timedelta(days=21),
            "ends_on": min(today + dt.timedelta(days=120), cycle.term_end),
            "cadence": Circle.Cadence.FORTNIGHTLY,
            "status": Circle.Status.OPEN,
        },
    )
    if made:
        created += 1
        members = [student, *students[-3:]]
        CircleMember.objects.bulk_create(
            CircleMember(
                circle=running, mentee=m, cycle=cycle, source=CircleMember.Source.APPLICATION
            )
            for m in members
        )
        Circle.objects.filter(pk=running.pk).update(member_count=len(members))
        norms = CircleNorms.objects.create(
            circle=running,
            goals="Each of us leaves with a plan for a research year, or a reason not to take one.",
            meeting_frequency="An hour by video every two weeks",
            communication="The circle's messages; the leader answers within three days",
        )
        CircleNormsConfirmation.objects.bulk_create(
            CircleNormsConfirmation(norms=norms, member=m) for m in [leader, *members[1:]]
        )
        now = clock.now()
        CircleMeeting.objects.bulk_create(
            [
                CircleMeeting(
                    circle=running,
                    starts_at=now - dt.timedelta(days=14),
                    duration_minutes=60,
                    location="https://video.example.org/research-circle",
                    status=CircleMeeting.Status.HELD,
                    minutes_held=60,
                ),
                CircleMeeting(
                    circle=running,
                    starts_at=(now + dt.timedelta(days=3)).replace(
                        minute=0, second=0, microsecond=0
                    ),
                    duration_minutes=60,
                    location="https://video.example.org/research-circle",
                ),
            ]
        )
        CircleMessage.objects.bulk_create(
            CircleMessage(
                circle=running,
                author=author,
                body=body,
                created_at=now - dt.timedelta(days=10 - k),
            )
            for k, (author, body) in enumerate(
                zip([leader, members[1], leader], CIRCLE_MESSAGES, strict=True)
            )
        )
    _, made = Circle.objects.get_or_create(
        cycle=cycle,
        title="Interview season, together",
        defaults={
            "program": program,
            "leader": leader,
            "topic": topics.get("interview-process", next(iter(topics.values()))),
            "description": "Mock interviews and what programs ask, in a group of five.",
            "max_mentees": 5,
            "starts_on": today + dt.timedelta(days=14),
            "ends_on": min(today + dt.timedelta(days=100), cycle.term_end),
            "cadence": Circle.Cadence.WEEKLY,
            "status": Circle.Status.OPEN,
        },
    )
    return created + int(made)
