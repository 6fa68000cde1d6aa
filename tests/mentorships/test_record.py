"""Mentor recognition: the record and the PDF certificate."""

from __future__ import annotations

from typing import Any

import pytest

from mentorbridge.members.models import Member, PodVisibility
from mentorbridge.mentorships.models import Meeting

from ..conftest import client_for, stage
from ..factories import MemberFactory, complete_mentorship, make_cycle, make_mentorship


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
    complete_mentorship(mentorship)
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


def test_coordinators_issue_a_cycles_certificates_once_and_download_them_all(
    student: Member,
    resident: Member,
    coordinator: Member,
    outsider: Member,
    django_capture_on_commit_callbacks: Any,
) -> None:
    import io
    import zipfile

    from django.core import mail

    from mentorbridge.core.models import Notification

    cycle = make_cycle()
    done = make_mentorship(student, resident, cycle)
    other_student = MemberFactory(full_name="Ongoing Olive", stage=stage("ms1"))
    make_mentorship(
        other_student, MemberFactory(full_name="Busy Ben", stage=stage("fellow")), cycle
    )
    issue = f"/mentorships/cycles/{cycle.pk}/certificates/"
    download = f"/mentorships/cycles/{cycle.pk}/certificates.zip"
    client = client_for(coordinator)
    response = client.post(issue, follow=True)
    assert "No mentor has a completed mentorship" in response.content.decode()

    complete_mentorship(done)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(issue, follow=True)
    assert "1 mentor told now" in response.content.decode()
    assert [m.to for m in mail.outbox] == [[resident.user.email]]
    assert "certificate" in mail.outbox[0].subject and "/mentorships/record/" in mail.outbox[0].body
    assert Notification.objects.filter(member=resident, kind="certificate").count() == 1
    assert not Notification.objects.filter(kind="certificate").exclude(member=resident).exists()
    # Issuing again tells nobody twice.
    again = client.post(issue, follow=True).content.decode()
    assert "0 mentors told now, 1 already told before" in again
    assert Notification.objects.filter(member=resident, kind="certificate").count() == 1
    archive = zipfile.ZipFile(io.BytesIO(client.get(download).content))
    assert [n.startswith("mentoring-certificate-rita-resident") for n in archive.namelist()] == [
        True
    ]
    assert archive.read(archive.namelist()[0]).startswith(b"%PDF")
    # Members never see these pages; a GET cannot issue.
    for member in (resident, outsider):
        assert client_for(member).post(issue).status_code == 404
        assert client_for(member).get(download).status_code == 404
    assert client.get(issue).status_code == 405
    assert client.post("/mentorships/cycles/987654/certificates/").status_code == 404
    assert len(mail.outbox) == 1


def test_issuing_certificates_is_audited_by_the_service_once(
    student: Member, resident: Member, coordinator: Member
) -> None:
    from mentorbridge.core.audit import audit_trail
    from mentorbridge.mentorships.certificate import certificates_issue

    cycle = make_cycle()
    complete_mentorship(make_mentorship(student, resident, cycle))
    assert certificates_issue(cycle=cycle, by=coordinator.user) == (1, 0)
    entry = audit_trail(cycle).get()
    assert (entry.user_id, entry.get_change_message()) == (
        coordinator.user.pk,
        "Issued certificates: 1 mentor told",
    )
    # Nobody told this time: nothing more is recorded.
    assert certificates_issue(cycle=cycle, by=coordinator.user) == (0, 1)
    assert audit_trail(cycle).count() == 1


def test_a_certificate_issue_that_fails_tells_no_one_and_records_nothing(
    student: Member,
    resident: Member,
    surgeon: Member,
    coordinator: Member,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mentorbridge.core.audit import audit_trail
    from mentorbridge.core.models import Notification
    from mentorbridge.mentorships import certificate
    from mentorbridge.mentorships.models import CertificateIssue

    cycle = make_cycle()
    complete_mentorship(make_mentorship(student, resident, cycle))
    other = MemberFactory(full_name="Olga Other", stage=stage("ms3"))
    complete_mentorship(make_mentorship(other, surgeon, cycle))
    real = certificate.notify
    calls: list[object] = []

    def fails_second(**kwargs: Any) -> Any:
        calls.append(kwargs["member"])
        if len(calls) == 2:
            raise RuntimeError("the notification could not be written")
        return real(**kwargs)

    monkeypatch.setattr(certificate, "notify", fails_second)
    with pytest.raises(RuntimeError):
        certificate.certificates_issue(cycle=cycle, by=coordinator.user)
    assert len(calls) == 2
    assert not CertificateIssue.objects.filter(cycle=cycle).exists()
    assert not Notification.objects.filter(kind="certificate").exists()
    assert not audit_trail(cycle).exists()


def test_only_a_coordinator_issues_certificates(
    student: Member, resident: Member, outsider: Member, coordinator: Member
) -> None:
    # The service refuses anyone else itself, whatever the page's decorator does.
    from mentorbridge.core.audit import audit_trail
    from mentorbridge.core.models import Notification
    from mentorbridge.core.refusals import Refusal
    from mentorbridge.mentorships.certificate import certificates_issue
    from mentorbridge.mentorships.models import CertificateIssue

    cycle = make_cycle()
    complete_mentorship(make_mentorship(student, resident, cycle))
    for by in (resident.user, outsider.user, None):
        with pytest.raises(Refusal, match="Coordinators"):
            certificates_issue(cycle=cycle, by=by)
    assert not CertificateIssue.objects.exists()
    assert not Notification.objects.filter(kind="certificate").exists()
    assert not audit_trail(cycle).exists()
    assert certificates_issue(cycle=cycle, by=coordinator.user) == (1, 0)
