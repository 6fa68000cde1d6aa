"""Community objects for the crawl: a scheduled flash event, one that is over (wishes open), and a
question with an answer, so every community page and form is reached."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from mentorbridge.community import board, circles, flash
from mentorbridge.community.models import (
    Answer,
    BoardReport,
    Circle,
    CircleApplication,
    CircleMeeting,
    FlashEvent,
    FlashSeat,
    FlashSignup,
    FlashVolunteer,
    Question,
)
from mentorbridge.core import clock
from mentorbridge.members.models import Member
from mentorbridge.programs.models import Cycle, Program

from ..factories import make_cycle
from .circle_world import circle_data
from .conftest import event_data


def community_world(*, student: Member, resident: Member, coordinator: Member) -> None:
    track1 = Program.objects.get(slug="student-resident")
    event = flash.event_open(
        event=flash.event_save(by=coordinator, program=track1, data=event_data())
    )
    flash.volunteer(event=event, member=resident, rounds=[1, 2])
    flash.signup(event=event, member=student, preferences=[resident.pk])
    flash.schedule_compute(event_id=event.pk)
    flash.event_save(by=coordinator, program=track1, data=event_data(name="Draft event"))
    past = FlashEvent.objects.create(
        program=track1,
        status=FlashEvent.Status.SCHEDULED,
        scheduled_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        **{**event_data(name="Last year's flash mentoring"), "date": dt.date(2026, 1, 10)},
    )
    FlashVolunteer.objects.create(event=past, member=resident, rounds=[1])
    FlashSignup.objects.create(event=past, member=student)
    FlashSeat.objects.create(event=past, round=1, mentee=student, mentor=resident)
    question = board.question_ask(
        program=track1,
        by=student,
        title="Is I-6 right for me?",
        body="At a school without a CT program.",
        topics=[],
        anonymous=True,
    )
    board.answer_post(question=question, by=resident, body="Talk to residents of both paths.")


@dataclass
class CommunityVictims:
    """For the URL × role test: a draft flash event (coordinators only), and a victim's question,
    hidden by a coordinator, with an answer and a report (coordinators only)."""

    flash_event: FlashEvent
    question: Question
    answer: Answer
    report: BoardReport
    mentor: Member
    circle: Circle
    circle_application: CircleApplication
    circle_meeting: CircleMeeting


def community_victims(*, coordinator: Member, mentee: Member, mentor: Member) -> CommunityVictims:
    track1 = Program.objects.get(slug="student-resident")
    draft = flash.event_save(by=coordinator, program=track1, data=event_data(name="Draft"))
    question = board.question_ask(
        program=track1,
        by=mentee,
        title="SECRET-QUESTION-7f3a",
        body="Hidden by the coordinators.",
        topics=[],
        anonymous=True,
    )
    answer = board.answer_post(question=question, by=mentor, body="An answer to it.")
    report = board.report_file(by=mentor, reason="Off topic", question=question)
    board.visibility_set(by=coordinator, hidden=True, question=question)
    BoardReport.objects.filter(pk=report.pk).update(resolved_at=None)
    # A circle the victim mentor proposed (coordinators only), with an application and a meeting.
    cycle = Cycle.objects.filter(program=track1).first() or make_cycle()
    circle = circles.circle_propose(by=mentor, program=track1, cycle=cycle, data=circle_data())
    application = CircleApplication.objects.create(circle=circle, mentee=mentee, note="Let me in")
    meeting = CircleMeeting.objects.create(
        circle=circle, starts_at=clock.now() - dt.timedelta(days=1), duration_minutes=60
    )
    return CommunityVictims(draft, question, answer, report, mentor, circle, application, meeting)
