"""Workspace writes that others may race: each is atomic and conditional, nothing is lost."""

from __future__ import annotations

import pytest
from django.conf import settings

from mentorbridge.core.refusals import Refusal
from mentorbridge.members.models import Member
from mentorbridge.mentorships import services
from mentorbridge.mentorships.models import AtRisk, Goal, Mentorship, Milestone

from ..conftest import client_for
from ..factories import make_mentorship
from ..matching.test_concurrency import run_at_once


@pytest.fixture
def mentorship(student: Member, resident: Member) -> Mentorship:
    return make_mentorship(student, resident)


def test_a_goal_of_a_pair_closed_meanwhile_is_not_changed(mentorship: Mentorship) -> None:
    goal = services.goal_add(mentorship=mentorship, by=mentorship.mentee, title="Case report")
    goal = Goal.objects.select_related("mentorship").get(pk=goal.pk)  # the page as loaded
    Mentorship.objects.filter(pk=mentorship.pk).update(status=Mentorship.Status.CLOSED)
    with pytest.raises(Refusal, match="closed"):
        services.goal_set_status(goal=goal, status="done")
    goal.refresh_from_db()
    assert goal.status == "not_started"


def test_a_milestone_ticked_in_two_tabs_stays_ticked(mentorship: Mentorship) -> None:
    goal = services.goal_add(
        mentorship=mentorship, by=mentorship.mentee, title="Apply", milestones=["Draft"]
    )
    milestone = goal.milestones.get()
    client = client_for(mentorship.mentee)
    url = f"/mentorships/{mentorship.pk}/goals/{goal.pk}/"
    # Both tabs showed the milestone not done; the member ticks it in each.
    for _ in range(2):
        assert client.post(url, {"milestone": milestone.pk, "done": "1"}).status_code == 302
    milestone.refresh_from_db()
    assert milestone.done
    client.post(url, {"milestone": milestone.pk, "done": "0"})
    milestone.refresh_from_db()
    assert not milestone.done
    response = client.post(url, {"milestone": milestone.pk, "done": "maybe"}, follow=True)
    assert "Reload the page" in response.content.decode()
    assert not Milestone.objects.get(pk=milestone.pk).done


def test_a_milestone_of_a_closed_pair_is_not_changed(mentorship: Mentorship) -> None:
    goal = services.goal_add(
        mentorship=mentorship, by=mentorship.mentee, title="Apply", milestones=["Draft"]
    )
    milestone = Milestone.objects.select_related("goal__mentorship").get(goal=goal)
    Mentorship.objects.filter(pk=mentorship.pk).update(status=Mentorship.Status.CLOSED)
    with pytest.raises(Refusal, match="closed"):
        services.milestone_set_done(milestone=milestone, done=True)
    assert not Milestone.objects.get(pk=milestone.pk).done


def test_two_coordinators_notes_are_both_kept(mentorship: Mentorship, coordinator: Member) -> None:
    risk = AtRisk.objects.create(mentorship=mentorship, reason=AtRisk.Reason.INACTIVE)
    first_tab, second_tab = AtRisk.objects.get(pk=risk.pk), AtRisk.objects.get(pk=risk.pk)
    by = coordinator.user
    services.risk_note(risk=first_tab, note="Called the mentee", resolve=False, by=by)
    services.risk_note(risk=second_tab, note="Wrote to the mentor", resolve=False, by=by)
    risk.refresh_from_db()
    assert "Called the mentee" in risk.action_note
    assert "Wrote to the mentor" in risk.action_note


@pytest.mark.postgres
@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="concurrency is tested on PostgreSQL (set DATABASE_URL)",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_notes_on_one_at_risk_entry_are_all_kept(
    student: Member, resident: Member, coordinator: Member
) -> None:
    mentorship = make_mentorship(student, resident)
    risk = AtRisk.objects.create(mentorship=mentorship, reason=AtRisk.Reason.INACTIVE)
    notes = [f"note number {n}" for n in range(20)]
    by = coordinator.user
    results = run_at_once(
        [lambda n=n: services.risk_note(risk=risk, note=n, resolve=False, by=by) for n in notes]
    )
    assert all(isinstance(r, AtRisk) for r in results), results
    risk.refresh_from_db()
    assert all(n in risk.action_note for n in notes)
