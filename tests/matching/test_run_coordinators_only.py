"""Every match-run service refuses a non-coordinator itself, before it writes anything: the page's
decorator and the API's scope are not the only guard (issue 13)."""

from __future__ import annotations

from typing import Any

import pytest

from mentorbridge.core.audit import audit_trail
from mentorbridge.core.refusals import Refusal
from mentorbridge.matching import runs
from mentorbridge.matching.models import MatchProposal, MatchRun
from mentorbridge.members.models import Member
from mentorbridge.mentorships.models import Mentorship
from mentorbridge.programs.models import Cycle

from .test_match_runs import cycle, start

__all__ = ["cycle"]  # the fixture, reused

pytestmark = pytest.mark.django_db


@pytest.fixture
def not_coordinators(student: Member, resident: Member) -> list[Any]:
    return [student.user, resident.user, None]


def _state(run: MatchRun) -> list[tuple[Any, ...]]:
    return sorted(
        MatchProposal.objects.filter(run=run).values_list(
            "pk", "mentor_enrollment_id", "locked", "edited", "score"
        )
    )


def test_only_a_coordinator_starts_or_reruns_a_run(
    cycle: Cycle, coordinator: Member, not_coordinators: list[Any]
) -> None:
    run = start(cycle, coordinator)
    for by in not_coordinators:
        with pytest.raises(Refusal, match="Coordinators"):
            runs.match_run_create(cycle=cycle, by=by, objective="total")
        with pytest.raises(Refusal, match="Coordinators"):
            runs.match_run_rerun(run=run, by=by)
    assert list(MatchRun.objects.values_list("pk", flat=True)) == [run.pk]
    again = runs.match_run_rerun(run=run, by=coordinator.user)
    assert again.created_by == coordinator.user


def test_only_a_coordinator_publishes_a_run(
    cycle: Cycle, coordinator: Member, not_coordinators: list[Any]
) -> None:
    other = start(cycle, coordinator)
    run = start(cycle, coordinator)
    for by in not_coordinators:
        with pytest.raises(Refusal, match="Coordinators"):
            runs.match_run_publish(run=run, by=by)
    # Nothing written: the run is still ready, the other run not superseded, no pair, no entry.
    assert dict(MatchRun.objects.values_list("pk", "status")) == {
        other.pk: MatchRun.Status.READY,
        run.pk: MatchRun.Status.READY,
    }
    assert not Mentorship.objects.exists()
    assert not audit_trail(run).exists()
    report = runs.match_run_publish(run=run, by=coordinator.user)
    assert report["created"] == Mentorship.objects.count() > 0


def test_only_a_coordinator_edits_a_run_s_proposals(
    cycle: Cycle, coordinator: Member, not_coordinators: list[Any]
) -> None:
    run = start(cycle, coordinator)
    matched = list(run.proposals.exclude(mentor_enrollment=None).order_by("pk"))
    first = matched[0]
    second = next(p for p in matched if p.mentor_enrollment_id != first.mentor_enrollment_id)
    before = _state(run)
    metrics = MatchRun.objects.get(pk=run.pk).metrics
    for by in not_coordinators:
        with pytest.raises(Refusal, match="Coordinators"):
            runs.proposal_swap(run=run, first=first, second=second, by=by)
        with pytest.raises(Refusal, match="Coordinators"):
            runs.proposal_lock(run=run, proposal=first, locked=True, by=by)
        with pytest.raises(Refusal, match="Coordinators"):
            runs.proposal_remove(run=run, proposal=first, by=by)
    assert _state(run) == before
    assert MatchRun.objects.get(pk=run.pk).metrics == metrics
    assert not audit_trail(run).exists()
    runs.proposal_lock(run=run, proposal=first, locked=True, by=coordinator.user)
    assert MatchProposal.objects.get(pk=first.pk).locked
    assert audit_trail(run).get().user == coordinator.user
