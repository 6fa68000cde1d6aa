"""The main flows end to end through the API, checking what changed."""

from __future__ import annotations

from typing import Any

from mentorbridge.matching.models import MentorshipRequest
from mentorbridge.mentorships.models import Mentorship
from mentorbridge.programs.models import Enrollment

from .conftest import MESSAGE, World, api_for


def test_a_student_enrolls_sees_reasons_and_asks_a_mentor(world: World) -> None:
    api = api_for(world.outsider)
    enrolled = api.post(
        "/enrollments",
        {
            "cycle": world.cycle.pk,
            "role": "mentee",
            "goals": "Residency.",
            "topics": ["interview-process"],
        },
    )
    assert enrolled.status_code == 201, enrolled.content
    enrollment = enrolled.json()
    assert enrollment["topics"] == ["interview-process"] and enrollment["role"] == "mentee"
    recs = api.get(f"/enrollments/{enrollment['id']}/recommendations").json()
    assert [r["mentor_enrollment"] for r in recs["items"]] == [world.mentor.pk]
    assert recs["items"][0]["reasons"] and recs["items"][0]["factors"]
    sent = api.post(
        "/requests",
        {
            "mentee_enrollment": enrollment["id"],
            "mentor_enrollment": world.mentor.pk,
            "message": MESSAGE,
        },
    )
    assert sent.status_code == 201 and sent.json()["state"] == "pending"
    too_short = api.post(
        "/requests",
        {
            "mentee_enrollment": enrollment["id"],
            "mentor_enrollment": world.mentor.pk,
            "message": "hi",
        },
    )
    assert too_short.status_code == 422


def test_a_mentor_accepts_and_the_pair_works_in_the_workspace(world: World) -> None:
    mentor = api_for(world.resident)
    started = mentor.post(f"/requests/{world.request.pk}/accept")
    assert started.status_code == 200
    pair = Mentorship.objects.get(pk=started.json()["id"])
    assert (pair.mentee, pair.mentor) == (world.student, world.resident)
    student = api_for(world.student)
    posted = student.post(f"/mentorships/{pair.pk}/messages", {"body": "Hello!"})
    assert posted.status_code == 201
    assert [m["body"] for m in mentor.get(f"/mentorships/{pair.pk}/messages").json()["items"]] == [
        "Hello!"
    ]
    goal = student.post(
        f"/mentorships/{pair.pk}/goals", {"title": "Away rotations", "due_date": "2027-03-01"}
    )
    assert goal.status_code == 201 and goal.json()["due_date"] == "2027-03-01"
    past = student.post(f"/mentorships/{pair.pk}/meetings", {"starts_at": "2020-01-01T10:00:00Z"})
    assert past.status_code == 422


def test_a_mentee_withdraws_a_request_and_an_enrollment(world: World) -> None:
    api = api_for(world.student)
    assert api.post(f"/requests/{world.request.pk}/withdraw").json()["state"] == "withdrawn"
    assert api.post(f"/requests/{world.request.pk}/withdraw").status_code == 409
    assert api.post(f"/enrollments/{world.mentee.pk}/withdraw").json()["status"] == "withdrawn"
    assert api.post(f"/enrollments/{world.mentee.pk}/withdraw").status_code == 409


def test_a_mentor_declines_with_a_reason(world: World) -> None:
    response = api_for(world.resident).post(
        f"/requests/{world.request.pk}/decline", {"reason": "Full."}
    )
    assert response.json()["state"] == "declined"
    world.request.refresh_from_db()
    assert world.request.state == MentorshipRequest.State.DECLINED
    assert world.request.decline_reason == "Full."


