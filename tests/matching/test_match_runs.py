"""Coordinator match runs: preview, reproducibility, edits, publish, increments and bad input."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from mentorbridge.core.refusals import Refusal
from mentorbridge.matching import runs
from mentorbridge.matching.models import MatchProposal, MatchRun
from mentorbridge.members.models import Interest, Language, Member
from mentorbridge.mentorships.models import Mentorship
from mentorbridge.programs.models import Cycle, Enrollment

from ..conftest import client_for, stage
from ..factories import MemberFactory, enroll, make_cycle


@pytest.fixture
def cycle(db: None) -> Cycle:
    """6 mentees, 3 mentors with 4 seats in all."""
    cycle = make_cycle()
    interests = list(Interest.objects.all()[:4])
    for k in range(6):
        member = MemberFactory(
            full_name=f"Mentee {k}", stage=stage("ms3"), user__email=f"mentee{k}@example.org"
        )
        member.interests.set([interests[k % 4]])
        enroll(member, cycle, "mentee", goals=f"goal words {k}")
    for k, capacity in enumerate([2, 1, 1]):
        member = MemberFactory(
            full_name=f"Mentor {k}", stage=stage("fellow"), user__email=f"mentor{k}@example.org"
        )
        member.interests.set([interests[k]])
        enroll(member, cycle, "mentor", capacity=capacity)
    return cycle


def start(
    cycle: Cycle, coordinator: Member, objective: str = "coverage", **kwargs: object
) -> MatchRun:
    run = runs.match_run_create(cycle=cycle, by=coordinator.user, objective=objective, **kwargs)
    return runs.match_run_execute(run_id=run.pk)


def pairs(run: MatchRun) -> list[tuple[int, int | None]]:
    return list(
        run.proposals.order_by("mentee_enrollment_id").values_list(
            "mentee_enrollment_id", "mentor_enrollment_id"
        )
    )


@pytest.mark.parametrize("objective", ["total", "coverage", "maximin", "stable"])
def test_a_run_proposes_pairs_within_capacity(
    cycle: Cycle, coordinator: Member, objective: str
) -> None:
    run = start(cycle, coordinator, objective)
    assert run.status == "ready", run.error
    assert run.proposals.count() == 6
    matched = run.proposals.exclude(mentor_enrollment=None)
    assert run.metrics["matched"] == matched.count()
    for mentor in Enrollment.objects.filter(cycle=cycle, role="mentor"):
        assert matched.filter(mentor_enrollment=mentor).count() <= mentor.capacity
    if objective in {"coverage", "maximin"}:
        assert run.metrics["matched"] == 4 == run.metrics["max_possible"]
    if objective == "stable":
        assert run.metrics["blocking_pairs"] == 0  # the certificate of a stable run
    assert run.metrics["blocking_pairs"] >= 0
    unmatched = run.proposals.filter(mentor_enrollment=None)
    assert all(p.unmatched_reason for p in unmatched)
    assert {row["group"] for row in run.metrics["breakdowns"]["institution"]}
    assert not Mentorship.objects.exists()  # nothing changes before publishing


def test_a_run_is_reproducible_from_its_snapshot(cycle: Cycle, coordinator: Member) -> None:
    run = start(cycle, coordinator)
    # The database changes after the snapshot; the re-run must not see it.
    enroll(MemberFactory(stage=stage("ms1")), cycle, "mentee")
    again = runs.match_run_execute(run_id=runs.match_run_rerun(run=run, by=coordinator.user).pk)
    assert pairs(again) == pairs(run)
    assert again.inputs_snapshot == run.inputs_snapshot


def test_swap_lock_remove_then_publish(
    cycle: Cycle, coordinator: Member, django_capture_on_commit_callbacks
) -> None:
    run = start(cycle, coordinator)
    first, second = list(
        run.proposals.exclude(mentor_enrollment=None).exclude(mentor_enrollment_id=None)[:2]
    )
    if first.mentor_enrollment_id == second.mentor_enrollment_id:
        second = (
            run.proposals.exclude(mentor_enrollment=None)
            .exclude(mentor_enrollment_id=first.mentor_enrollment_id)
            .first()
        )
    a, b = first.mentor_enrollment_id, second.mentor_enrollment_id
    client = client_for(coordinator)
    client.post(f"/matching/runs/{run.pk}/swap/", {"pick": [first.pk, second.pk]})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.mentor_enrollment_id, second.mentor_enrollment_id) == (b, a)
    assert first.edited
    client.post(f"/matching/runs/{run.pk}/lock/", {"proposal": first.pk})
    response = client.post(f"/matching/runs/{run.pk}/remove/", {"proposal": first.pk}, follow=True)
    assert "Unlock the pair before removing it" in response.content.decode()
    client.post(f"/matching/runs/{run.pk}/remove/", {"proposal": second.pk})
    second.refresh_from_db()
    assert second.mentor_enrollment_id is None
    expected = run.proposals.exclude(mentor_enrollment=None).count()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/matching/runs/{run.pk}/publish/", {})
    run.refresh_from_db()
    assert run.status == "published"
    assert (
        Mentorship.objects.filter(source="match_run").count()
        == expected
        == run.publish_report["created"]
    )
    assert len(mail.outbox) == 2 * expected
    # Publishing twice is refused.
    response = client.post(f"/matching/runs/{run.pk}/publish/", {}, follow=True)
    assert "not ready to publish" in response.content.decode()
    assert Mentorship.objects.count() == expected


def test_publish_skips_anyone_matched_meanwhile(cycle: Cycle, coordinator: Member) -> None:
    from mentorbridge.mentorships.services import mentorship_start

    run = start(cycle, coordinator)
    proposal = (
        run.proposals.exclude(mentor_enrollment=None).select_related("mentee_enrollment").first()
    )
    assert proposal is not None
    outside_mentor = enroll(MemberFactory(stage=stage("fellow")), cycle, "mentor", capacity=1)
    mentorship_start(
        mentee_enrollment=proposal.mentee_enrollment,
        mentor_enrollment=outside_mentor,
        source="request",
    )
    report = runs.match_run_publish(run=run, by=coordinator.user)
    assert len(report["skipped"]) == 1
    assert "already has an active mentorship" in report["skipped"][0]["reason"]
    assert Mentorship.objects.filter(mentee=proposal.mentee_enrollment.member).count() == 1


def test_late_enrollments_are_matched_without_disturbing_published_pairs(
    cycle: Cycle, coordinator: Member
) -> None:
    run = start(cycle, coordinator)
    runs.match_run_publish(run=run, by=coordinator.user)
    published = set(Mentorship.objects.values_list("mentee_id", "mentor_id"))
    late_mentor = enroll(MemberFactory(stage=stage("fellow")), cycle, "mentor", capacity=3)
    second = start(cycle, coordinator)
    assert second.metrics["mentees"] == 6 - len(published)
    assert set(
        second.proposals.exclude(mentor_enrollment=None).values_list(
            "mentor_enrollment_id", flat=True
        )
    ) <= {late_mentor.pk}
    runs.match_run_publish(run=second, by=coordinator.user)
    assert published <= set(Mentorship.objects.values_list("mentee_id", "mentor_id"))
    assert Mentorship.objects.count() == 6


def test_fixed_and_forbidden_pairs(cycle: Cycle, coordinator: Member) -> None:
    mentee = Enrollment.objects.get(member__user__email="mentee5@example.org")
    mentor = Enrollment.objects.get(member__user__email="mentor2@example.org")
    forbidden_mentor = Enrollment.objects.get(member__user__email="mentor0@example.org")
    other = Enrollment.objects.get(member__user__email="mentee0@example.org")
    run = start(
        cycle,
        coordinator,
        fixed_pairs=[(mentee.pk, mentor.pk)],
        forbidden_pairs=[(other.pk, forbidden_mentor.pk)],
    )
    assert (
        MatchProposal.objects.get(run=run, mentee_enrollment=mentee).mentor_enrollment_id
        == mentor.pk
    )
    assert MatchProposal.objects.get(run=run, mentee_enrollment=mentee).locked
    assert (
        MatchProposal.objects.get(run=run, mentee_enrollment=other).mentor_enrollment_id
        != forbidden_mentor.pk
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"objective": "fastest"}, "Select a valid choice"),
        ({"objective": "total", "w_interests": "-1"}, "greater than or equal to 0"),
        (
            {"objective": "total", "fixed_pairs": "nobody@example.org, mentor0@example.org"},
            "is not enrolled as a mentee",
        ),
        (
            {"objective": "total", "forbidden_pairs": "just one column"},
            "write “mentee email, mentor email”",
        ),
    ],
)
def test_bad_run_forms_change_nothing(
    cycle: Cycle, coordinator: Member, data: dict, message: str
) -> None:
    form = {f"w_{name}": value for name, value in cycle.program.effective_weights().items()}
    form.update({"seed": 0, **data})
    response = client_for(coordinator).post(f"/matching/cycles/{cycle.pk}/runs/", form)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not MatchRun.objects.exists()


def test_a_mentee_insisting_on_a_language_gets_a_speaker_or_nobody(
    cycle: Cycle, coordinator: Member
) -> None:
    spanish = Language.objects.get(slug="spanish")
    mentee = Enrollment.objects.get(cycle=cycle, member__full_name="Mentee 0")
    Enrollment.objects.filter(pk=mentee.pk).update(language=spanish, language_insisted=True)
    for objective in ("coverage", "stable"):
        run = start(cycle, coordinator, objective)
        assert dict(pairs(run))[mentee.pk] is None  # no mentor speaks Spanish
        reason = run.proposals.get(mentee_enrollment=mentee).unmatched_reason
        assert "No eligible mentor" in reason
    speaker = Enrollment.objects.get(cycle=cycle, member__full_name="Mentor 2")
    speaker.member.languages.add(spanish)
    # Seats for everyone, so that covering all six needs the speaker for mentee 0.
    Enrollment.objects.filter(pk=speaker.pk).update(capacity=3)
    assert dict(pairs(start(cycle, coordinator, "coverage")))[mentee.pk] == speaker.pk
    assert dict(pairs(start(cycle, coordinator, "stable")))[mentee.pk] in {speaker.pk, None}


def test_all_zero_weights_are_refused(cycle: Cycle, coordinator: Member) -> None:
    form = {f"w_{name}": 0 for name in cycle.program.effective_weights()}
    response = client_for(coordinator).post(
        f"/matching/cycles/{cycle.pk}/runs/", {"objective": "total", "seed": 0, **form}
    )
    assert "At least one weight" in response.content.decode()
    assert not MatchRun.objects.exists()


def test_a_closed_cycle_cannot_be_run(cycle: Cycle, coordinator: Member) -> None:
    Cycle.objects.filter(pk=cycle.pk).update(status="closed")
    cycle.refresh_from_db()
    with pytest.raises(Refusal, match="not open"):
        runs.match_run_create(cycle=cycle, by=coordinator.user, objective="total")


def test_members_cannot_see_or_touch_runs(
    cycle: Cycle, coordinator: Member, student: Member, resident: Member
) -> None:
    run = start(cycle, coordinator)
    for member in (student, resident):
        client = client_for(member)
        assert client.get(f"/matching/cycles/{cycle.pk}/runs/").status_code == 404
        assert client.get(f"/matching/runs/{run.pk}/").status_code == 404
        assert client.post(f"/matching/runs/{run.pk}/publish/", {}).status_code == 404
    run.refresh_from_db()
    assert run.status == "ready"


def test_the_preview_page_shows_pairs_and_metrics(cycle: Cycle, coordinator: Member) -> None:
    run = start(cycle, coordinator)
    body = client_for(coordinator).get(f"/matching/runs/{run.pk}/").content.decode()
    assert "Mentees matched" in body
    assert "Without a CT program" in body or "With a CT program" in body
    assert "Mentee 0" in body
    assert "Publish" in body
    assert "Blocking pairs" in body
    # Each pair's strongest factors, with their share of the score.
    assert re.search(r"(shared interests|goals/bio similarity|time zone|meeting style) \d+%", body)


def test_a_run_counts_pairs_who_would_rather_be_together(
    cycle: Cycle, coordinator: Member, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Most total score is not stability: the run says how many pairs it leaves wanting each other."""
    import scipy.sparse as sp

    mentee_ids = list(
        Enrollment.objects.filter(cycle=cycle, role="mentee").values_list("pk", flat=True)
    )

    def two_by_two(index: object, rows: object, weights: object, **kwargs: object) -> sp.csr_matrix:
        # Mentee 0 likes mentor 0 best (0.9) and mentor 0 agrees, but mentee 1 has no one else:
        # the most total score separates them; stable matching keeps them together.
        n, m = len(mentee_ids), 3
        return sp.csr_matrix(([0.9, 0.8, 0.85, 0.1], ([0, 0, 1, 1], [0, 1, 0, 1])), shape=(n, m))

    monkeypatch.setattr(runs.scoring, "candidates", two_by_two)
    Enrollment.objects.filter(cycle=cycle, role="mentor").update(capacity=1)
    total = start(cycle, coordinator, "total")
    assert total.metrics["blocking_pairs"] == 1
    body = client_for(coordinator).get(f"/matching/runs/{total.pk}/").content.decode()
    assert "would both rather be together" in body
    assert start(cycle, coordinator, "stable").metrics["blocking_pairs"] == 0


