"""Mentors hear of new questions on the "ask a resident" board, once a day at most.

Who: the program's mentors (its mentor stages) who offer one of the question's topics; a question
without topics goes to all of them, and a mentor who offers no topics follows the whole board.
What: the questions asked since their last digest (at most a week back), still unanswered and
visible, not their own. How: one in-app notification and one email a day listing them, never one
email per question per mentor (a busy board would otherwise bury a resident's inbox in the week
before interviews). Run daily by `manage.py send_board_digests`; safe to run twice or at once:
each mentor's digest of the day is claimed by a unique key before it is sent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.urls import reverse

from mentorbridge.core import clock
from mentorbridge.core.notifications import notify
from mentorbridge.members.models import Member
from mentorbridge.programs.models import Program

from .models import BoardDigest, Question

LOOK_BACK = dt.timedelta(days=7)
FIRST_WINDOW = dt.timedelta(days=1)


@dataclass(frozen=True)
class _Asked:
    question: Question
    topics: frozenset[int]


def board_digests_send(*, now: dt.datetime | None = None) -> int:
    """Send today's digests; returns how many mentors were told."""
    now = now or clock.now()
    recent = [
        _Asked(q, frozenset(t.pk for t in q.topics.all()))
        for q in Question.objects.visible()
        .filter(created_at__gt=now - LOOK_BACK, created_at__lte=now)
        .annotate(answered=Count("answers"))
        .filter(answered=0)
        .select_related("program")
        .prefetch_related("topics")
        .order_by("created_at", "pk")
    ]
    if not recent:
        return 0
    programs = {a.question.program_id: a.question.program for a in recent}
    stages: dict[int, set[int]] = {
        pk: set(p.mentor_stages.values_list("pk", flat=True)) for pk, p in programs.items()
    }
    mentors = (
        Member.objects.filter(
            stage__in={s for group in stages.values() for s in group}, user__is_active=True
        )
        .select_related("user")
        .prefetch_related("topics_offered")
    )
    last = dict(
        BoardDigest.objects.values("member_id")
        .annotate(through=Max("through"))
        .values_list("member_id", "through")
    )
    told = 0
    for mentor in mentors:
        since = last.get(mentor.pk) or now - FIRST_WINDOW
        offered = {t.pk for t in mentor.topics_offered.all()}
        theirs = [
            a.question
            for a in recent
            if a.question.created_at > since
            and a.question.author_id != mentor.pk
            and mentor.stage_id in stages[a.question.program_id]
            and (not a.topics or not offered or a.topics & offered)
        ]
        if theirs and _send(mentor, theirs, now, programs):
            told += 1
    return told


def _send(
    mentor: Member, questions: list[Question], now: dt.datetime, programs: dict[int, Program]
) -> bool:
    try:
        with transaction.atomic():
            BoardDigest.objects.create(
                member=mentor, day=now.date(), through=now, questions=len(questions)
            )
            boards = sorted({programs[q.program_id].name for q in questions})
            count = len(questions)
            notify(
                member=mentor,
                kind="board_digest",
                title=f"{count} new question{'s' if count != 1 else ''} for mentors like you on "
                f"{', '.join(boards)}",
                url=reverse("community:boards"),
                template="board_digest",
                context={"questions": questions},
            )
    except IntegrityError:  # today's digest was sent by another run
        return False
    return True
