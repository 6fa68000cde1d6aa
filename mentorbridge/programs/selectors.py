"""Permission-checked reads of cycles and enrollments."""

from __future__ import annotations

from django.http import Http404

from mentorbridge.core.permissions import is_coordinator
from mentorbridge.members.models import Member

from .models import Cycle, Enrollment


def get_cycle(pk: int) -> Cycle:
    """Cycles are public to signed-in members, except drafts (coordinators only, via the admin)."""
    cycle = (
        Cycle.objects.select_related("program")
        .filter(pk=pk)
        .exclude(status=Cycle.Status.DRAFT)
        .first()
    )
    if cycle is None:
        raise Http404("No such cycle.")
    return cycle


def get_cycle_for_coordinator(user: object, pk: int) -> Cycle:
    """Any cycle, drafts included, for a coordinator; 'not found' for everybody else."""
    cycle = Cycle.objects.select_related("program").filter(pk=pk).first()
    if cycle is None or not is_coordinator(user):
        raise Http404("No such cycle.")
    return cycle


def get_enrollment_for_member(member: Member, pk: int) -> Enrollment:
    """One of the member's own enrollments; anyone else's is 'not found'."""
    enrollment = (
        Enrollment.objects.select_related("cycle__program").filter(pk=pk, member=member).first()
    )
    if enrollment is None:
        raise Http404("No such enrollment.")
    Enrollment.member.field.set_cached_value(enrollment, member)  # the row just matched
    return enrollment