def _two_pairs_with_different_mentors(run: MatchRun) -> tuple[MatchProposal, MatchProposal]:
    matched = list(run.proposals.exclude(mentor_enrollment=None).order_by("pk"))
    first = matched[0]
    second = next(p for p in matched if p.mentor_enrollment_id != first.mentor_enrollment_id)
    return first, second


def test_a_swap_refuses_two_members_who_blocked_each_other(
    cycle: Cycle, coordinator: Member
) -> None:
    from mentorbridge.members.models import Block

    run = start(cycle, coordinator)
    first, second = _two_pairs_with_different_mentors(run)
    # Blocked after the run: the swap must still refuse it.
    Block.objects.create(
        blocker=second.mentor_enrollment.member, blocked=first.mentee_enrollment.member
    )
    with pytest.raises(Refusal, match="may not be paired"):
        runs.proposal_swap(run=run, first=first, second=second, by=coordinator.user)
    first.refresh_from_db()
    assert not first.edited


def test_publish_honours_a_block_filed_after_the_run(cycle: Cycle, coordinator: Member) -> None:
    from mentorbridge.members.models import Block

    run = start(cycle, coordinator)
    proposal = run.proposals.exclude(mentor_enrollment=None).first()
    assert proposal is not None and proposal.mentor_enrollment is not None
    Block.objects.create(
        blocker=proposal.mentee_enrollment.member, blocked=proposal.mentor_enrollment.member
    )
    report = runs.match_run_publish(run=run, by=coordinator.user)
    assert not Mentorship.objects.filter(
        mentee=proposal.mentee_enrollment.member, mentor=proposal.mentor_enrollment.member
    ).exists()
    assert any("blocked" in row["reason"] for row in report["skipped"])


