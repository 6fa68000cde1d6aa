"""Reads for the Task Force's pages: coordinators see every program's cycles (the access-checked
fetch of a cycle is programs.selectors.get_cycle_for_coordinator)."""

from __future__ import annotations

from django.http import Http404

from mentorbridge.core.permissions import is_coordinator
from mentorbridge.programs.models import Cycle

from .models import RosterUpload


def default_cycle() -> Cycle | None:
    """The cycle the dashboard opens on: the newest open one, else the newest."""
    cycles = Cycle.objects.select_related("program").order_by("-enrollment_opens", "-pk")
    return cycles.filter(status=Cycle.Status.OPEN).first() or cycles.first()


def get_upload_for_coordinator(user: object, pk: int) -> RosterUpload:
    """An uploaded roster (its bytes deferred: the preview reads them once), for a coordinator;
    'not found' for anyone else."""
    upload = RosterUpload.objects.filter(pk=pk).defer("content").first()
    if upload is None or not is_coordinator(user):
        raise Http404("No such upload.")
    return upload
