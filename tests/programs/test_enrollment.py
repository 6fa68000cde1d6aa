"""Enrolling in a cycle: eligibility, one enrollment per role, closed cycles, bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from mentorbridge.members.models import Language, Member, Topic
from mentorbridge.programs.models import Cycle, Enrollment

from ..conftest import client_for
from ..factories import make_cycle


def topic_ids() -> list[int]:
    return list(Topic.objects.values_list("pk", flat=True)[:2])


def test_a_student_enrolls_as_mentee(student: Member) -> None:
    cycle = make_cycle()
    response = client_for(student).post(
        f"/programs/cycles/{cycle.pk}/enroll/mentee/",
        {"goals": "Plan away rotations.", "topics": topic_ids()},
    )
    enrollment = Enrollment.objects.get(member=student, cycle=cycle)
    assert response.status_code == 302
    assert response["Location"] == f"/matching/enrollments/{enrollment.pk}/find/"
    assert enrollment.role == "mentee"
    assert enrollment.topics.count() == 2


def test_a_student_cannot_enroll_as_mentor_in_track_1(student: Member) -> None:
    cycle = make_cycle()
    client = client_for(student)
    page = client.get(f"/programs/cycles/{cycle.pk}/enroll/mentor/").content.decode()
    assert "cannot enroll as a mentor" in page
    client.post(
        f"/programs/cycles/{cycle.pk}/enroll/mentor/",
        {"capacity": 2, "topics": topic_ids(), "hours_per_month": 2},
    )
    assert not Enrollment.objects.exists()


def test_a_resident_mentors_in_track_1_and_is_mentored_in_track_2(resident: Member) -> None:
    track1, track2 = make_cycle("student-resident"), make_cycle("resident-surgeon")
    client = client_for(resident)
    client.post(
        f"/programs/cycles/{track1.pk}/enroll/mentor/",
        {"capacity": 3, "topics": topic_ids(), "hours_per_month": 2},
    )
    client.post(
        f"/programs/cycles/{track2.pk}/enroll/mentee/",
        {"goals": "Fellowship.", "topics": topic_ids()},
    )
    assert set(Enrollment.objects.values_list("cycle__program__slug", "role", "capacity")) == {
        ("student-resident", "mentor", 3),
        ("resident-surgeon", "mentee", 0),
    }
    # ...but not as a mentee in track 1.
    client.post(
        f"/programs/cycles/{track1.pk}/enroll/mentee/", {"goals": "x", "topics": topic_ids()}
    )
    assert Enrollment.objects.count() == 2


def test_one_enrollment_per_member_role_and_cycle(student: Member) -> None:
    cycle = make_cycle()
    client = client_for(student)
    for _ in range(2):
        client.post(
            f"/programs/cycles/{cycle.pk}/enroll/mentee/",
            {"goals": "Goals.", "topics": topic_ids()},
        )
    assert Enrollment.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"capacity": 9, "topics": [], "hours_per_month": 2}, "Select a valid choice"),
        ({"capacity": 2, "topics": [], "hours_per_month": 2}, "This field is required"),
        ({"capacity": 2, "topics": ["999999"], "hours_per_month": 2}, "Select a valid choice"),
        ({"capacity": 2, "topics": "TOPICS", "hours_per_month": 0}, "at least an hour"),
        ({"capacity": "two", "hours_per_month": "lots"}, "Select a valid choice"),
    ],
)
def test_bad_mentor_enrollments_change_nothing(resident: Member, data: dict, message: str) -> None:
    cycle = make_cycle()
    if data.get("topics") == "TOPICS":
        data["topics"] = topic_ids()
    response = client_for(resident).post(f"/programs/cycles/{cycle.pk}/enroll/mentor/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Enrollment.objects.exists()


def test_a_closed_cycle_takes_no_enrollments(student: Member) -> None:
    cycle = make_cycle(status=Cycle.Status.CLOSED)
    client_for(student).post(
        f"/programs/cycles/{cycle.pk}/enroll/mentee/", {"goals": "G.", "topics": topic_ids()}
    )
    assert not Enrollment.objects.exists()


def test_enrollment_outside_the_window_is_refused(student: Member) -> None:
    today = timezone.localdate()
    cycle = make_cycle(
        enrollment_opens=today + dt.timedelta(days=5),
        enrollment_closes=today + dt.timedelta(days=9),
    )
    response = client_for(student).get(f"/programs/cycles/{cycle.pk}/enroll/mentee/")
    assert "not taking enrollments" in response.content.decode()


def test_wrong_cycle_or_role_is_404(student: Member) -> None:
    cycle = make_cycle()
    client = client_for(student)
    assert client.get("/programs/cycles/999999/enroll/mentee/").status_code == 404
    assert client.get(f"/programs/cycles/{cycle.pk}/enroll/boss/").status_code == 404
    draft = make_cycle(status=Cycle.Status.DRAFT)
    assert client.get(f"/programs/cycles/{draft.pk}/enroll/mentee/").status_code == 404


def test_soft_concordance_needs_private_answers(student: Member) -> None:
    cycle = make_cycle()
    response = client_for(student).post(
        f"/programs/cycles/{cycle.pk}/enroll/mentee/",
        {"goals": "G.", "topics": topic_ids(), "same_gender": "soft"},
    )
    assert response.status_code == 400
    assert "Add your gender to your private answers" in response.content.decode()


def test_insisting_on_a_language_needs_the_language(student: Member) -> None:
    cycle = make_cycle()
    url = f"/programs/cycles/{cycle.pk}/enroll/mentee/"
    response = client_for(student).post(
        url, {"goals": "G.", "topics": topic_ids(), "language_insisted": "on"}
    )
    assert response.status_code == 400
    assert "Choose the language first." in response.content.decode()
    assert not Enrollment.objects.filter(member=student).exists()
    spanish = Language.objects.get(slug="spanish")
    response = client_for(student).post(
        url,
        {"goals": "G.", "topics": topic_ids(), "language": spanish.pk, "language_insisted": "on"},
    )
    assert response.status_code == 302
    enrollment = Enrollment.objects.get(member=student)
    assert enrollment.language_insisted
    assert enrollment.requirements == ["speaks Spanish"]


def test_someone_elses_enrollment_is_404(student: Member, outsider: Member) -> None:
    cycle = make_cycle()
    enrollment = Enrollment.objects.create(cycle=cycle, member=student, role="mentee")
    client = client_for(outsider)
    assert client.get(f"/programs/enrollments/{enrollment.pk}/").status_code == 404
    assert client.post(f"/programs/enrollments/{enrollment.pk}/withdraw/").status_code == 404
    enrollment.refresh_from_db()
    assert enrollment.status == "active"


def test_coordinators_create_open_and_close_cycles(coordinator: Member, student: Member) -> None:
    client = client_for(coordinator)
    today = timezone.localdate()
    response = client.post(
        "/programs/coordinate/cycles/new/",
        {
            "program": 1,
            "name": "2027–28",
            "enrollment_opens": today.isoformat(),
            "enrollment_closes": (today + dt.timedelta(days=30)).isoformat(),
            "match_date": (today + dt.timedelta(days=31)).isoformat(),
            "term_end": (today + dt.timedelta(days=365)).isoformat(),
        },
    )
    assert response.status_code == 302
    cycle = Cycle.objects.get(name="2027–28")
    assert cycle.status == "draft"
    client.post(f"/programs/coordinate/cycles/{cycle.pk}/status/", {"status": "open"})
    cycle.refresh_from_db()
    assert cycle.status == "open"
    client.post(f"/programs/coordinate/cycles/{cycle.pk}/status/", {"status": "closed"})
    cycle.refresh_from_db()
    assert cycle.status == "closed"
    # A closed cycle can be reopened (tests/programs/test_cycle_status.py), never made a draft.
    client.post(f"/programs/coordinate/cycles/{cycle.pk}/status/", {"status": "draft"})
    cycle.refresh_from_db()
    assert cycle.status == "closed"
    # Members cannot.
    assert client_for(student).get("/programs/coordinate/").status_code == 404


def test_a_cycle_with_dates_out_of_order_is_refused(coordinator: Member) -> None:
    today = timezone.localdate()
    response = client_for(coordinator).post(
        "/programs/coordinate/cycles/new/",
        {
            "program": 1,
            "name": "Backwards",
            "enrollment_opens": today.isoformat(),
            "enrollment_closes": (today - dt.timedelta(days=3)).isoformat(),
            "match_date": (today - dt.timedelta(days=5)).isoformat(),
            "term_end": "not a date",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enrollment must close after it opens" in body
    assert "Enter a valid date" in body
    assert not Cycle.objects.filter(name="Backwards").exists()
