"""The four 500s of issue 15.5 and the oversized bodies of 15.8: each now a clear refusal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.forms.models import model_to_dict
from django.test import override_settings

from mentorbridge.members.models import Member, StageChange
from mentorbridge.members.services import stage_change_request
from mentorbridge.mentorships.forms import MeetingForm, PastMeetingForm
from mentorbridge.mentorships.models import AtRisk, Meeting
from mentorbridge.programs.admin import EnrollmentAdminForm
from mentorbridge.programs.models import Enrollment

from ..conftest import client_for, stage
from ..factories import make_cycle, make_mentorship


@pytest.mark.parametrize("when", ["9999-12-31T23:30", "0001-01-01T00:00", "0001-01-01T08:00"])
@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Tokyo", "Pacific/Kiritimati"])
def test_a_meeting_time_far_in_the_future_or_past_is_a_form_error(
    student: Member, resident: Member, when: str, zone: str
) -> None:
    Member.objects.filter(pk=student.pk).update(time_zone=zone)
    student.refresh_from_db()
    for form_class in (MeetingForm, PastMeetingForm):
        form = form_class(
            {"starts_at": when, "duration_minutes": 45, "minutes": 45, "format": "video"},
            member=student,
        )
        assert not form.is_valid()
        assert "starts_at" in form.errors
    mentorship = make_mentorship(student, resident)
    response = client_for(student).post(
        f"/mentorships/{mentorship.pk}/meetings/",
        {"starts_at": when, "duration_minutes": 45, "format": "video"},
    )
    assert response.status_code in {200, 302, 400}
    assert not Meeting.objects.exists()


def test_capacity_below_the_seats_taken_is_a_form_error_in_the_admin(
    student: Member, resident: Member
) -> None:
    mentorship = make_mentorship(student, resident)
    enrollment = Enrollment.objects.get(pk=mentorship.mentor_enrollment_id)
    Enrollment.objects.filter(pk=enrollment.pk).update(capacity=2, mentee_count=2)
    enrollment.refresh_from_db()
    data = model_to_dict(enrollment, exclude=["target_programs"])
    data["topics"] = []
    for capacity, message in [(1, "already has 2 mentees"), (0, "between 1 and 5")]:
        form = EnrollmentAdminForm({**data, "capacity": capacity}, instance=enrollment)
        assert not form.is_valid()
        assert message in str(form.errors["capacity"])
    form = EnrollmentAdminForm({**data, "capacity": 3}, instance=enrollment)
    assert form.is_valid(), form.errors
    form.save()
    assert Enrollment.objects.get(pk=enrollment.pk).capacity == 3


def test_the_admin_change_page_refuses_capacity_below_seats_taken(
    student: Member, resident: Member, coordinator: Member
) -> None:
    mentorship = make_mentorship(student, resident)
    enrollment = Enrollment.objects.get(pk=mentorship.mentor_enrollment_id)
    Enrollment.objects.filter(pk=enrollment.pk).update(capacity=2, mentee_count=2)
    coordinator.user.is_superuser = True
    coordinator.user.save()
    enrollment.refresh_from_db()
    data = {
        k: ("" if v is None else v)
        for k, v in model_to_dict(enrollment, exclude=["target_programs", "topics"]).items()
    }
    data.update({"capacity": 1, "created_at_0": "2026-01-01", "created_at_1": "10:00:00"})
    response = client_for(coordinator).post(
        f"/admin/programs/enrollment/{enrollment.pk}/change/", data
    )
    assert response.status_code == 200
    assert "already has 2 mentees" in response.content.decode()
    assert Enrollment.objects.get(pk=enrollment.pk).capacity == 2


def test_a_nul_character_in_the_at_risk_note_is_refused_through_the_form(
    student: Member, resident: Member, coordinator: Member
) -> None:
    mentorship = make_mentorship(student, resident)
    risk = AtRisk.objects.create(mentorship=mentorship, reason=AtRisk.Reason.INACTIVE)
    client = client_for(coordinator)
    response = client.post(f"/mentorships/at-risk/{risk.pk}/note/", {"note": "Called\x00 them"})
    assert response.status_code == 302
    risk.refresh_from_db()
    assert risk.action_note == ""
    page = client.get("/mentorships/at-risk/").content.decode()
    assert "The note was not saved" in page
    client.post(f"/mentorships/at-risk/{risk.pk}/note/", {"note": "Called them", "resolve": "on"})
    risk.refresh_from_db()
    assert risk.action_note.endswith("Called them") and risk.resolved_at is not None


def test_a_nul_character_in_a_stage_decision_note_is_refused(
    student: Member, coordinator: Member
) -> None:
    change = stage_change_request(member=student, stage=stage("senior-surgeon"))
    assert change is not None
    response = client_for(coordinator).post(
        f"/dashboard/stage-changes/{change.pk}/decide/", {"decision": "refuse", "note": "no\x00"}
    )
    assert response.status_code == 302
    assert StageChange.objects.get(pk=change.pk).status == StageChange.Status.PENDING


MANY = "&".join(f"f{i}=1" for i in range(1100))


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize("path", ["/", "/members/me/", "/programs/", "/accounts/login/"])
def test_more_query_fields_than_allowed_get_the_400_page(
    student: Member, debug: bool, path: str
) -> None:
    client = client_for(student)
    client.raise_request_exception = False
    with override_settings(DEBUG=debug):
        response = client.get(f"{path}?{MANY}")
        posted = client.post(path, MANY, content_type="application/x-www-form-urlencoded")
        nul = client.get(f"{path}?q=a%00b")
    assert response.status_code == 400
    assert posted.status_code == 400
    assert nul.status_code == 400
    assert "We could not accept that" in response.content.decode()


def test_many_multipart_fields_get_the_400_page(student: Member) -> None:
    client = client_for(student)
    client.raise_request_exception = False
    with override_settings(DEBUG=True):
        response = client.post("/members/me/edit/", {f"f{i}": "1" for i in range(1100)})
    assert response.status_code == 400


@pytest.mark.parametrize("debug", [True, False])
def test_a_body_over_the_limit_is_refused_whatever_its_type(student: Member, debug: bool) -> None:
    client = client_for(student)
    client.raise_request_exception = False
    big = b"x" * (3 * 1024 * 1024)
    with override_settings(DEBUG=debug):
        for content_type in ("application/octet-stream", "application/json", "text/plain"):
            response = client.generic("POST", "/members/me/edit/", big, content_type=content_type)
            assert response.status_code == 413, content_type
        # A 50 MB multipart file part: refused from its length, before a byte is read.
        response = client.generic(
            "POST",
            "/members/me/edit/",
            b'--b\r\nContent-Disposition: form-data; name="f"; filename="a.bin"\r\n\r\n',
            content_type="multipart/form-data; boundary=b",
            CONTENT_LENGTH=str(50 * 1024 * 1024),
        )
    assert response.status_code == 413
    assert "too large" in response.content.decode()
    bad = client.generic("POST", "/members/me/edit/", b"", CONTENT_LENGTH="lots")
    assert bad.status_code == 400


def test_the_roster_upload_may_take_a_larger_file(coordinator: Member) -> None:
    client = client_for(coordinator)
    csv = b"name,email\n" + b"Someone,someone@example.org\n" * 120_000  # about 3.4 MB
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        "/dashboard/roster/", {"file": SimpleUploadedFile("roster.csv", csv, "text/csv")}
    )
    assert response.status_code != 413
    too_big = client.generic(
        "POST",
        "/dashboard/roster/",
        b"",
        content_type="multipart/form-data; boundary=b",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    assert too_big.status_code == 413


def test_an_ordinary_cycle_date_far_away_is_a_form_error(coordinator: Member) -> None:
    from mentorbridge.programs.forms import CycleForm
    from mentorbridge.programs.models import Program

    today = dt.date.today()
    form = CycleForm(
        {
            "program": Program.objects.first().pk,  # type: ignore[union-attr]
            "name": "Far",
            "enrollment_opens": today.isoformat(),
            "enrollment_closes": today.isoformat(),
            "match_date": today.isoformat(),
            "term_end": "9999-12-31",
        }
    )
    assert not form.is_valid()
    assert "term_end" in form.errors
    make_cycle()  # the ordinary path still works
