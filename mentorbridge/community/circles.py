"""Mentoring circles: propose, publish, apply, accept, leave, and the coordinators' placement run.

Every write runs in one transaction and either succeeds or raises Refusal with a sentence
the member can act on, having changed nothing. A seat is taken in one place (`_seat`): the circle
row is locked (`SELECT … FOR UPDATE`), `member_count` grows by a conditional UPDATE below
`max_mentees` (a check constraint backs it), and the partial unique index on
`CircleMember(mentee, cycle) WHERE active` is the last word on "one circle per mentee per cycle"
when two leaders accept the same mentee at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.urls import reverse

from mentorbridge.core import clock
from mentorbridge.core.notifications import notify
from mentorbridge.core.permissions import COORDINATORS_GROUP, is_coordinator
from mentorbridge.core.refusals import Refusal
from mentorbridge.matching.engine.circles import place_in_circles
from mentorbridge.members.models import Block, Member, Topic
from mentorbridge.programs.models import Cycle, Program
from mentorbridge.programs.services import eligibility_problem

from .models import (
    CIRCLE_MAX_APPLICATIONS,
    CIRCLE_MAX_MENTEES,
    CIRCLE_MIN_MENTEES,
    Circle,
    CircleApplication,
    CircleMember,
)

MAX_NOTE = 1000
CIRCLE_FIELDS = (
    "title",
    "topic",
    "description",
    "max_mentees",
    "starts_on",
    "ends_on",
    "cadence",
)


def _coordinators() -> QuerySet[Member]:
    return Member.objects.filter(
        user__groups__name=COORDINATORS_GROUP, user__is_active=True
    ).select_related("user")


def circle_problem(
    *, cycle: Cycle, starts_on: dt.date, ends_on: dt.date, max_mentees: int
) -> str | None:
    """Why a circle with these settings cannot run in `cycle`, in words; None when it can."""
    if cycle.status == Cycle.Status.CLOSED:
        return f"{cycle} is closed; choose a cycle that is running."
    if not CIRCLE_MIN_MENTEES <= max_mentees <= CIRCLE_MAX_MENTEES:
        return (
            f"A circle takes between {CIRCLE_MIN_MENTEES} and {CIRCLE_MAX_MENTEES} mentees, "
            f"not {max_mentees}."
        )
    if ends_on <= starts_on:
        return "The term must end after it starts."
    if ends_on < clock.today():
        return "The term has already ended; pick dates to come."
    if ends_on > cycle.term_end:
        return f"The term must end by the cycle's term end ({cycle.term_end:%-d %B %Y})."
    if (ends_on - starts_on).days < 28:
        return "A circle runs for at least four weeks."
    return None


def circle_propose(*, by: Member, program: Program, cycle: Cycle, data: dict[str, Any]) -> Circle:
    """A member who may mentor in the program proposes a circle; coordinators publish it."""
    problem = eligibility_problem(member=by, program=program, role="mentor")
    if problem:
        raise Refusal(problem.replace("enroll as a mentor", "lead a circle"))
    if cycle.program_id != program.pk:
        raise Refusal(f"{cycle} is not a cycle of {program}.")
    problem = circle_problem(
        cycle=cycle,
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
        max_mentees=data["max_mentees"],
    )
    if problem:
        raise Refusal(problem)
    if not isinstance(data["topic"], Topic):
        raise Refusal("Choose the circle's topic from the list.")
    with transaction.atomic():
        circle = Circle(program=program, cycle=cycle, leader=by, created_at=clock.now())
        for name in CIRCLE_FIELDS:
            setattr(circle, name, data[name])
        circle.save()
        for coordinator in _coordinators():
            notify(
                member=coordinator,
                kind="circle_proposed",
                title=f"{by.display_name} proposes a mentoring circle: {circle.title}",
                url=circle.get_absolute_url(),
                template="circle_news",
                context={
                    "news": f"{by.display_name} proposes the circle “{circle.title}” in {cycle}. Publish it, or decline it with a note."
                },
            )
    return circle


def circle_decide(*, circle: Circle, by: Member, publish: bool, note: str = "") -> Circle:
    """A coordinator publishes a proposed circle (mentees can apply) or declines it, with a note."""
    if not is_coordinator(by.user):
        raise Refusal("Coordinators publish circles.")
    note = note.replace("\x00", "").strip()[:500]
    if not publish and not note:
        raise Refusal("Tell the leader why the circle is not published.")
    new = Circle.Status.OPEN if publish else Circle.Status.DECLINED
    with transaction.atomic():
        if not Circle.objects.filter(pk=circle.pk, status=Circle.Status.PROPOSED).update(
            status=new, decided_by=by, decision_note=note
        ):
            raise Refusal("This circle was already decided.")
        circle.refresh_from_db()
        notify(
            member=circle.leader,
            kind="circle_decided",
            title=(
                f"Your circle “{circle.title}” is published: mentees can apply"
                if publish
                else f"Your circle “{circle.title}” was not published"
            ),
            url=circle.get_absolute_url(),
            template="circle_news",
            context={
                "news": "Mentees of the program can now find it and apply. You accept or decline each application."
                if publish
                else f"The coordinators wrote: {note}"
            },
        )
    return circle


def circle_set_open(*, circle: Circle, by: Member, open: bool) -> Circle:
    """The leader (or a coordinator) closes applications, or opens them again. Closing declines
    the applications still waiting, and tells their mentees."""
    if by.pk != circle.leader_id and not is_coordinator(by.user):
        raise Refusal("The circle's leader decides when applications close.")
    before, after = (
        (Circle.Status.CLOSED, Circle.Status.OPEN)
        if open
        else (Circle.Status.OPEN, Circle.Status.CLOSED)
    )
    with transaction.atomic():
        if not Circle.objects.filter(pk=circle.pk, status=before).update(status=after):
            raise Refusal(
                "Applications are already open." if open else "Applications are not open."
            )
        circle.refresh_from_db()
        if not open:
            for application in circle.applications.filter(
                status=CircleApplication.Status.PENDING
            ).select_related("mentee__user"):
                _decide(application, accept=False, why="applications closed")
    return circle


@dataclass
class Seated:
    member: CircleMember
    withdrawn: list[CircleApplication] = field(default_factory=list)


def _seat(*, circle: Circle, mentee: Member, source: str) -> Seated:
    """Take a seat for `mentee` (the one write path; see the module's docstring). Refuses a
    full or unpublished circle, the leader, a blocked pair and a second circle in the cycle."""
    with transaction.atomic():
        circle = Circle.objects.select_for_update().select_related("cycle").get(pk=circle.pk)
        if circle.status not in {Circle.Status.OPEN, Circle.Status.CLOSED}:
            raise Refusal("This circle is not published.")
        if circle.is_over:
            raise Refusal("This circle's term is over.")
        if mentee.pk == circle.leader_id:
            raise Refusal("The leader leads the circle; they do not join it.")
        if Block.objects.between(mentee.pk, circle.leader_id).exists():
            raise Refusal(
                f"{mentee.display_name} cannot join a circle of {circle.leader.display_name}."
            )
        _not_in_a_circle(mentee, circle.cycle)
        try:
            with transaction.atomic():
                if not Circle.objects.filter(
                    pk=circle.pk, member_count__lt=F("max_mentees")
                ).update(member_count=F("member_count") + 1):
                    raise Refusal(
                        f"“{circle.title}” is full: all {circle.max_mentees} places are taken."
                    )
                seat = CircleMember.objects.create(
                    circle=circle,
                    mentee=mentee,
                    cycle=circle.cycle,
                    source=source,
                    joined_at=clock.now(),
                )
        except IntegrityError:
            raise Refusal(
                f"{mentee.display_name} is already in a circle in {circle.cycle}."
            ) from None
        withdrawn = list(
            CircleApplication.objects.filter(
                mentee=mentee,
                circle__cycle=circle.cycle,
                status=CircleApplication.Status.PENDING,
            ).exclude(circle=circle)
        )
        CircleApplication.objects.filter(pk__in=[a.pk for a in withdrawn]).update(
            status=CircleApplication.Status.WITHDRAWN, decided_at=clock.now()
        )
        CircleApplication.objects.filter(
            circle=circle, mentee=mentee, status=CircleApplication.Status.PENDING
        ).update(status=CircleApplication.Status.ACCEPTED, decided_at=clock.now())
    return Seated(member=seat, withdrawn=withdrawn)


def _not_in_a_circle(mentee: Member, cycle: Cycle) -> None:
    current = (
        CircleMember.objects.filter(mentee=mentee, cycle=cycle, active=True)
        .select_related("circle")
        .first()
    )
    if current is not None:
        raise Refusal(
            f"{mentee.display_name} is already in the circle “{current.circle.title}” this "
            "cycle: a mentee joins one circle per cycle."
        )


def application_submit(*, circle: Circle, mentee: Member, note: str) -> CircleApplication:
    """A mentee applies with a short note. Their applications in the cycle are ranked in the
    order made (at most three), which the placement run follows."""
    note = note.replace("\x00", "").strip()
    if not note:
        raise Refusal("Tell the leader in a few words why you would like to join.")
    if len(note) > MAX_NOTE:
        raise Refusal(f"Keep your note under {MAX_NOTE:,} characters.")
    with transaction.atomic():
        circle = (
            Circle.objects.select_for_update().select_related("cycle", "program").get(pk=circle.pk)
        )
        if circle.status == Circle.Status.CLOSED:
            raise Refusal("This circle has closed its applications.")
        if circle.status != Circle.Status.OPEN or circle.is_over:
            raise Refusal("This circle is not taking applications.")
        problem = eligibility_problem(member=mentee, program=circle.program, role="mentee")
        if problem:
            raise Refusal(problem.replace("enroll as a mentee", "join a circle"))
        if mentee.pk == circle.leader_id:
            raise Refusal("You lead this circle.")
        if Block.objects.between(mentee.pk, circle.leader_id).exists():
            raise Refusal("You cannot apply to this circle.")
        _not_in_a_circle(mentee, circle.cycle)
        if CircleApplication.objects.filter(circle=circle, mentee=mentee).exists():
            raise Refusal("You have already applied to this circle.")
        if circle.member_count >= circle.max_mentees:
            raise Refusal(f"“{circle.title}” is full: all {circle.max_mentees} places are taken.")
        pending = CircleApplication.objects.filter(
            mentee=mentee, circle__cycle=circle.cycle, status=CircleApplication.Status.PENDING
        ).count()
        if pending >= CIRCLE_MAX_APPLICATIONS:
            raise Refusal(
                f"You are waiting on {pending} circles already, the most in one cycle; withdraw "
                "one to apply here."
            )
        try:
            with transaction.atomic():
                application = CircleApplication.objects.create(
                    circle=circle,
                    mentee=mentee,
                    note=note,
                    rank=pending + 1,
                    created_at=clock.now(),
                )
        except IntegrityError:
            raise Refusal("You have already applied to this circle.") from None
        notify(
            member=circle.leader,
            kind="circle_application",
            title=f"{mentee.display_name} applies to your circle “{circle.title}”",
            url=circle.get_absolute_url() + "#applications",
            template="circle_news",
            context={"news": f"{mentee.display_name} wrote: {note}"},
        )
    return application


def application_withdraw(*, application: CircleApplication, by: Member) -> None:
    if application.mentee_id != by.pk:
        raise Refusal("Only the applicant withdraws an application.")
    with transaction.atomic():
        if not CircleApplication.objects.filter(
            pk=application.pk, status=CircleApplication.Status.PENDING
        ).update(status=CircleApplication.Status.WITHDRAWN, decided_at=clock.now()):
            raise Refusal("This application was already answered.")
        _rerank(application.mentee, application.circle.cycle)


def _rerank(mentee: Member, cycle: Cycle) -> None:
    """Keep a mentee's waiting applications ranked 1, 2, 3 in the order made."""
    pending = CircleApplication.objects.filter(
        mentee=mentee, circle__cycle=cycle, status=CircleApplication.Status.PENDING
    ).order_by("rank", "created_at", "pk")
    for rank, application in enumerate(pending, start=1):
        if application.rank != rank:
            CircleApplication.objects.filter(pk=application.pk).update(rank=rank)


def application_decide(*, application: CircleApplication, by: Member, accept: bool) -> None:
    """The leader accepts (the mentee takes a seat) or declines an application."""
    circle = application.circle
    if by.pk != circle.leader_id:
        raise Refusal("The circle's leader answers its applications.")
    if application.status != CircleApplication.Status.PENDING:
        raise Refusal("This application was already answered.")
    with transaction.atomic():
        if accept:
            _seat(circle=circle, mentee=application.mentee, source=CircleMember.Source.APPLICATION)
        _decide(application, accept=accept, why="")


def _decide(application: CircleApplication, *, accept: bool, why: str) -> None:
    """Record the answer and tell the mentee (the seat, if any, is already taken)."""
    circle = application.circle
    if not accept:
        if not CircleApplication.objects.filter(
            pk=application.pk, status=CircleApplication.Status.PENDING
        ).update(status=CircleApplication.Status.DECLINED, decided_at=clock.now()):
            raise Refusal("This application was already answered.")
        _rerank(application.mentee, circle.cycle)
    notify(
        member=application.mentee,
        kind="circle_answer",
        title=(
            f"Welcome to the circle “{circle.title}”"
            if accept
            else f"The circle “{circle.title}” cannot take you" + (f" ({why})" if why else "")
        ),
        url=circle.get_absolute_url(),
        template="circle_news",
        context={
            "news": f"{circle.leader.display_name} leads it from {circle.starts_on:%-d %B}; the meetings, norms and messages are on its page."
            if accept
            else "You may apply to another circle, or ask the coordinators to place you."
        },
    )


def member_leave(*, circle: Circle, mentee: Member) -> None:
    """A mentee leaves; the seat is given back in the same transaction."""
    with transaction.atomic():
        if not CircleMember.objects.filter(circle=circle, mentee=mentee, active=True).update(
            active=False, left_at=clock.now()
        ):
            raise Refusal("You are not a member of this circle.")
        Circle.objects.filter(pk=circle.pk, member_count__gt=0).update(
            member_count=F("member_count") - 1
        )
        notify(
            member=circle.leader,
            kind="circle_left",
            title=f"{mentee.display_name} left your circle “{circle.title}”",
            url=circle.get_absolute_url(),
        )


# The placement run -------------------------------------------------------------------------------


@dataclass
class PlacementPlan:
    """What the engine proposes for a cycle: each applicant's circle (or none), and the figures."""

    cycle: Cycle
    rows: list[tuple[Member, Circle | None, int | None]]  # mentee, circle, rank (1 = first)
    applicants: int
    placed: int
    by_rank: list[int]
    seats: int


def placement_plan(*, cycle: Cycle) -> PlacementPlan:
    """Applicants still waiting and not in a circle this cycle, over the open circles' seats left.
    Read-only: the same inputs give the same plan (ties break by the order of applications)."""
    circles = list(
        Circle.objects.filter(cycle=cycle, status=Circle.Status.OPEN, ends_on__gte=clock.today())
        .select_related("leader")
        .order_by("pk")
    )
    index = {c.pk: j for j, c in enumerate(circles)}
    seated = set(
        CircleMember.objects.filter(cycle=cycle, active=True).values_list("mentee_id", flat=True)
    )
    blocks = {(b.blocker_id, b.blocked_id) for b in Block.objects.all().only("blocker", "blocked")}
    ranked: dict[int, list[int]] = {}
    mentees: dict[int, Member] = {}
    for application in (
        CircleApplication.objects.filter(
            circle__in=circles, status=CircleApplication.Status.PENDING
        )
        .exclude(mentee_id__in=seated)
        .select_related("mentee", "circle")
        .order_by("mentee_id", "rank", "created_at", "pk")
    ):
        circle = application.circle
        if (application.mentee_id, circle.leader_id) in blocks or (
            circle.leader_id,
            application.mentee_id,
        ) in blocks:
            continue
        mentees[application.mentee_id] = application.mentee
        ranked.setdefault(application.mentee_id, []).append(index[circle.pk])
    order = sorted(ranked)
    placement = place_in_circles([ranked[i] for i in order], [c.seats_left for c in circles])
    rows: list[tuple[Member, Circle | None, int | None]] = []
    for k, mentee_id in enumerate(order):
        j = placement.circle[k]
        rows.append(
            (
                mentees[mentee_id],
                circles[j] if j >= 0 else None,
                ranked[mentee_id].index(j) + 1 if j >= 0 else None,
            )
        )
    rows.sort(key=lambda r: (r[1] is None, r[1].title if r[1] else "", r[0].full_name))
    return PlacementPlan(
        cycle=cycle,
        rows=rows,
        applicants=len(order),
        placed=placement.placed,
        by_rank=placement.by_rank,
        seats=sum(c.seats_left for c in circles),
    )


@dataclass
class PlacementResult:
    placed: int
    skipped: list[str]


def placement_apply(*, cycle: Cycle, by: Member) -> PlacementResult:
    """Compute the plan again and seat everyone in it through `_seat`, each in its own
    transaction: a seat taken meanwhile (a leader accepting someone) skips that placement with
    the reason, and the rest stand. Everyone placed, and their leader, is told."""
    if not is_coordinator(by.user):
        raise Refusal("Coordinators run the placement.")
    plan = placement_plan(cycle=cycle)
    if not plan.applicants:
        raise Refusal(f"Nobody is waiting for a circle in {cycle}.")
    placed = 0
    skipped: list[str] = []
    for mentee, circle, _rank in plan.rows:
        if circle is None:
            continue
        try:
            with transaction.atomic():
                _seat(circle=circle, mentee=mentee, source=CircleMember.Source.PLACEMENT)
                application = CircleApplication.objects.select_related("circle__leader").get(
                    circle=circle, mentee=mentee
                )
                _decide(application, accept=True, why="")
        except Refusal as error:
            skipped.append(f"{mentee.display_name}: {error}")
        else:
            placed += 1
    leaders = {c.leader for _, c, _ in plan.rows if c is not None}
    for leader in leaders:
        notify(
            member=leader,
            kind="circle_placement",
            title="The coordinators placed mentees in your circle",
            url=reverse("community:circles"),
        )
    return PlacementResult(placed=placed, skipped=skipped)
