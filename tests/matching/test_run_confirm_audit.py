"""Publishing a run asks first, with counts; removals, swaps, locks and the publish go to the audit
log, each written by its service in the transaction of the change."""

from __future__ import annotations

import pytest

from mentorbridge.core.audit import audit_trail
from mentorbridge.matching import runs
from mentorbridge.matching.models import MatchProposal, MatchRun
from mentorbridge.matching.runs import edits
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


def _matched(run: MatchRun) -> list[MatchProposal]:
    return list(
        run.proposals.exclude(mentor_enrollment=None)
        .select_related("mentee_enrollment__member", "mentor_enrollment__member")
        .order_by("pk")
    )


def _words(proposal: MatchProposal) -> str:
    assert proposal.mentor_enrollment is not None
    return (
        f"{proposal.mentee_enrollment.member.display_name} – "
        f"{proposal.mentor_enrollment.member.display_name}"
    )


def test_each_edit_audits_itself_so_every_caller_is_in_the_log(
    cycle: Cycle, coordinator: Member
) -> None:
    run = start(cycle, coordinator)
    matched = _matched(run)
    first = matched[0]
    second = next(p for p in matched if p.mentor_enrollment_id != first.mentor_enrollment_id)
    by = coordinator.user
    runs.proposal_lock(run=run, proposal=first, locked=True, by=by)
    runs.proposal_lock(run=run, proposal=first, locked=False, by=by)
    first.refresh_from_db()
    expected = [
        f"Locked the pair {_words(first)}",
        f"Unlocked the pair {_words(first)}",
        f"Swapped the mentors of {_words(first)} and {_words(second)}",
    ]
    runs.proposal_swap(run=run, first=first, second=second, by=by)
    removed = _matched(run)[0]
    expected.append(f"Removed the pair {_words(removed)}")
    runs.proposal_remove(run=run, proposal=removed, by=by)
    trail = audit_trail(run).order_by("action_time", "pk")
    assert [e.get_change_message() for e in trail] == expected
    assert {e.user_id for e in trail} == {by.pk}


@pytest.mark.parametrize("edit", ["swap", "remove"])
def test_an_edit_that_fails_leaves_neither_the_change_nor_its_audit_entry(
    cycle: Cycle, coordinator: Member, monkeypatch: pytest.MonkeyPatch, edit: str
) -> None:
    run = start(cycle, coordinator)
    matched = _matched(run)
    first = matched[0]
    second = next(p for p in matched if p.mentor_enrollment_id != first.mentor_enrollment_id)
    before = sorted(run.proposals.values_list("pk", "mentor_enrollment_id", "edited"))

    def broken(run: MatchRun) -> None:
        raise RuntimeError("the preview's figures could not be computed")

    monkeypatch.setattr(edits, "_refresh_metrics", broken)
    with pytest.raises(RuntimeError):
        if edit == "swap":
            runs.proposal_swap(run=run, first=first, second=second, by=coordinator.user)
        else:
            runs.proposal_remove(run=run, proposal=first, by=coordinator.user)
    assert sorted(run.proposals.values_list("pk", "mentor_enrollment_id", "edited")) == before
    assert not audit_trail(run).exists()


def test_a_lock_whose_audit_entry_fails_is_not_kept(
    cycle: Cycle, coordinator: Member, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = start(cycle, coordinator)
    proposal = _matched(run)[0]

    def broken(**kwargs: object) -> None:
        raise RuntimeError("the audit log could not be written")

    monkeypatch.setattr(edits, "audit_record", broken)
    with pytest.raises(RuntimeError):
        runs.proposal_lock(run=run, proposal=proposal, locked=True, by=coordinator.user)
    proposal.refresh_from_db()
    assert not proposal.locked
