"""Writes about cycles and enrollments. Each runs in one transaction and explains every refusal."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet

from mentorbridge.core import clock
from mentorbridge.core.audit import audit_record
from mentorbridge.core.permissions import is_coordinator
from mentorbridge.core.refusals import Refusal
from mentorbridge.members.models import Member, Topic

from .models import Cycle, Enrollment, Program


def eligibility_problem(*, member: Member, program: Program, role: str) -> str | None:
    """Why `member` may not take `role` in `program`, in words; None when they may."""
    if member.stage is None:
        return "Add your training stage to your profile first: eligibility depends on it."
    stages = program.mentee_stages if role == Enrollment.Role.MENTEE else program.mentor_stages
    if not stages.filter(pk=member.stage.pk).exists():
        allowed = ", ".join(s.name for s in stages.all()) or "no stage"
        return (
            f"As {member.stage.name}, you cannot enroll as a {role} in {program.name}. "
            f"{role.capitalize()}s there are: {allowed}."
        )
    return None


def enrollment_create(
    *,
    member: Member,
    cycle: Cycle,
    role: str,
    topics: list[Topic] | None = None,
    target_programs: list[Any] | None = None,
    **fields: Any,
) -> Enrollment:
    if role not in Enrollment.Role.values:
        raise Refusal("Choose to enroll as a mentee or as a mentor.")
    if not cycle.is_enrolling(clock.today()):
        raise Refusal(
            f"{cycle} is not taking enrollments now "
            f"(open {cycle.enrollment_opens:%-d %b} to {cycle.enrollment_closes:%-d %b %Y})."
        )
    problem = eligibility_problem(member=member, program=cycle.program, role=role)
    if problem:
        raise Refusal(problem)
    if role == Enrollment.Role.MENTOR:
        capacity = int(fields.get("capacity") or cycle.program.default_mentor_capacity)
        if not 1 <= capacity <= 5:
            raise Refusal("A mentor takes between 1 and 5 mentees.")
        fields["capacity"] = capacity
    else:
        fields["capacity"] = 0
    try:
        with transaction.atomic():
            existing = Enrollment.objects.filter(cycle=cycle, member=member, role=role).first()
            if existing and existing.status == Enrollment.Status.ACTIVE:
                raise Refusal(f"You are already enrolled as a {role} in {cycle}.")
            if existing:  # re-enrolling after withdrawing keeps one row per member, role and cycle
                for name, value in fields.items():
                    setattr(existing, name, value)
                existing.status = Enrollment.Status.ACTIVE
                existing.save()
                enrollment = existing
            else:
                enrollment = Enrollment.objects.create(
                    cycle=cycle, member=member, role=role, **fields
                )
            enrollment.topics.set(topics or [])
            enrollment.target_programs.set(target_programs or [])
    except IntegrityError:
        raise Refusal(f"You are already enrolled as a {role} in {cycle}.") from None
    return enrollment


def enrollment_update(
    *, enrollment: Enrollment, topics: list[Topic], target_programs: list[Any], **fields: Any
) -> Enrollment:
    with transaction.atomic():
        if enrollment.role == Enrollment.Role.MENTOR:
            capacity = int(fields.get("capacity", enrollment.capacity))
            locked = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
            if not 1 <= capacity <= 5:
                raise Refusal("A mentor takes between 1 and 5 mentees.")
            if capacity < locked.mentee_count:
                raise Refusal(
                    f"You already mentor {locked.mentee_count}; capacity cannot go below that."
                )
        for name, value in fields.items():
            setattr(enrollment, name, value)
        enrollment.save()
        enrollment.topics.set(topics)
        enrollment.target_programs.set(target_programs)
    return enrollment


def open_requests(enrollment: Enrollment) -> QuerySet[Any]:
    """The pending requests leaving the cycle withdraws: those the enrollment sent or received."""
    from mentorbridge.matching.models import MentorshipRequest

    return MentorshipRequest.objects.pending().filter(
        Q(mentee_enrollment=enrollment) | Q(mentor_enrollment=enrollment)
    )


def enrollment_withdraw(*, enrollment: Enrollment) -> None:
    """Leave a cycle. Open requests are withdrawn; existing mentorships are closed separately."""
    from mentorbridge.matching.models import MentorshipRequest

    with transaction.atomic():
        enrollment.status = Enrollment.Status.WITHDRAWN
        enrollment.save(update_fields=["status"])  # a save: the mentor pool hears of it
        open_requests(enrollment).update(
            state=MentorshipRequest.State.WITHDRAWN, answered_at=clock.now()
        )


def cycle_set_status(*, cycle: Cycle, status: str, by: Any) -> Cycle:
    """Open a draft, close an open cycle, or reopen a closed one (a coordinator's mistake, or a
    late wave of members): coordinators only, and every change is in the audit log."""
    if not is_coordinator(by):
        raise Refusal("Coordinators open and close cycles.")
    if status not in Cycle.Status.values:
        raise Refusal("Unknown cycle status.")
    if status == Cycle.Status.DRAFT and cycle.status != Cycle.Status.DRAFT:
        raise Refusal("Members have seen this cycle; it cannot go back to draft.")
    if status == cycle.status:
        raise Refusal(f"{cycle} is already {cycle.get_status_display().lower()}.")
    with transaction.atomic():
        if not Cycle.objects.filter(pk=cycle.pk, status=cycle.status).update(status=status):
            raise Refusal("Someone changed this cycle meanwhile; look again.")
        before = cycle.get_status_display()
        cycle.status = status
        audit_record(
            actor=by, target=cycle, message=f"Status {before} → {cycle.get_status_display()}"
        )
    return cycle


def cycle_close_summary(cycle: Cycle) -> dict[str, int]:
    """What closing (or reopening) a cycle touches, counted for the confirmation page."""
    enrollments = Enrollment.objects.filter(cycle=cycle, status=Enrollment.Status.ACTIVE)
    return {
        "mentees": enrollments.filter(role=Enrollment.Role.MENTEE).count(),
        "mentors": enrollments.filter(role=Enrollment.Role.MENTOR).count(),
        # Reverse relations keep this module free of imports from the apps above it.
        "active_mentorships": cycle.mentorships.filter(status="active").count(),
        "pending_requests": cycle.requests.filter(state="pending").count(),
        "match_runs": cycle.match_runs.count(),
    }


def cycle_create(
    *,
    program: Program,
    name: str,
    enrollment_opens: dt.date,
    enrollment_closes: dt.date,
    match_date: dt.date,
    term_end: dt.date,
) -> Cycle:
    """A new cycle of a program, as a draft (members see it once a coordinator opens it)."""
    with transaction.atomic():
        return Cycle.objects.create(
            program=program,
            name=name,
            enrollment_opens=enrollment_opens,
            enrollment_closes=enrollment_closes,
            match_date=match_date,
            term_end=term_end,
        )
