"""Closing and reopening a cycle: a confirmation page with counts first, then the audit log."""

from __future__ import annotations

import pytest

from mentorbridge.core.audit import audit_trail
from mentorbridge.members.models import Member
from mentorbridge.programs.models import Cycle

from ..conftest import client_for
from ..factories import make_mentorship

pytestmark = pytest.mark.django_db


def test_closing_asks_first_with_counts_then_closes_and_is_audited(
    coordinator: Member, student: Member, resident: Member
) -> None:
    mentorship = make_mentorship(student, resident)
    cycle = mentorship.cycle
    client = client_for(coordinator)
    page = client.get(f"/programs/coordinate/cycles/{cycle.pk}/status/?status=closed")
    body = page.content.decode()
    assert page.status_code == 200
    assert "1 mentee and 1 mentor stay enrolled" in body
    assert "1 active mentorship continues until the term ends" in body
    cycle.refresh_from_db()
    assert cycle.status == "open"  # looking at the page changes nothing

    client.post(f"/programs/coordinate/cycles/{cycle.pk}/status/", {"status": "closed"})
    cycle.refresh_from_db()
    assert cycle.status == "closed"
    entry = audit_trail(cycle).get()
    assert entry.user == coordinator.user
    assert entry.get_change_message() == "Status Open → Closed"


def test_a_closed_cycle_can_be_reopened_and_its_match_runs_stay_linked(
    coordinator: Member,
) -> None:
    from ..factories import make_cycle

    cycle = make_cycle(status=Cycle.Status.CLOSED)
    client = client_for(coordinator)
    coordinate = client.get("/programs/coordinate/").content.decode()
    assert f"/matching/cycles/{cycle.pk}/runs/" in coordinate
    assert "Reopen…" in coordinate
    assert (
        "Reopen"
        in client.get(
            f"/programs/coordinate/cycles/{cycle.pk}/status/?status=open"
        ).content.decode()
    )
    client.post(f"/programs/coordinate/cycles/{cycle.pk}/status/", {"status": "open"})
    cycle.refresh_from_db()
    assert cycle.status == "open"
    assert client.get(f"/matching/cycles/{cycle.pk}/runs/").status_code == 200


def test_members_cannot_reach_the_confirmation_or_change_a_cycle(student: Member) -> None:
    from ..factories import make_cycle

    cycle = make_cycle()
    client = client_for(student)
    assert (
        client.get(f"/programs/coordinate/cycles/{cycle.pk}/status/?status=closed").status_code
        == 404
    )
    assert (
        client.post(f"/programs/coordinate/cycles/{cycle.pk}/status/", {"status": "closed"})
    ).status_code == 404
    cycle.refresh_from_db()
    assert cycle.status == "open"


def test_nonsense_status_changes_nothing(coordinator: Member) -> None:
    from ..factories import make_cycle

    cycle = make_cycle()
    client = client_for(coordinator)
    for status in ("", "draft", "banana"):
        assert (
            client.get(
                f"/programs/coordinate/cycles/{cycle.pk}/status/?status={status}"
            ).status_code
            == 302
        )
        client.post(f"/programs/coordinate/cycles/{cycle.pk}/status/", {"status": status})
    cycle.refresh_from_db()
    assert cycle.status == "open"
    assert not audit_trail(cycle).exists()


def test_the_service_refuses_a_non_coordinator_and_changes_nothing(
    coordinator: Member, student: Member, resident: Member
) -> None:
    from mentorbridge.core.refusals import Refusal
    from mentorbridge.programs import services

    from ..factories import make_cycle

    cycle = make_cycle()
    for by in (student.user, resident.user, None):
        with pytest.raises(Refusal, match="Coordinators"):
            services.cycle_set_status(cycle=cycle, status=Cycle.Status.CLOSED, by=by)
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.OPEN
    assert not audit_trail(cycle).exists()
    services.cycle_set_status(cycle=cycle, status=Cycle.Status.CLOSED, by=coordinator.user)
    assert Cycle.objects.get(pk=cycle.pk).status == Cycle.Status.CLOSED
    assert audit_trail(cycle).get().user == coordinator.user