def test_a_swap_is_rescored_from_the_runs_snapshot(cycle: Cycle, coordinator: Member) -> None:
    run = start(cycle, coordinator)
    first, second = _two_pairs_with_different_mentors(run)
    before = {p.pk: (p.score, p.reasons) for p in (first, second)}
    # Profiles change after the run; the run's own figures must not.
    for mentor in Enrollment.objects.filter(cycle=cycle, role="mentor"):
        mentor.member.interests.clear()
        mentor.member.bio = "Entirely different words now"
        mentor.member.save()
    runs.proposal_swap(run=run, first=first, second=second, by=coordinator.user)
    first.refresh_from_db()
    second.refresh_from_db()
    runs.proposal_swap(run=run, first=first, second=second, by=coordinator.user)  # and back
    for proposal in (first, second):
        proposal.refresh_from_db()
        assert (proposal.score, proposal.reasons) == before[proposal.pk]


def test_publishing_a_run_supersedes_the_cycles_other_runs(
    cycle: Cycle, coordinator: Member
) -> None:
    stale = start(cycle, coordinator)
    published = start(cycle, coordinator)
    queued = runs.match_run_create(cycle=cycle, by=coordinator.user, objective="total")
    removed = published.proposals.exclude(mentor_enrollment=None).first()
    assert removed is not None
    pair = (removed.mentee_enrollment.member, removed.mentor_enrollment.member)
    runs.proposal_remove(run=published, proposal=removed, by=coordinator.user)
    runs.match_run_publish(run=published, by=coordinator.user)
    stale.refresh_from_db()
    assert stale.status == "superseded" and stale.superseded_by_id == published.pk
    with pytest.raises(Refusal, match="superseded"):
        runs.match_run_publish(run=stale, by=coordinator.user)
    with pytest.raises(Refusal, match="superseded"):
        runs.match_run_rerun(run=stale, by=coordinator.user)
    # The coordinator's removal holds: no run can create that pair now.
    assert not Mentorship.objects.filter(mentee=pair[0], mentor=pair[1]).exists()
    # A run still queued at publication stays superseded when its worker gets to it.
    assert runs.match_run_execute(run_id=queued.pk).status == "superseded"
    assert not queued.proposals.exists()
    page = client_for(coordinator).get(f"/matching/runs/{stale.pk}/").content.decode()
    assert "Superseded" in page and "Publish: create" not in page
    # A run started after the publication matches late enrollments as before.
    assert start(cycle, coordinator).status == "ready"


def test_every_figure_of_the_preview_follows_the_coordinators_edits(
    cycle: Cycle, coordinator: Member
) -> None:
    run = start(cycle, coordinator)
    before = run.metrics
    removed = run.proposals.exclude(mentor_enrollment=None).first()
    assert removed is not None
    runs.proposal_remove(run=run, proposal=removed, by=coordinator.user)
    run.refresh_from_db()
    after = run.metrics
    assert after["edited"] and after["matched"] == before["matched"] - 1
    for name in ("institution", "stage"):
        matched = {row["group"]: row["matched"] for row in after["breakdowns"][name]}
        was = {row["group"]: row["matched"] for row in before["breakdowns"][name]}
        assert sum(matched.values()) == sum(was.values()) - 1, name
    assert sum(int(k) * v for k, v in after["mentor_load"].items()) == after["matched"]
    assert after["mentors_unused"] >= before["mentors_unused"]
    assert after["max_possible"] == before["max_possible"]
    page = client_for(coordinator).get(f"/matching/runs/{run.pk}/").content.decode()
    assert f"<strong>{after['matched']}</strong>" in page
