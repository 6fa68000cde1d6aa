"""Verified training stages (issue 15.1): a self-declared move into a mentor stage, or across the
ladder's rungs, waits for a coordinator; until then the old stage's rights hold."""

from __future__ import annotations

import pytest
from django.test import Client

from mentorbridge.core.models import Notification
from mentorbridge.core.refusals import Refusal
from mentorbridge.members import services
from mentorbridge.members.models import (
    Member,
    StageChange,
    stage_change_needs_verification,
)
from mentorbridge.programs.models import Enrollment

from ..conftest import client_for, stage
from ..factories import enroll, make_cycle
from .test_profile import valid_profile


def _save_profile(member: Member, stage_slug: str, **extra: object) -> Client:
    client = client_for(member)
    response = client.post("/members/me/edit/", valid_profile(stage=stage(stage_slug).pk, **extra))
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


def _mentor_enroll(client: Client, cycle_pk: int) -> None:
    from mentorbridge.members.models import Topic

    client.post(
        f"/programs/cycles/{cycle_pk}/enroll/mentor/",
        {"capacity": 5, "topics": [Topic.objects.first().pk], "hours_per_month": 2},  # type: ignore[union-attr]
    )


def test_a_student_who_declares_senior_surgeon_keeps_the_student_rights(student: Member) -> None:
    track2 = make_cycle("resident-surgeon")
    client = _save_profile(student, "senior-surgeon")

    student.refresh_from_db()
    assert student.stage == stage("ms2")
    change = StageChange.objects.get(member=student)
    assert (change.status, change.from_stage, change.to_stage) == (
        StageChange.Status.PENDING,
        stage("ms2"),
        stage("senior-surgeon"),
    )
    # Enrollment follows the old stage: no mentor seat in the resident track.
    page = client.get(f"/programs/cycles/{track2.pk}/enroll/mentor/").content.decode()
    assert "cannot enroll as a mentor" in page
    _mentor_enroll(client, track2.pk)
    assert not Enrollment.objects.exists()
    # ...and the member sees that it is pending, on the profile and on the form.
    assert "Your training stage change is pending" in client.get("/members/me/").content.decode()
    form = client.get("/members/me/edit/").content.decode()
    assert "Waiting for a coordinator to confirm Senior surgeon" in form


def test_others_see_the_old_stage_while_a_change_is_pending(
    student: Member, resident: Member
) -> None:
    _save_profile(student, "senior-surgeon")
    page = client_for(resident).get(f"/members/{student.pk}/").content.decode()
    assert "Senior surgeon" not in page
    assert "MS2" in page


def test_saving_other_fields_keeps_the_request_and_choosing_the_old_stage_withdraws_it(
    student: Member,
) -> None:
    _save_profile(student, "pgy-2-resident")
    _save_profile(student, "pgy-2-resident", bio="Now with a longer bio.")
    assert StageChange.objects.pending().get(member=student).to_stage == stage("pgy-2-resident")
    _save_profile(student, "ms2")
    assert not StageChange.objects.pending().exists()
    assert StageChange.objects.get(member=student).status == StageChange.Status.WITHDRAWN


def test_a_move_within_a_rung_applies_at_once(student: Member, resident: Member) -> None:
    _save_profile(student, "ms4")
    _save_profile(resident, "fellow")
    student.refresh_from_db()
    resident.refresh_from_db()
    assert (student.stage, resident.stage) == (stage("ms4"), stage("fellow"))
    assert not StageChange.objects.pending().exists()


@pytest.mark.parametrize(
    ("old", "new", "waits"),
    [
        (None, "ms1", False),
        (None, "pgy-1-resident", True),
        (None, "senior-surgeon", True),
        ("ms2", "ms3", False),
        ("ms2", "research-year", False),
        ("ms4", "pgy-1-resident", True),
        ("pgy-3-resident", "fellow", False),
        ("fellow", "early-career-surgeon", True),
        ("senior-surgeon", "retired-surgeon", False),
        ("retired-surgeon", "senior-surgeon", True),
        ("pgy-3-resident", "ms4", True),
        ("senior-surgeon", "fellow", True),
    ],
)
def test_which_changes_wait(db: None, old: str | None, new: str, waits: bool) -> None:
    before = stage(old) if old else None
    assert stage_change_needs_verification(before, stage(new)) is waits


def test_a_coordinator_approves_from_the_queue(student: Member, coordinator: Member) -> None:
    _save_profile(student, "pgy-1-resident")
    change = StageChange.objects.pending().get()
    client = client_for(coordinator)
    queue = client.get("/dashboard/stage-changes/").content.decode()
    assert "Sam Student" in queue and "PGY-1 resident" in queue

    response = client.post(f"/dashboard/stage-changes/{change.pk}/decide/", {"decision": "approve"})
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.stage == stage("pgy-1-resident")
    change.refresh_from_db()
    assert change.status == StageChange.Status.APPROVED
    assert change.decided_by == coordinator.user
    assert change.decided_at is not None
    assert Notification.objects.filter(member=student, kind="stage_change").exists()
    # Decided once: a second click changes nothing and is 404 (no longer in the queue).
    again = client.post(f"/dashboard/stage-changes/{change.pk}/decide/", {"decision": "refuse"})
    assert again.status_code == 404
    assert StageChange.objects.get(pk=change.pk).status == StageChange.Status.APPROVED


