"""Leaving a cycle: the button asks first and says what it will withdraw; only the POST from that
page withdraws; someone else's enrollment is not found."""

from __future__ import annotations

from mentorbridge.matching import services as matching
from mentorbridge.matching.models import MentorshipRequest
from mentorbridge.members.models import Member
from mentorbridge.programs.models import Enrollment

from ..conftest import client_for
from ..factories import enroll, make_cycle


def _student_with_a_request(student: Member, resident: Member) -> Enrollment:
    cycle = make_cycle()
    mentee = enroll(student, cycle, "mentee")
    mentor = enroll(resident, cycle, "mentor", capacity=2)
    matching.request_send(mentee_enrollment=mentee, mentor_enrollment=mentor, message="Hello.")
    return mentee


def test_withdraw_asks_first_and_changes_nothing_until_confirmed(
    student: Member, resident: Member
) -> None:
    mentee = _student_with_a_request(student, resident)
    client = client_for(student)
    index = client.get("/programs/").content.decode()
    url = f"/programs/enrollments/{mentee.pk}/withdraw/"
    assert f'href="{url}"' in index  # a link to the question, not a button that withdraws
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "your 1 open request is withdrawn" in text
    assert "Withdraw from this cycle" in text
    mentee.refresh_from_db()
    assert mentee.status == Enrollment.Status.ACTIVE
    assert MentorshipRequest.objects.pending().count() == 1

    answer = client.post(url)
    assert answer.status_code == 302 and answer["Location"] == "/programs/"
    mentee.refresh_from_db()
    assert mentee.status == Enrollment.Status.WITHDRAWN
    assert not MentorshipRequest.objects.pending().exists()
    assert MentorshipRequest.objects.get().state == MentorshipRequest.State.WITHDRAWN


def test_a_mentor_withdrawing_withdraws_the_requests_it_received(
    student: Member, resident: Member
) -> None:
    mentee = _student_with_a_request(student, resident)
    mentor = Enrollment.objects.get(member=resident)
    client = client_for(resident)
    url = f"/programs/enrollments/{mentor.pk}/withdraw/"
    assert "your 1 open request is withdrawn" in client.get(url).content.decode()
    client.post(url)
    assert not MentorshipRequest.objects.pending().exists()
    mentee.refresh_from_db()
    assert mentee.status == Enrollment.Status.ACTIVE


def test_withdrawing_twice_says_so_and_changes_nothing(student: Member) -> None:
    mentee = enroll(student, make_cycle(), "mentee", status=Enrollment.Status.WITHDRAWN)
    client = client_for(student)
    for method in (client.get, client.post):
        answer = method(f"/programs/enrollments/{mentee.pk}/withdraw/", follow=True)
        assert "You are no longer enrolled" in answer.content.decode()
    mentee.refresh_from_db()
    assert mentee.status == Enrollment.Status.WITHDRAWN


def test_someone_elses_withdraw_page_is_404(student: Member, outsider: Member) -> None:
    mentee = enroll(student, make_cycle(), "mentee")
    assert (
        client_for(outsider).get(f"/programs/enrollments/{mentee.pk}/withdraw/").status_code == 404
    )
