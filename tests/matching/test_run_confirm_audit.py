"""Publishing a run asks first, with counts; removals, swaps and the publish go to the audit log."""

from __future__ import annotations

import pytest

from mentorbridge.core.audit import audit_trail
from mentorbridge.matching.models import MatchRun
from mentorbridge.members.models import Member
from mentorbridge.mentorships.models import Mentorship
from mentorbridge.programs.models import Cycle

from ..conftest import client_for
from .test_match_runs import cycle, start

__all__ = ["cycle"]  # the fixture, reused

pytestmark = pytest.mark.django_db


def test_the_publish_page_counts_what_will_happen_and_changes_nothing(
    cycle: Cycle, coordinator: Member
) -> None:
    run = start(cycle, coordinator)
    pairs = run.proposals.exclude(mentor_enrollment=None).count()
    client = client_for(coordinator)
    body = client.get(f"/matching/runs/{run.pk}/publish/").content.decode()
    assert f"create <strong>{pairs} mentorships</strong>" in body
    assert f"send <strong>{2 * pairs} emails</strong>" in body
    assert f"leave {6 - pairs} mentees unmatched" in body
    run.refresh_from_db()
    assert run.status == MatchRun.Status.READY
    assert not Mentorship.objects.exists()
    assert (
        f"/matching/runs/{run.pk}/publish/"
        in client.get(f"/matching/runs/{run.pk}/").content.decode()
    )


def test_the_publish_page_says_other_runs_will_be_superseded(
    cycle: Cycle, coordinator: Member
) -> None:
    first = start(cycle, coordinator)
    second = start(cycle, coordinator)
    body = client_for(coordinator).get(f"/matching/runs/{second.pk}/publish/").content.decode()
    assert "supersede the cycle's 1 other unpublished run:" in body
    assert first.pk != second.pk


def test_a_published_run_has_no_publish_page(cycle: Cycle, coordinator: Member) -> None:
    run = start(cycle, coordinator)
    client = client_for(coordinator)
    client.post(f"/matching/runs/{run.pk}/publish/", {})
    response = client.get(f"/matching/runs/{run.pk}/publish/", follow=True)
    assert "not ready to publish" in response.content.decode()


def test_members_cannot_see_the_publish_page(
    cycle: Cycle, coordinator: Member, student: Member
) -> None:
    run = start(cycle, coordinator)
    assert client_for(student).get(f"/matching/runs/{run.pk}/publish/").status_code == 404


def test_edits_and_the_publish_are_in_the_audit_log(cycle: Cycle, coordinator: Member) -> None:
    run = start(cycle, coordinator)
    proposal = (
        run.proposals.exclude(mentor_enrollment=None)
        .select_related("mentee_enrollment__member", "mentor_enrollment__member")
        .first()
    )
    assert proposal is not None
    mentee = proposal.mentee_enrollment.member.display_name
    client = client_for(coordinator)
    client.post(f"/matching/runs/{run.pk}/remove/", {"proposal": proposal.pk})
    client.post(f"/matching/runs/{run.pk}/publish/", {})
    messages = [e.get_change_message() for e in audit_trail(run).order_by("action_time", "pk")]
    assert messages[0].startswith(f"Removed the pair {mentee} – ")
    assert messages[1].startswith("Published: ")
    assert {e.user_id for e in audit_trail(run)} == {coordinator.user.pk}
    # A refused action records nothing.
    client.post(f"/matching/runs/{run.pk}/publish/", {})
    assert audit_trail(run).count() == 2


def test_the_audit_log_is_readable_by_coordinators_in_the_admin(
    cycle: Cycle, coordinator: Member
) -> None:
    run = start(cycle, coordinator)
    client = client_for(coordinator)
    client.post(f"/matching/runs/{run.pk}/publish/", {})
    page = client.get("/admin/core/auditlog/")
    assert page.status_code == 200
    assert "Published: " in page.content.decode()
    assert client.get("/admin/core/auditlog/add/").status_code == 403
