"""Permission-checked reads for the Task Force's pages: coordinators see every program's cycles."""

from __future__ import annotations

from django.http import Http404

from mentorbridge.core.permissions import is_coordinator
from mentorbridge.programs.models import Cycle


def get_cycle_for_coordinator(user: object, pk: int) -> Cycle:
    """Any cycle, drafts included, for a coordinator; 'not found' for everybody else."""
    cycle = Cycle.objects.select_related("program").filter(pk=pk).first()
    if cycle is None or not is_coordinator(user):
        raise Http404("No such cycle.")
    return cycle


def default_cycle() -> Cycle | None:
    """The cycle the dashboard opens on: the newest open one, else the newest."""
    cycles = Cycle.objects.select_related("program").order_by("-enrollment_opens", "-pk")
    return cycles.filter(status=Cycle.Status.OPEN).first() or cycles.first()
