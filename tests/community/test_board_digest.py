"""Mentors are told of new questions in their topics: one digest a day, never one email per
question per mentor."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core import mail
from django.core.management import call_command

from mentorbridge.community import board
from mentorbridge.community.digest import board_digests_send
from mentorbridge.community.models import BoardDigest
from mentorbridge.core import clock
from mentorbridge.core.models import Notification
from mentorbridge.members.models import Member, Topic
from mentorbridge.programs.models import Program

from ..conftest import stage
from ..factories import MemberFactory


def _ask(student: Member, title: str, topics: list[Topic]) -> None:
    board.question_ask(
        program=Program.objects.get(slug="student-resident"),
        by=student,
        title=title,
        body="Details",
        topics=topics,
        anonymous=False,
    )


def test_one_digest_a_day_to_the_mentors_of_the_topics(
    student: Member, resident: Member, surgeon: Member, django_capture_on_commit_callbacks: Any
) -> None:
    research, interviews = Topic.objects.active().order_by("pk")[:2]
    resident.topics_offered.set([research])
    other = MemberFactory(stage=stage("pgy-3-resident"))
    other.topics_offered.set([interviews])
    everything = MemberFactory(stage=stage("fellow"))  # offers no topics: follows the board
    for k in range(3):
        _ask(student, f"Research question {k}", [research])
    _ask(student, "No topic at all", [])
    with django_capture_on_commit_callbacks(execute=True):
        assert board_digests_send() == 3
    to = {m.to[0]: m for m in mail.outbox}
    # The research mentor: the three research questions and the one without a topic, in one email.
    assert len([m for m in mail.outbox if m.to[0] == resident.user.email]) == 1
    body = to[resident.user.email].body
    assert all(f"Research question {k}" in body for k in range(3)) and "No topic at all" in body
    assert "Research question" not in to[other.user.email].body
    assert "No topic at all" in to[other.user.email].body
    assert "Research question 2" in to[everything.user.email].body
    # A surgeon does not mentor on the student board; the asker is not told of their own.
    assert surgeon.user.email not in to and student.user.email not in to
    assert Notification.objects.filter(member=resident, kind="board_digest").count() == 1
    # Running again the same day sends nothing; the next day only what is new.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert board_digests_send() == 0
        call_command("send_board_digests", stdout=__import__("io").StringIO())
    assert not mail.outbox
    with clock.frozen(clock.now() + dt.timedelta(days=1)):
        _ask(student, "Away rotations?", [research])
        with django_capture_on_commit_callbacks(execute=True):
            board_digests_send()
    body = next(m.body for m in mail.outbox if m.to[0] == resident.user.email)
    assert "Away rotations?" in body and "Research question 0" not in body
    assert BoardDigest.objects.filter(member=resident).count() == 2


def test_answered_and_hidden_questions_are_left_out(
    student: Member, resident: Member, coordinator: Member
) -> None:
    _ask(student, "Answered already", [])
    question = board.Question.objects.get()
    board.answer_post(question=question, by=resident, body="Here you go")
    assert board_digests_send() == 0
    assert not BoardDigest.objects.exists()
