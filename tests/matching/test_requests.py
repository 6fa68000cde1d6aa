"""Requests: sending, the limit of open requests, answering in the app and from the email, expiry."""

from __future__ import annotations

import datetime as dt
import html
import re
from urllib.parse import urlparse

import pytest
from django.core import mail, signing
from django.test import Client

from mentorbridge.core import clock
from mentorbridge.core.models import Notification
from mentorbridge.core.refusals import Refusal
from mentorbridge.matching import services
from mentorbridge.matching.models import MentorshipRequest
from mentorbridge.members.models import Member
from mentorbridge.mentorships.models import Mentorship
from mentorbridge.mentorships.services import mentorship_start
from mentorbridge.programs.models import Cycle, Enrollment

from ..conftest import client_for, stage
from ..factories import MemberFactory, enroll, make_cycle

MESSAGE = "Hello! I am an MS2 hoping to learn about CT surgery residency."


@pytest.fixture
def mentor(resident: Member, cycle: Cycle) -> Enrollment:
    return enroll(resident, cycle, "mentor", capacity=2)


def other_mentor(cycle: Cycle, **kwargs: object) -> Enrollment:
    member = MemberFactory(stage=stage("fellow"))
    return enroll(member, cycle, "mentor", **kwargs)


def send(mentee: Enrollment, mentor: Enrollment, message: str = MESSAGE) -> MentorshipRequest:
    return services.request_send(
        mentee_enrollment=mentee, mentor_enrollment=mentor, message=message
    )


def test_a_mentee_sends_a_request_and_the_mentor_is_told(
    mentee: Enrollment, mentor: Enrollment, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(mentee.member).post(
            f"/matching/enrollments/{mentee.pk}/request/{mentor.pk}/", {"message": MESSAGE}
        )
    assert response.status_code == 302
    request = MentorshipRequest.objects.get()
    assert request.state == "pending"
    assert request.deadline - request.created_at == dt.timedelta(days=7)
    assert Notification.objects.filter(member=mentor.member, kind="request_received").exists()
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [mentor.member.user.email]
    assert "asks you to be their mentor" in email.subject
    assert "/matching/answer/" in email.body
    assert email.alternatives and "Accept" in email.alternatives[0][0]


def test_the_request_page_suggests_a_first_message(mentee: Enrollment, mentor: Enrollment) -> None:
    body = (
        client_for(mentee.member)
        .get(f"/matching/enrollments/{mentee.pk}/request/{mentor.pk}/")
        .content.decode()
    )
    assert "Dear Rita Resident" in body
    assert "For a first conversation" in body


def test_the_suggested_message_speaks_to_the_mentor(mentee: Enrollment, mentor: Enrollment) -> None:
    """Reasons written to the mentor ("you offer"), names kept as they are spelled."""
    from mentorbridge.members.models import Topic

    pathways = Topic.objects.get(slug="career-pathways-integrated-i-6-vs-traditional")
    mentee.topics.set([pathways])
    mentor.topics.set([pathways])
    body = html.unescape(
        client_for(mentee.member)
        .get(f"/matching/enrollments/{mentee.pk}/request/{mentor.pk}/")
        .content.decode()
    )
    assert "I would value your guidance on career pathways (integrated I-6 vs traditional)" in body
    because = re.search(r"I am reaching out because ([^.]+)\.", body)
    assert because is not None
    assert because.group(1).startswith(("we ", "you ", "your ")), because.group(1)
    assert "guidance" not in because.group(1)  # the topics are named once, in the next sentence


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "Career pathways (integrated I-6 vs traditional)",
            "career pathways (integrated I-6 vs traditional)",
        ),
        ("ECMO and mechanical support", "ECMO and mechanical support"),
        ("A", "a"),
        ("", ""),
    ],
)
def test_names_inside_a_sentence(name: str, expected: str) -> None:
    from mentorbridge.matching.recommendations import in_sentence

    assert in_sentence(name) == expected


