"""Permission-checked reads: every community page fetches its object through one of these."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from mentorbridge.core.permissions import is_coordinator
from mentorbridge.members.models import Member
from mentorbridge.programs.models import Program

from .models import Answer, Circle, CircleMember, FlashEvent, Question


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


@dataclass
class CircleAccess:
    """What a member may do with a circle: read its page, use its workspace (the leader and its
    members), lead it, or manage it (coordinators, who read the workspace but not the thread)."""

    circle: Circle
    member: Member
    is_leader: bool
    is_member: bool
    is_coordinator: bool

    @property
    def in_workspace(self) -> bool:
        return self.is_leader or self.is_member

    @property
    def can_write(self) -> bool:
        """The workspace is used once the circle is published, until its term is over."""
        return (
            self.in_workspace
            and self.circle.status in {Circle.Status.OPEN, Circle.Status.CLOSED}
            and not self.circle.is_over
        )


def circles_for(member: Member) -> QuerySet[Circle]:
    """Coordinators: every circle. Members: published circles of their programs, and the circles
    they lead, belong to or applied to (whatever their state)."""
    circles = Circle.objects.select_related("program", "cycle", "leader", "topic")
    if is_coordinator(member.user):
        return circles
    return circles.filter(
        Q(
            status__in=[Circle.Status.OPEN, Circle.Status.CLOSED],
            program__in=programs_for(member),
        )
        | Q(leader=member)
        | Q(members__mentee=member, members__active=True)
        | Q(applications__mentee=member)
    ).distinct()


def get_circle_for_member(
    member: Member, pk: int, *, workspace: bool = False, write: bool = False
) -> CircleAccess:
    """404 for anyone the circle is not shown to; with `workspace`, for anyone but its leader,
    its members (and, read-only, coordinators); with `write`, for all but the leader and
    members while the term runs."""
    circle = circles_for(member).filter(pk=pk).first()
    if circle is None:
        raise Http404("No such circle.")
    access = CircleAccess(
        circle=circle,
        member=member,
        is_leader=circle.leader_id == member.pk,
        is_member=CircleMember.objects.filter(circle=circle, mentee=member, active=True).exists(),
        is_coordinator=is_coordinator(member.user),
    )
    if workspace and not (access.in_workspace or access.is_coordinator):
        raise Http404("No such circle.")
    if write and not access.can_write:
        raise Http404("This circle's workspace is read-only for you.")
    return access
