"""Profile pages: completing a profile, bad input, and who may see what."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mentorbridge.members.models import (
    Institution,
    Interest,
    Language,
    Member,
    PrivateIdentity,
    Topic,
    TrainingStage,
)

from ..conftest import client_for


def valid_profile(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "full_name": "Sam Student",
        "pronouns": "they/them",
        "stage": TrainingStage.objects.get(slug="ms3").pk,
        "institution": Institution.objects.first().pk,  # type: ignore[union-attr]
        "home_has_ct_program": "false",
        "time_zone": "America/Chicago",
        "languages": [Language.objects.get(slug="english").pk],
        "interests": [Interest.objects.get(slug="congenital").pk],
        "topics_wanted": [Topic.objects.get(slug="interview-process").pk],
        "bio": "MS3 who loves the OR.",
        "goals": "Find out about away rotations.",
        "meeting_formats": ["video"],
        "meeting_frequency": "monthly",
        "phone": "",
        "private-gender": "",
        "private-underrepresented_in_medicine": "",
        "private-first_generation": "",
        "private-international_graduate": "",
    }
    data.update(overrides)
    return data


def test_a_new_profile_lists_what_is_missing(student: Member) -> None:
    body = client_for(student).get("/members/me/").content.decode()
    assert "Your profile is missing" in body
    assert "Subspecialty interests" in body
    assert "Topics you want guidance on" in body


def test_a_member_completes_the_profile(student: Member) -> None:
    response = client_for(student).post("/members/me/edit/", valid_profile())
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.time_zone == "America/Chicago"
    assert student.home_has_ct_program is False
    assert student.missing_fields() == []
    assert "Your profile is complete" in client_for(student).get("/members/me/").content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("full_name", " ", "This field is required"),
        ("full_name", "x" * 151, "at most 150 characters"),
        ("stage", "999999", "Select a valid choice"),
        ("stage", "", "This field is required"),
        ("institution", "not-a-number", "Select a valid choice"),
        ("time_zone", "Mars/Olympus_Mons", "Select a valid choice"),
        ("languages", ["0"], "Select a valid choice"),
        ("meeting_formats", ["carrier-pigeon"], "Select a valid choice"),
        ("meeting_frequency", "hourly", "Select a valid choice"),
        ("bio", "b" * 2001, "at most 2000 characters"),
        ("phone", "call me maybe", "Enter a phone number"),
        ("home_has_ct_program", "perhaps", "Select a valid choice"),
        ("private-gender", "woman", "Tick the consent box"),
        ("private-first_generation", "true", "Tick the consent box"),
    ],
)
def test_each_wrong_field_gets_a_clear_message_and_saves_nothing(
    student: Member, field: str, value: Any, message: str
) -> None:
    before = Member.objects.values().get(pk=student.pk)
    response = client_for(student).post("/members/me/edit/", valid_profile(**{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Member.objects.values().get(pk=student.pk) == before
    assert not student.languages.exists()
    assert not PrivateIdentity.objects.filter(member=student).exists()


def test_an_institution_someone_else_proposed_cannot_be_chosen(
    student: Member, outsider: Member
) -> None:
    theirs = Institution.objects.create(
        name="Hidden School", city="Nowhere", is_approved=False, proposed_by=outsider
    )
    response = client_for(student).post("/members/me/edit/", valid_profile(institution=theirs.pk))
    assert response.status_code == 400


def test_private_answers_are_kept_only_with_consent(student: Member) -> None:
    client = client_for(student)
    client.post(
        "/members/me/edit/",
        valid_profile(**{"private-consent": "on", "private-gender": "woman"}),
    )
    identity = PrivateIdentity.objects.get(member=student)
    assert identity.gender == "woman"
    assert identity.consent_at is not None
    # Withdrawing consent deletes the answers.
    client.post("/members/me/edit/", valid_profile())
    identity.refresh_from_db()
    assert (identity.consent, identity.gender, identity.consent_at) == (False, "", None)


def test_private_answers_never_appear_to_another_member(student: Member, resident: Member) -> None:
    PrivateIdentity.objects.create(
        member=student,
        consent=True,
        gender="nonbinary",
        underrepresented_in_medicine=True,
        international_graduate=True,
    )
    body = client_for(resident).get(f"/members/{student.pk}/").content.decode()
    assert student.full_name in body
    for secret in (
        "Non-binary",
        "nonbinary",
        "under-represented",
        "International graduate",
        "Private",
    ):
        assert secret not in body
    own = client_for(student).get("/members/me/").content.decode()
    assert "Non-binary" in own


def test_a_member_cannot_edit_another_members_profile(student: Member, resident: Member) -> None:
    client = client_for(resident)
    assert (
        client.post(f"/members/{student.pk}/", valid_profile(full_name="Hacked")).status_code == 405
    )
    assert client.post(f"/members/{student.pk}/edit/", valid_profile()).status_code == 404
    student.refresh_from_db()
    assert student.full_name == "Sam Student"


def test_anonymous_visitors_see_no_profiles(student: Member) -> None:
    response = Client().get(f"/members/{student.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_missing_or_deactivated_member_is_404(student: Member, resident: Member) -> None:
    client = client_for(resident)
    assert client.get("/members/999999/").status_code == 404
    student.user.is_active = False
    student.user.save()
    assert client.get(f"/members/{student.pk}/").status_code == 404


def test_institution_search_filters_options(student: Member) -> None:
    Institution.objects.create(name="Mayo Clinic", city="Rochester", region="MN")
    Institution.objects.create(name="Duke University", city="Durham", region="NC")
    body = client_for(student).get("/members/institutions/options/?q=roch").content.decode()
    assert "Mayo Clinic" in body
    assert "Duke" not in body


def test_a_member_proposes_a_missing_institution(student: Member) -> None:
    response = client_for(student).post(
        "/members/institutions/propose/",
        {
            "name": "New School of Medicine",
            "city": "Boise",
            "region": "ID",
            "country": "United States",
        },
    )
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.institution is not None
    assert student.institution.name == "New School of Medicine"
    assert student.institution.is_approved is False
    assert student.institution.proposed_by == student


def test_proposing_an_existing_institution_is_refused(student: Member) -> None:
    Institution.objects.create(name="Mayo Clinic", city="Rochester", country="United States")
    before = Institution.objects.count()
    response = client_for(student).post(
        "/members/institutions/propose/",
        {"name": "mayo   clinic", "city": "rochester", "country": "United States"},
    )
    assert response.status_code == 400
    assert "already listed" in response.content.decode()
    assert Institution.objects.count() == before


def test_roles_follow_the_training_stage(
    student: Member, resident: Member, surgeon: Member
) -> None:
    assert student.roles() == ["mentee"]
    assert resident.roles() == ["mentee", "mentor"]
    assert surgeon.roles() == ["mentor"]


def test_a_mentors_profile_edit_refreshes_the_mentor_tables(resident: Member) -> None:
    """Recommendations and match runs read languages and interests from cached mentor tables."""
    from mentorbridge.matching import pool
    from mentorbridge.programs.models import Cycle

    from ..factories import enroll, make_cycle

    mentoring, other = make_cycle(), make_cycle("resident-surgeon")
    enroll(resident, mentoring, "mentor", capacity=2)
    spanish = Language.objects.get(slug="spanish")
    assert spanish.pk not in pool.mentor_pool(mentoring)[0].languages[0]
    versions = dict(Cycle.objects.values_list("pk", "pool_version"))
    response = client_for(resident).post(
        "/members/me/edit/",
        valid_profile(
            full_name=resident.full_name, stage=resident.stage_id, languages=[spanish.pk]
        ),
    )
    assert response.status_code == 302
    # Moved (once per changed row or relation the pool reads: the count does not matter).
    edited = Cycle.objects.get(pk=mentoring.pk).pool_version
    assert edited > versions[mentoring.pk]
    assert Cycle.objects.get(pk=other.pk).pool_version == versions[other.pk]
    assert spanish.pk in pool.mentor_pool(mentoring)[0].languages[0]
    # Saving again without a change leaves the cached tables alone.
    client_for(resident).post(
        "/members/me/edit/",
        valid_profile(
            full_name=resident.full_name, stage=resident.stage_id, languages=[spanish.pk]
        ),
    )
    assert Cycle.objects.get(pk=mentoring.pk).pool_version == edited