def test_a_fourth_open_request_is_refused(mentee: Enrollment, cycle: Cycle) -> None:
    for _ in range(3):
        send(mentee, other_mentor(cycle))
    with pytest.raises(Refusal, match="3 open requests"):
        send(mentee, other_mentor(cycle))
    assert MentorshipRequest.objects.count() == 3


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("closed_cycle", "is closed"),
        ("wrong_cycle", "not taking mentees in this cycle"),
        ("full_mentor", "no capacity left"),
        ("duplicate", "already have an open request"),
        ("empty_message", "Write a short message"),
        ("already_matched", "already have a mentor"),
        ("batch_only", "matches everyone in a batch"),
    ],
)
def test_bad_requests_change_nothing(
    mentee: Enrollment, mentor: Enrollment, cycle: Cycle, setup: str, message: str
) -> None:
    text = MESSAGE
    if setup == "closed_cycle":
        Cycle.objects.filter(pk=cycle.pk).update(status="closed")
    elif setup == "wrong_cycle":
        mentor = other_mentor(make_cycle())
    elif setup == "full_mentor":
        Enrollment.objects.filter(pk=mentor.pk).update(mentee_count=2)
        mentor.refresh_from_db()
    elif setup == "duplicate":
        send(mentee, mentor)
    elif setup == "empty_message":
        text = "   "
    elif setup == "already_matched":
        mentorship_start(
            mentee_enrollment=mentee, mentor_enrollment=other_mentor(cycle), source="request"
        )
    elif setup == "batch_only":
        cycle.program.matching_mode = "batch"
        cycle.program.save()
    before = MentorshipRequest.objects.count()
    with pytest.raises(Refusal, match=message):
        send(mentee, mentor, text)
    assert MentorshipRequest.objects.count() == before


def test_accepting_creates_the_mentorship_and_closes_other_requests(
    mentee: Enrollment, mentor: Enrollment, cycle: Cycle
) -> None:
    first = send(mentee, mentor)
    second_mentor = other_mentor(cycle)
    second = send(mentee, second_mentor)
    mentorship = services.request_accept(request=first, by=mentor.member)
    assert mentorship.mentee == mentee.member and mentorship.mentor == mentor.member
    first.refresh_from_db()
    second.refresh_from_db()
    mentor.refresh_from_db()
    assert (first.state, second.state) == ("accepted", "closed")
    assert first.mentorship == mentorship
    assert mentor.mentee_count == 1
    assert Notification.objects.filter(member=second_mentor.member, kind="request_closed").exists()
    assert Notification.objects.filter(member=mentee.member, kind="mentorship_started").exists()


def test_a_request_is_answered_once(mentee: Enrollment, mentor: Enrollment) -> None:
    request = send(mentee, mentor)
    services.request_accept(request=request, by=mentor.member)
    with pytest.raises(Refusal, match="already answered"):
        services.request_accept(request=request, by=mentor.member)
    with pytest.raises(Refusal, match="already answered"):
        services.request_decline(request=request, by=mentor.member)
    assert Mentorship.objects.count() == 1


def test_only_the_addressed_mentor_can_answer(
    mentee: Enrollment, mentor: Enrollment, surgeon: Member, outsider: Member
) -> None:
    request = send(mentee, mentor)
    for someone in (mentee.member, surgeon, outsider):
        assert (
            client_for(someone).post(f"/matching/requests/{request.pk}/accept/").status_code == 404
        )
    request.refresh_from_db()
    assert request.state == "pending"


def test_a_mentor_at_capacity_cannot_accept(mentee: Enrollment, cycle: Cycle) -> None:
    mentor = other_mentor(cycle, capacity=1)
    request = send(mentee, mentor)
    other_mentee = enroll(MemberFactory(stage=stage("ms4")), cycle, "mentee")
    mentorship_start(mentee_enrollment=other_mentee, mentor_enrollment=mentor, source="request")
    with pytest.raises(Refusal, match="no capacity left"):
        services.request_accept(request=request, by=mentor.member)
    request.refresh_from_db()
    assert request.state == "pending"
    assert Mentorship.objects.count() == 1


