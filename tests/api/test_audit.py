"""What a coordinator does through the API is in the audit log as when done on the pages."""

from __future__ import annotations

from typing import Any

from mentorbridge.core.audit import audit_trail
from mentorbridge.matching.models import MatchRun

from .conftest import World, api_for


def test_a_publish_through_the_api_is_in_the_audit_log(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    api = api_for(world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        started = api.post(f"/coordinator/cycles/{world.cycle.pk}/match-runs", {})
    run = MatchRun.objects.get(pk=started.json()["id"])
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(f"/coordinator/match-runs/{run.pk}/publish").status_code == 200
    entry = audit_trail(run).get()
    assert (entry.user_id, entry.get_change_message()) == (
        world.coordinator.user.pk,
        "Published: 1 created, 0 skipped",
    )
    # Refused (already published): nothing more is recorded.
    assert api.post(f"/coordinator/match-runs/{run.pk}/publish").status_code == 409
    assert audit_trail(run).count() == 1
