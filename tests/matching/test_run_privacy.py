"""Match runs keep private answers only sealed, the admin never shows them, and the run page
reports concordance only in aggregate with small cells hidden (issue 15.3)."""

from __future__ import annotations

import importlib
import json

import pytest
from django.apps import apps
from django.test import override_settings

from mentorbridge.core import sealed
from mentorbridge.matching import runs
from mentorbridge.matching.models import MatchRun
from mentorbridge.members.models import Interest, Member, PrivateIdentity
from mentorbridge.programs.models import Cycle

from ..conftest import client_for, stage
from ..factories import MemberFactory, enroll, make_cycle


@pytest.fixture
def cycle(db: None) -> Cycle:
    """Mentees who ask for a mentor of their gender, mentors with private answers."""
    cycle = make_cycle()
    congenital = Interest.objects.get(slug="congenital")
    for k in range(3):
        member = MemberFactory(full_name=f"Private Mentee {k}", stage=stage("ms3"))
        member.interests.set([congenital])
        PrivateIdentity.objects.create(
            member=member, consent=True, gender="woman", first_generation=True
        )
        enroll(member, cycle, "mentee", same_gender="soft", shared_background="soft")
    for k in range(2):
        member = MemberFactory(full_name=f"Private Mentor {k}", stage=stage("fellow"))
        member.interests.set([congenital])
        PrivateIdentity.objects.create(
            member=member, consent=True, gender="woman" if k else "nonbinary"
        )
        enroll(member, cycle, "mentor", capacity=2)
    return cycle


def _run(cycle: Cycle, coordinator: Member) -> MatchRun:
    run = runs.match_run_create(cycle=cycle, by=coordinator.user, objective="total")
    return runs.match_run_execute(run_id=run.pk)


def test_the_snapshot_keeps_private_answers_only_sealed(cycle: Cycle, coordinator: Member) -> None:
    run = _run(cycle, coordinator)
    assert run.status == MatchRun.Status.READY
    snap = run.inputs_snapshot
    text = json.dumps({k: v for k, v in snap.items() if k != "private"})
    for side in ("mentees", "mentors"):
        for column in ("genders", "backgrounds", "same_gender", "shared_background", "names"):
            assert column not in snap[side]
    assert "Private Mentee" not in text and "Private Mentor" not in text
    assert "woman" not in json.dumps(snap)
    # ...yet the engine still reads them: a rerun from the same snapshot gives the same pairs.
    private = sealed.unseal(snap["private"])
    assert private["mentees"]["genders"] == [1, 1, 1]
    assert private["mentees"]["same_gender"] == [1, 1, 1]
    again = runs.match_run_execute(run_id=runs.match_run_rerun(run=run, by=coordinator.user).pk)
    pairs = lambda r: sorted(  # noqa: E731
        r.proposals.values_list("mentee_enrollment_id", "mentor_enrollment_id", "score")
    )
    assert pairs(again) == pairs(run)


def test_a_run_whose_seal_cannot_be_opened_fails_with_a_reason(
    cycle: Cycle, coordinator: Member
) -> None:
    run = _run(cycle, coordinator)
    with override_settings(SECRET_KEY="another-key-entirely-" * 3):
        copy = runs.match_run_execute(run_id=runs.match_run_rerun(run=run, by=coordinator.user).pk)
    assert copy.status == MatchRun.Status.FAILED
    assert "SECRET_KEY" in copy.error


def test_sealed_data_opens_with_a_fallback_key_and_not_when_altered(db: None) -> None:
    with override_settings(SECRET_KEY="old-key-" * 6):
        token = sealed.seal({"genders": [1, 2]})
    with override_settings(SECRET_KEY="new-key-" * 6, SECRET_KEY_FALLBACKS=["old-key-" * 6]):
        assert sealed.unseal(token) == {"genders": [1, 2]}
    with pytest.raises(sealed.SealBroken):
        sealed.unseal(token[:-4] + "AAAA")


def test_the_admin_never_displays_the_snapshot(cycle: Cycle, coordinator: Member) -> None:
    run = _run(cycle, coordinator)
    coordinator.user.is_superuser = True
    coordinator.user.save()
    page = client_for(coordinator).get(f"/admin/matching/matchrun/{run.pk}/change/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "3 mentees, 2 mentors, 4 seats" in body
    assert "Private Mentee" not in body and "Private Mentor" not in body
    assert "genders" not in body and "same_gender" not in body
    assert run.inputs_snapshot["private"] not in body


def test_the_run_page_shows_no_per_pair_concordance_and_hides_small_cells(
    cycle: Cycle, coordinator: Member
) -> None:
    run = _run(cycle, coordinator)
    # Three mentees asked: every asked cell is under 5, so the counts are hidden.
    concordance = run.metrics["breakdowns"]["concordance"]
    assert {row["group"] for row in concordance if row["mentees"] is not None} <= {"Not requested"}
    assert all(p.reasons and "concordance" not in dict(p.reasons) for p in run.proposals.all())
    body = client_for(coordinator).get(f"/matching/runs/{run.pk}/").content.decode()
    assert "preferences met" not in body
    assert "hidden (a count under 5)" in body


@pytest.mark.parametrize(
    ("met", "not_met", "hidden"),
    [(5, 5, False), (5, 4, True), (4, 9, True), (0, 12, False), (7, 0, False)],
)
def test_small_concordance_cells_are_suppressed(met: int, not_met: int, hidden: bool) -> None:
    rows = [
        {"group": "Not requested", "mentees": 40, "matched": 30, "share": 0.75},
        {"group": "Requested and met", "mentees": met, "matched": met, "share": 1.0},
        {"group": "Requested, not met", "mentees": not_met + 5, "matched": not_met, "share": 0.5},
    ]
    shown = runs._suppress_small(rows)
    assert shown[0]["mentees"] == 40
    assert (shown[1]["mentees"] is None) is hidden
    assert (shown[2]["mentees"] is None) is hidden


def test_runs_taken_before_sealing_are_sealed_by_the_migration(
    cycle: Cycle, coordinator: Member
) -> None:
    run = _run(cycle, coordinator)
    snap = run.inputs_snapshot
    private = sealed.unseal(snap.pop("private"))
    for side in ("mentees", "mentors"):
        snap[side].update(private[side])
        snap[side]["names"] = ["Someone"] * len(snap[side]["enrollment_ids"])
    MatchRun.objects.filter(pk=run.pk).update(inputs_snapshot=snap)

    migration = importlib.import_module(
        "mentorbridge.matching.migrations.0004_seal_private_answers_in_snapshots"
    )
    migration.seal_existing(apps, None)
    run.refresh_from_db()
    assert "genders" not in run.inputs_snapshot["mentees"]
    assert "names" not in run.inputs_snapshot["mentors"]
    assert sealed.unseal(run.inputs_snapshot["private"]) == private
