"""Permission-checked reads: every community page fetches its object through one of these."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from mentorbridge.members.models import Member, is_coordinator
from mentorbridge.programs.models import Program

from .models import Answer, FlashEvent, Question


def roles_in(member: Member, program: Program) -> set[str]:
    """'mentee' and/or 'mentor' when the member's training stage may take that role here."""
    if member.stage_id is None:
        return set()
    roles = set()
    if program.mentee_stages.filter(pk=member.stage_id).exists():
        roles.add("mentee")
    if program.mentor_stages.filter(pk=member.stage_id).exists():
        roles.add("mentor")
    return roles


def programs_for(member: Member) -> QuerySet[Program]:
    """The programs whose events and board the member may use (all of them for coordinators)."""
    if is_coordinator(member.user):
        return Program.objects.all()
    if member.stage_id is None:
        return Program.objects.none()
    return Program.objects.filter(
        Q(mentee_stages=member.stage_id) | Q(mentor_stages=member.stage_id)
    ).distinct()


def events_for(member: Member) -> QuerySet[FlashEvent]:
    events = FlashEvent.objects.select_related("program")
    if is_coordinator(member.user):
        return events
    return (
        events.exclude(status=FlashEvent.Status.DRAFT)
        .filter(
            Q(program__in=programs_for(member))
            | Q(signups__member=member)
            | Q(volunteers__member=member)
        )
        .distinct()
    )


def get_event_for_member(member: Member, pk: int, *, manage: bool = False) -> FlashEvent:
    """Coordinators see every event and manage them; members see open and scheduled events of
    their programs (and any they take part in). Anyone else, and drafts, get 404."""
    if manage and not is_coordinator(member.user):
        raise Http404("No such event.")
    event = events_for(member).filter(pk=pk).first()
    if event is None:
        raise Http404("No such event.")
    return event


def get_board_for_member(member: Member, slug: str) -> Program:
    program = programs_for(member).filter(slug=slug).first()
    if program is None:
        raise Http404("No such board.")
    return program


def get_question_for_member(member: Member, pk: int) -> Question:
    """A question on a board the member may read; hidden ones only for coordinators."""
    question = (
        Question.objects.select_related("program", "author__user", "author__stage")
        .filter(pk=pk, program__in=programs_for(member))
        .first()
    )
    if question is None or (question.hidden and not is_coordinator(member.user)):
        raise Http404("No such question.")
    return question


def get_answer_for_member(member: Member, pk: int) -> Answer:
    answer = (
        Answer.objects.select_related("question__program", "author")
        .filter(pk=pk, question__program__in=programs_for(member))
        .first()
    )
    if answer is None or (
        (answer.hidden or answer.question.hidden) and not is_coordinator(member.user)
    ):
        raise Http404("No such answer.")
    return answer