def test_declining_tells_the_mentee_with_the_reason(mentee: Enrollment, mentor: Enrollment) -> None:
    request = send(mentee, mentor)
    response = client_for(mentor.member).post(
        f"/matching/requests/{request.pk}/decline/", {"reason": "Full this term"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.state, request.decline_reason) == ("declined", "Full this term")
    assert Notification.objects.filter(member=mentee.member, kind="request_declined").exists()


def _link(request: MentorshipRequest, action: str) -> str:
    return urlparse(services.answer_url(request, action)).path


def test_the_email_link_shows_a_button_and_accepts_on_post(
    mentee: Enrollment, mentor: Enrollment
) -> None:
    request = send(mentee, mentor)
    link = _link(request, "accept")
    client = Client()  # not logged in: the signed link is the permission
    page = client.get(link)
    assert page.status_code == 200
    assert "Accept and become their mentor" in page.content.decode()
    request.refresh_from_db()
    assert request.state == "pending"  # a GET never changes anything (mail scanners prefetch)
    assert client.post(link).status_code == 200
    request.refresh_from_db()
    assert request.state == "accepted"
    # Twice is refused clearly.
    again = client.post(link)
    assert again.status_code == 409
    assert "already answered" in again.content.decode()


def test_a_forged_or_tampered_link_is_refused(mentee: Enrollment, mentor: Enrollment) -> None:
    request = send(mentee, mentor)
    forged = signing.dumps({"r": request.pk, "a": "accept"}, salt="another-salt", compress=True)
    for token in (forged, "garbage", _link(request, "accept").split("/")[-2] + "x"):
        response = Client().post(f"/matching/answer/{token}/")
        assert response.status_code == 400
        assert "not valid" in response.content.decode()
    request.refresh_from_db()
    assert request.state == "pending"


def test_an_expired_link_is_refused(mentee: Enrollment, mentor: Enrollment) -> None:
    request = send(mentee, mentor)
    link = _link(request, "accept")
    import time as real_time
    from unittest import mock

    with mock.patch("django.core.signing.time.time", return_value=real_time.time() + 40 * 86400):
        response = Client().post(link)
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    request.refresh_from_db()
    assert request.state == "pending"


def test_unanswered_requests_expire_once_and_the_mentee_is_pointed_on(
    mentee: Enrollment, mentor: Enrollment, django_capture_on_commit_callbacks
) -> None:
    request = send(mentee, mentor)
    later = request.deadline + dt.timedelta(minutes=1)
    with clock.frozen(later), django_capture_on_commit_callbacks(execute=True):
        assert services.requests_expire() == 1
        assert services.requests_expire() == 0
    request.refresh_from_db()
    assert request.state == "expired"
    expired_mails = [m for m in mail.outbox if "expired" in m.subject]
    assert len(expired_mails) == 1
    assert f"/matching/enrollments/{mentee.pk}/find/" in expired_mails[0].body
    with clock.frozen(later), pytest.raises(Refusal, match="already answered"):
        services.request_accept(request=request, by=mentor.member)


def test_a_request_past_its_deadline_cannot_be_accepted_before_the_job_runs(
    mentee: Enrollment, mentor: Enrollment
) -> None:
    request = send(mentee, mentor)
    with (
        clock.frozen(request.deadline + dt.timedelta(seconds=1)),
        pytest.raises(Refusal, match="expired"),
    ):
        services.request_accept(request=request, by=mentor.member)


@pytest.mark.parametrize("how", ["service", "page", "email link"])
def test_a_request_past_its_deadline_cannot_be_declined_either(
    mentee: Enrollment, mentor: Enrollment, how: str
) -> None:
    """Issue 15.7: decline links ended at the deadline like accept links do."""
    request = send(mentee, mentor)
    token = services.answer_token(request, "decline")
    with clock.frozen(request.deadline + dt.timedelta(seconds=1)):
        if how == "service":
            with pytest.raises(Refusal, match="expired"):
                services.request_decline(request=request, by=mentor.member)
        elif how == "page":
            client_for(mentor.member).post(
                f"/matching/requests/{request.pk}/decline/", {"reason": "Busy"}
            )
        else:
            client = Client()
            client.get(f"/matching/answer/{token}/")
            client.post(f"/matching/answer/{token}/", {"reason": "Busy"})
    request.refresh_from_db()
    assert request.state == MentorshipRequest.State.PENDING  # left for the expiry job
    assert request.answered_at is None
    assert not Notification.objects.filter(kind="request_declined").exists()


def test_a_mentee_withdraws_a_request(
    mentee: Enrollment, mentor: Enrollment, outsider: Member
) -> None:
    request = send(mentee, mentor)
    assert (
        client_for(outsider).post(f"/matching/requests/{request.pk}/withdraw/").status_code == 404
    )
    client_for(mentee.member).post(f"/matching/requests/{request.pk}/withdraw/")
    request.refresh_from_db()
    assert request.state == "withdrawn"


def test_the_requests_page_lists_both_directions(mentee: Enrollment, mentor: Enrollment) -> None:
    send(mentee, mentor)
    body = client_for(mentor.member).get("/matching/requests/").content.decode()
    assert "Asked of you" in body and "Sam Student" in body
    body = client_for(mentee.member).get("/matching/requests/").content.decode()
    assert "Rita Resident" in body and re.search(r"Waiting for an answer", body)
