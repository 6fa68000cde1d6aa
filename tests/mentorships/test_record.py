"""Mentor recognition: the record and the PDF certificate."""

from __future__ import annotations

from mentorbridge.members.models import Member
from mentorbridge.mentorships import services
from mentorbridge.mentorships.models import Meeting, PodVisibility

from ..conftest import client_for, stage
from ..factories import MemberFactory, make_cycle, make_mentorship


def test_the_certificate_lists_completed_mentorships(student: Member, resident: Member) -> None:
    mentorship = make_mentorship(student, resident)
    client = client_for(resident)
    response = client.get("/mentorships/record/certificate.pdf", follow=True)
    assert "none has been completed yet" in response.content.decode()
    Meeting.objects.create(
        mentorship=mentorship,
        proposed_by=student,
        starts_at=mentorship.started_at,
        status="held",
        minutes_held=90,
    )
    services.mentorship_close(mentorship=mentorship, by=None, completed=True)
    record = client.get("/mentorships/record/").content.decode()
    assert "1.5" in record and "Completed" in record
    pdf = client.get("/mentorships/record/certificate.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_a_pod_shows_only_when_everyone_agreed(
    student: Member, resident: Member, surgeon: Member
) -> None:
    make_mentorship(student, resident)
    make_mentorship(resident, surgeon, cycle=make_cycle("resident-surgeon"))
    client = client_for(resident)
    assert "Sol Surgeon</li>" not in client.get("/mentorships/").content.decode().replace(
        " · Senior surgeon", ""
    )
    for m in (student, resident):
        PodVisibility.objects.create(member=m, visible=True)
    body = client.get("/mentorships/").content.decode()
    assert "Sol Surgeon" not in body.split("My pod")[1]  # the surgeon has not agreed
    PodVisibility.objects.create(member=surgeon, visible=True)
    pod = client.get("/mentorships/").content.decode().split("My pod")[1]
    assert pod.index("Sam Student") < pod.index("Rita Resident") < pod.index("Sol Surgeon")
    # Someone outside the ladder sees no one's pod.
    other = MemberFactory(stage=stage("ms1"))
    PodVisibility.objects.create(member=other, visible=True)
    assert (
        "Rita Resident"
        not in client_for(other).get("/mentorships/").content.decode().split("My pod")[1]
    )