def test_the_profile_updates_through_the_pages_rules(world: World) -> None:
    api = api_for(world.student)
    updated = api.patch("/me", {"pronouns": "she/her", "languages": ["english", "spanish"]})
    assert updated.status_code == 200, updated.content
    assert updated.json()["languages"] == ["english", "spanish"]
    assert updated.json()["full_name"] == "Sam Student"  # untouched fields stay
    assert api.patch("/me", {"stage": "astronaut"}).status_code == 422
    assert api.patch("/me", {"full_name": "x"}).status_code == 422
    assert api.patch("/me", {"time_zone": "Mars/Olympus"}).status_code == 422
    assert api.get("/me").json()["pronouns"] == "she/her"


def test_a_coordinator_runs_previews_and_publishes_a_match(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    api = api_for(world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        started = api.post(
            f"/coordinator/cycles/{world.cycle.pk}/match-runs", {"objective": "coverage"}
        )
    assert started.status_code == 202, started.content
    run = api.get(f"/coordinator/match-runs/{started.json()['id']}").json()
    assert run["status"] == "ready" and run["progress"] == 100
    proposals = api.get(f"/coordinator/match-runs/{run['id']}/proposals").json()["items"]
    assert [(p["mentee_enrollment"], p["mentor_enrollment"]) for p in proposals] == [
        (world.mentee.pk, world.mentor.pk)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        published = api.post(f"/coordinator/match-runs/{run['id']}/publish")
    assert published.json() == {"created": 1, "skipped": []}
    assert Mentorship.objects.filter(mentee=world.student, mentor=world.resident).exists()
    unknown = api.post(f"/coordinator/cycles/{world.cycle.pk}/match-runs", {"weights": {"luck": 3}})
    assert unknown.status_code == 422
    enrollments = api.get(f"/coordinator/cycles/{world.cycle.pk}/enrollments", role="mentor").json()
    assert [e["id"] for e in enrollments["items"]] == [
        e.pk for e in Enrollment.objects.filter(cycle=world.cycle, role="mentor")
    ]
    found = api.get("/coordinator/members", q="sam").json()["items"]
    assert [m["email"] for m in found] == ["sam@example.org"]


def test_a_coordinator_reads_the_dashboard_figures_and_exports(world: World) -> None:
    from django.contrib.admin.models import LogEntry

    api = api_for(world.coordinator)
    figures = api.get(f"/coordinator/cycles/{world.cycle.pk}/figures").json()
    assert figures["cycle"] == world.cycle.pk and figures["tables"]
    exported = api.get(f"/coordinator/cycles/{world.cycle.pk}/exports/enrollments").json()
    emails = {row[3] for row in exported["rows"]}
    assert emails == {"sam@example.org", "rita@example.org"}
    assert LogEntry.objects.filter(
        user=world.coordinator.user,
        object_id=str(world.cycle.pk),
        change_message="Exported enrollments as JSON (2 rows)",
    ).exists()
    assert api.get(f"/coordinator/cycles/{world.cycle.pk}/exports/secrets").status_code == 422


def test_another_member_sees_an_institution_only_once_approved(world: World) -> None:
    """As on the profile page: a proposed institution's name is the proposer's own text until a
    coordinator approves it, so the API shows it to its proposer and to coordinators only."""
    from mentorbridge.members.models import Institution

    proposed = Institution.objects.create(
        name="My Own Words Hospital", is_approved=False, proposed_by=world.resident
    )
    world.resident.institution = proposed
    world.resident.save(update_fields=["institution"])
    recs = api_for(world.student).get(f"/enrollments/{world.mentee.pk}/recommendations").json()
    assert recs["items"][0]["mentor"]["institution"] is None
    request = api_for(world.student).get(f"/requests/{world.request.pk}").json()
    assert request["mentor"]["institution"] is None
    own = api_for(world.resident).get("/me").json()
    assert own["institution"]["name"] == "My Own Words Hospital"
    listed = (
        api_for(world.coordinator).get(f"/coordinator/cycles/{world.cycle.pk}/enrollments").json()
    )
    names = {
        e["member"]["institution"]["name"] for e in listed["items"] if e["member"]["institution"]
    }
    assert "My Own Words Hospital" in names
