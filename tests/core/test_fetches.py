"""Every access-checked fetch a view uses: the right person gets the object, the outsider 'not
found' (one test per type; the URL × role test covers the pages around them)."""

from __future__ import annotations

import pytest
from django.http import Http404

from mentorbridge.api.models import Webhook
from mentorbridge.api.selectors import get_webhook_for_coordinator, webhooks_for_coordinator
from mentorbridge.core.models import Notification
from mentorbridge.core.selectors import get_notification_for_user
from mentorbridge.dashboard.models import RosterUpload
from mentorbridge.dashboard.selectors import get_upload_for_coordinator
from mentorbridge.matching.models import MatchProposal, MatchRun
from mentorbridge.matching.selectors import get_proposal_for_coordinator, get_run_for_coordinator
from mentorbridge.members.models import Member
from mentorbridge.mentorships import services
from mentorbridge.mentorships.models import AtRisk, Mentorship, Resource
from mentorbridge.mentorships.selectors import (
    get_at_risk_for_coordinator,
    get_goal_for_member,
    get_milestone_for_member,
    get_resource_for_coordinator,
)
from mentorbridge.programs.models import Cycle
from mentorbridge.programs.selectors import get_cycle_for_coordinator

from ..factories import enroll, make_cycle, make_mentorship


@pytest.fixture
def mentorship(student: Member, resident: Member) -> Mentorship:
    return make_mentorship(student, resident)


def test_a_goal_and_its_milestones_are_the_pairs_only(
    mentorship: Mentorship, outsider: Member, coordinator: Member, surgeon: Member
) -> None:
    goal = services.goal_add(
        mentorship=mentorship, by=mentorship.mentee, title="Apply", milestones=["Draft"]
    )
    milestone = goal.milestones.get()
    for member in (mentorship.mentee, mentorship.mentor):
        assert get_goal_for_member(member, goal.pk, mentorship_pk=mentorship.pk) == goal
        assert get_milestone_for_member(member, milestone.pk, goal_pk=goal.pk) == milestone
    for member in (outsider, coordinator):
        with pytest.raises(Http404):
            get_goal_for_member(member, goal.pk, mentorship_pk=mentorship.pk)
        with pytest.raises(Http404):
            get_milestone_for_member(member, milestone.pk, goal_pk=goal.pk)
    # The right goal under another pair's address, or another goal's milestone: not found.
    other = make_mentorship(surgeon, mentorship.mentor)
    with pytest.raises(Http404):
        get_goal_for_member(mentorship.mentor, goal.pk, mentorship_pk=other.pk)
    second = services.goal_add(mentorship=mentorship, by=mentorship.mentee, title="Read")
    with pytest.raises(Http404):
        get_milestone_for_member(mentorship.mentee, milestone.pk, goal_pk=second.pk)


def test_a_notification_is_its_members_only(student: Member, outsider: Member) -> None:
    notification = Notification.objects.create(member=student, kind="test", title="Hello")
    assert get_notification_for_user(student.user, notification.pk) == notification
    with pytest.raises(Http404):
        get_notification_for_user(outsider.user, notification.pk)


def test_an_at_risk_entry_is_for_coordinators(
    mentorship: Mentorship, coordinator: Member, outsider: Member
) -> None:
    risk = AtRisk.objects.create(mentorship=mentorship, reason=AtRisk.Reason.INACTIVE)
    assert get_at_risk_for_coordinator(coordinator.user, risk.pk) == risk
    for member in (outsider, mentorship.mentee, mentorship.mentor):
        with pytest.raises(Http404):
            get_at_risk_for_coordinator(member.user, risk.pk)


def test_a_cycle_run_and_proposal_are_for_coordinators(
    student: Member, resident: Member, coordinator: Member, outsider: Member
) -> None:
    cycle = make_cycle()
    Cycle.objects.filter(pk=cycle.pk).update(status=Cycle.Status.DRAFT)  # drafts too
    run = MatchRun.objects.create(cycle=cycle, created_by=coordinator.user, objective="total")
    proposal = MatchProposal.objects.create(
        run=run,
        mentee_enrollment=enroll(student, cycle, "mentee"),
        mentor_enrollment=enroll(resident, cycle, "mentor"),
    )
    other = MatchRun.objects.create(cycle=cycle, created_by=coordinator.user, objective="total")
    assert get_cycle_for_coordinator(coordinator.user, cycle.pk) == cycle
    assert get_run_for_coordinator(coordinator.user, run.pk) == run
    assert get_proposal_for_coordinator(coordinator.user, proposal.pk, run=run) == proposal
    with pytest.raises(Http404):  # a pair of another run
        get_proposal_for_coordinator(coordinator.user, proposal.pk, run=other)
    for member in (outsider, student, resident):
        with pytest.raises(Http404):
            get_cycle_for_coordinator(member.user, cycle.pk)
        with pytest.raises(Http404):
            get_run_for_coordinator(member.user, run.pk)
        with pytest.raises(Http404):
            get_proposal_for_coordinator(member.user, proposal.pk, run=run)


def test_a_resource_and_a_roster_upload_are_for_coordinators(
    coordinator: Member, student: Member, outsider: Member
) -> None:
    resource = Resource.objects.create(title="Guide", url="https://example.org/g")
    upload = RosterUpload.objects.create(
        uploaded_by=coordinator.user, filename="r.csv", content=b"Name,Email\n"
    )
    assert get_resource_for_coordinator(coordinator.user, resource.pk) == resource
    assert get_upload_for_coordinator(coordinator.user, upload.pk) == upload
    for member in (outsider, student):
        with pytest.raises(Http404):
            get_resource_for_coordinator(member.user, resource.pk)
        with pytest.raises(Http404):
            get_upload_for_coordinator(member.user, upload.pk)
    with pytest.raises(Http404):
        get_resource_for_coordinator(coordinator.user, resource.pk + 1)


def test_a_webhook_is_for_coordinators(
    coordinator: Member, student: Member, outsider: Member
) -> None:
    # Webhooks belong to the Task Force as a whole: any coordinator, whoever registered it.
    hook = Webhook.objects.create(url="https://example.org/hook", events=["mentorship.closed"])
    assert get_webhook_for_coordinator(coordinator.user, hook.pk) == hook
    for member in (outsider, student):
        with pytest.raises(Http404):
            get_webhook_for_coordinator(member.user, hook.pk)
    with pytest.raises(Http404):
        get_webhook_for_coordinator(coordinator.user, hook.pk + 1)


def test_the_webhook_list_is_for_coordinators(
    coordinator: Member, student: Member, outsider: Member
) -> None:
    hooks = [
        Webhook.objects.create(url=f"https://example.org/hook{k}", events=["mentorship.closed"])
        for k in range(2)
    ]
    assert list(webhooks_for_coordinator(coordinator.user)) == hooks[::-1]  # newest first
    for user in (outsider.user, student.user, None):
        assert not webhooks_for_coordinator(user).exists()