def test_a_coordinator_refuses_with_a_reason(student: Member, coordinator: Member) -> None:
    _save_profile(student, "senior-surgeon")
    change = StageChange.objects.pending().get()
    client_for(coordinator).post(
        f"/dashboard/stage-changes/{change.pk}/decide/",
        {"decision": "refuse", "note": "Not on the society's roster."},
    )
    student.refresh_from_db()
    assert student.stage == stage("ms2")
    change.refresh_from_db()
    assert change.status == StageChange.Status.REFUSED
    assert change.note == "Not on the society's roster."
    note = Notification.objects.get(member=student, kind="stage_change")
    assert "Not on the society's roster." in note.body


def test_a_nonsense_decision_changes_nothing(student: Member, coordinator: Member) -> None:
    _save_profile(student, "senior-surgeon")
    change = StageChange.objects.pending().get()
    client_for(coordinator).post(
        f"/dashboard/stage-changes/{change.pk}/decide/", {"decision": "maybe"}
    )
    assert StageChange.objects.get(pk=change.pk).status == StageChange.Status.PENDING


def test_only_coordinators_reach_the_queue(
    student: Member, resident: Member, coordinator: Member
) -> None:
    _save_profile(student, "senior-surgeon")
    change = StageChange.objects.pending().get()
    for member in (student, resident):  # the member themself, and an outsider
        client = client_for(member)
        assert client.get("/dashboard/stage-changes/").status_code == 404
        response = client.post(
            f"/dashboard/stage-changes/{change.pk}/decide/", {"decision": "approve"}
        )
        assert response.status_code == 404
    assert Client().get("/dashboard/stage-changes/").status_code == 302  # to the login page
    assert StageChange.objects.get(pk=change.pk).status == StageChange.Status.PENDING
    student.refresh_from_db()
    assert student.stage == stage("ms2")


def test_a_verified_source_applies_at_once_and_settles_the_pending_change(
    student: Member, coordinator: Member
) -> None:
    _save_profile(student, "pgy-1-resident")
    change = services.member_stage_verify(
        member=student, stage=stage("pgy-1-resident"), source="roster", by=coordinator
    )
    student.refresh_from_db()
    assert student.stage == stage("pgy-1-resident")
    assert change.source == "roster" and change.status == StageChange.Status.APPROVED
    # The member's own request was confirmed by the roster, not left in the queue.
    assert not StageChange.objects.pending().exists()
    assert StageChange.objects.filter(member=student, source="member").get().status == (
        StageChange.Status.APPROVED
    )
    # Calling it again (a nightly re-import) records nothing new.
    again = services.member_stage_verify(
        member=student, stage=stage("pgy-1-resident"), source="roster"
    )
    assert again.pk == change.pk
    assert StageChange.objects.filter(member=student).count() == 2


def test_a_verified_source_replaces_a_different_request(student: Member) -> None:
    _save_profile(student, "senior-surgeon")
    services.member_stage_verify(member=student, stage=stage("ms3"), source="sso")
    student.refresh_from_db()
    assert student.stage == stage("ms3")
    own = StageChange.objects.get(member=student, source="member")
    assert own.status == StageChange.Status.WITHDRAWN


def test_an_unverified_source_is_refused(student: Member) -> None:
    with pytest.raises(Refusal):
        services.member_stage_verify(member=student, stage=stage("fellow"), source="member")
    with pytest.raises(Refusal):
        services.member_stage_verify(member=student, stage=stage("fellow"), source="email")
    student.refresh_from_db()
    assert student.stage == stage("ms2")
    assert not StageChange.objects.exists()


def test_enrollments_that_no_longer_fit_are_flagged(
    resident: Member, student: Member, coordinator: Member
) -> None:
    track1 = make_cycle("student-resident")
    mentor = enroll(resident, track1, "mentor")
    enroll(student, track1, "mentee")
    assert not Enrollment.objects.not_fitting_stage().exists()

    services.member_stage_verify(member=resident, stage=stage("senior-surgeon"), source="roster")
    assert list(Enrollment.objects.not_fitting_stage()) == [mentor]
    page = client_for(coordinator).get("/dashboard/stage-changes/").content.decode()
    assert "Enrollments that no longer fit" in page
    assert f"/admin/programs/enrollment/{mentor.pk}/change/" in page


def test_a_coordinator_setting_a_stage_in_the_admin_is_recorded_as_verified(
    student: Member, coordinator: Member
) -> None:
    from types import SimpleNamespace

    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    request = RequestFactory().post("/admin/")
    request.user = coordinator.user
    student.stage = stage("fellow")
    site._registry[Member].save_model(
        request, student, SimpleNamespace(changed_data=["stage"]), True
    )
    student.refresh_from_db()
    assert student.stage == stage("fellow")
    change = StageChange.objects.get(member=student)
    assert (change.source, change.decided_by) == ("coordinator", coordinator.user)
    assert change.status == StageChange.Status.APPROVED
