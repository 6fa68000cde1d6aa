"""Reads for the Task Force's pages: coordinators see every program's cycles (the access-checked
fetch of a cycle is programs.selectors.get_cycle_for_coordinator)."""

from __future__ import annotations

from mentorbridge.programs.models import Cycle


def default_cycle() -> Cycle | None:
    """The cycle the dashboard opens on: the newest open one, else the newest."""
    cycles = Cycle.objects.select_related("program").order_by("-enrollment_opens", "-pk")
    return cycles.filter(status=Cycle.Status.OPEN).first() or cycles.first()
