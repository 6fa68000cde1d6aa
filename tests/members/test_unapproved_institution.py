"""An institution a member proposed shows to nobody else until a coordinator approves it (15.6)."""

from __future__ import annotations

from mentorbridge.matching import pool
from mentorbridge.members.models import Institution, Member

from ..conftest import client_for
from ..factories import enroll, make_cycle, make_mentorship

NAME = "Totally Real Institute of Surgery"


def test_an_unapproved_institution_is_shown_only_to_its_proposer(
    student: Member, resident: Member, surgeon: Member
) -> None:
    proposer = client_for(resident)
    response = proposer.post(
        "/members/institutions/propose/",
        {"name": NAME, "city": "Nowhere", "region": "ZZ", "country": "United States"},
    )
    assert response.status_code == 302
    institution = Institution.objects.get(name=NAME)
    assert not institution.is_approved
    assert NAME in proposer.get("/members/me/").content.decode()

    cycle = make_cycle()
    mentee = enroll(student, cycle, "mentee")
    mentor = enroll(resident, cycle, "mentor")
    pool.clear_cache()
    mentorship = make_mentorship(resident, surgeon, make_cycle("resident-surgeon"))
    pages = {
        "profile": client_for(student).get(f"/members/{resident.pk}/"),
        "find": client_for(student).get(f"/matching/enrollments/{mentee.pk}/find/"),
        "request": client_for(student).get(
            f"/matching/enrollments/{mentee.pk}/request/{mentor.pk}/"
        ),
        "workspace": client_for(surgeon).get(f"/mentorships/{mentorship.pk}/"),
    }
    for name, page in pages.items():
        assert page.status_code == 200, name
        body = page.content.decode()
        assert NAME not in body, name
        assert "Nowhere" not in body, name
    assert "Rita Resident" in pages["find"].content.decode()

    # Approved, it is everyone's.
    Institution.objects.filter(pk=institution.pk).update(is_approved=True)
    body = client_for(student).get(f"/members/{resident.pk}/").content.decode()
    assert NAME in body
