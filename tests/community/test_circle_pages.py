"""Circle pages and the workspace: who sees and does what (the outsider, another member, a
member, the leader, a coordinator), and what a meeting, a message and a check-in do."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from mentorbridge.community import circle_workspace as workspace
from mentorbridge.community import circles
from mentorbridge.community.models import (
    Circle,
    CircleCheckIn,
    CircleMeeting,
    CircleMessage,
    CircleNorms,
)
from mentorbridge.core import clock
from mentorbridge.core.models import Notification
from mentorbridge.core.refusals import Refusal
from mentorbridge.members.models import Member
from mentorbridge.mentorships.certificate import certified_mentors, mentor_record
from mentorbridge.programs.models import Cycle

from ..conftest import client_for
from ..factories import make_cycle
from .circle_world import circle_data, published_circle

NORMS = {
    "goals": "Each of us leaves with a plan for a research year.",
    "meeting_frequency": "An hour every two weeks",
    "communication": "The circle's messages",
    "confidentiality": "What we share stays here.",
}


@pytest.fixture
def cycle(db: None) -> Cycle:
    return make_cycle()


@pytest.fixture
def circle(resident: Member, coordinator: Member, cycle: Cycle) -> Circle:
    return published_circle(leader=resident, coordinator=coordinator, cycle=cycle)


@pytest.fixture
def member(circle: Circle, resident: Member, student: Member) -> Member:
    application = circles.application_submit(circle=circle, mentee=student, note="Please")
    circles.application_decide(application=application, by=resident, accept=True)
    return student


def test_pages_for_each_kind_of_viewer(
    circle: Circle,
    member: Member,
    resident: Member,
    outsider: Member,
    coordinator: Member,
    surgeon: Member,
) -> None:
    url = circle.get_absolute_url()
    workspace.message_post(circle=circle, by=member, body="SECRET circle words")
    # The leader and the member see the workspace and the thread.
    for who in (resident, member):
        page = client_for(who).get(url).content.decode()
        assert "SECRET circle words" in page and "Norms" in page
    # Another student of the program sees the circle and may apply; not the workspace.
    page = client_for(outsider).get(url).content.decode()
    assert "Apply" in page and "SECRET" not in page and "Norms" not in page
    # A surgeon is not of track 1: the circle does not exist for them.
    assert client_for(surgeon).get(url).status_code == 404
    # Coordinators see members and meetings, never the thread.
    page = client_for(coordinator).get(url).content.decode()
    assert "Norms" in page and "SECRET" not in page
    # The list.
    assert circle.title in client_for(outsider).get(reverse("community:circles")).content.decode()


def test_a_proposed_circle_is_the_leaders_and_coordinators(
    resident: Member, outsider: Member, coordinator: Member, cycle: Cycle
) -> None:
    proposed = circles.circle_propose(
        by=resident, program=cycle.program, cycle=cycle, data=circle_data()
    )
    assert client_for(outsider).get(proposed.get_absolute_url()).status_code == 404
    assert client_for(resident).get(proposed.get_absolute_url()).status_code == 200
    page = client_for(coordinator).get(proposed.get_absolute_url()).content.decode()
    assert "Publish" in page
    # A member's POST to decide is a 404; the coordinator's publishes.
    decide = reverse("community:circle_decide", args=[proposed.pk])
    assert client_for(resident).post(decide, {"decision": "publish"}).status_code == 404
    client_for(coordinator).post(decide, {"decision": "publish"})
    assert Circle.objects.get(pk=proposed.pk).status == Circle.Status.OPEN


def test_propose_page(resident: Member, student: Member, cycle: Cycle) -> None:
    client = client_for(resident)
    data = circle_data()
    response = client.post(
        reverse("community:circle_new"),
        {
            **{k: v for k, v in data.items() if k != "topic"},
            "topic": data["topic"].pk,  # type: ignore[attr-defined]
            "cycle": cycle.pk,
            "max_mentees": 12,
        },
    )
    assert "less than or equal to 8" in response.content.decode()
    assert not Circle.objects.exists()
    # A student has no cycle to lead in: told so, nothing to post.
    page = client_for(student).get(reverse("community:circle_new")).content.decode()
    assert "Circles are led by members who may mentor" in page


def test_apply_and_answer_through_the_pages(
    circle: Circle, resident: Member, outsider: Member
) -> None:
    client_for(outsider).post(
        reverse("community:circle_apply", args=[circle.pk]), {"note": "Me too"}
    )
    application = circle.applications.get()
    # Another member cannot answer it (404); the leader can.
    answer = reverse("community:circle_application_decide", args=[application.pk])
    assert client_for(outsider).post(answer, {"answer": "accept"}).status_code == 404
    client_for(resident).post(answer, {"answer": "accept"})
    assert Circle.objects.get(pk=circle.pk).member_count == 1
    # A duplicate application is refused with a message.
    response = client_for(outsider).post(
        reverse("community:circle_apply", args=[circle.pk]), {"note": "Again"}, follow=True
    )
    assert "already in the circle" in response.content.decode()


def test_outsider_cannot_use_the_workspace(
    circle: Circle, member: Member, outsider: Member
) -> None:
    meeting = workspace.meeting_schedule(
        circle=circle,
        by=circle.leader,
        starts_at=clock.now() + dt.timedelta(days=10),
        duration_minutes=60,
        format="video",
    )
    client = client_for(outsider)
    for name in ("circle_norms", "circle_meeting_new", "circle_message", "circle_check_in"):
        assert (
            client.post(reverse(f"community:{name}", args=[circle.pk]), {"body": "x"}).status_code
            == 404
        )
    for name in ("circle_meeting_cancel", "circle_meeting_log"):
        assert client.post(reverse(f"community:{name}", args=[meeting.pk])).status_code == 404
    assert client.get(reverse("community:circle_meeting_ics", args=[meeting.pk])).status_code == 404
    # A member is not the leader: no cancelling, but the invite is theirs.
    assert (
        client_for(member)
        .post(reverse("community:circle_meeting_cancel", args=[meeting.pk]))
        .status_code
        == 404
    )
    assert (
        client_for(member)
        .get(reverse("community:circle_meeting_ics", args=[meeting.pk]))
        .status_code
        == 200
    )
    assert not CircleMessage.objects.exists()


def test_norms_meetings_messages_and_check_ins(
    circle: Circle,
    member: Member,
    resident: Member,
    coordinator: Member,
    django_capture_on_commit_callbacks: Any,
) -> None:
    leader = client_for(resident)
    leader.post(reverse("community:circle_norms", args=[circle.pk]), NORMS)
    norms = CircleNorms.objects.get(circle=circle)
    assert set(norms.confirmations.values_list("member_id", flat=True)) == {resident.pk}
    client_for(member).post(reverse("community:circle_norms", args=[circle.pk]), {"confirm": "1"})
    assert norms.confirmations.count() == 2
    # A member cannot write the norms.
    with pytest.raises(Refusal, match="leader"):
        workspace.norms_save(circle=circle, by=member, data=NORMS)
    # The leader sets a meeting: everyone is emailed the invite.
    when = (clock.now() + dt.timedelta(days=9)).astimezone(dt.UTC)
    with django_capture_on_commit_callbacks(execute=True):
        leader.post(
            reverse("community:circle_meeting_new", args=[circle.pk]),
            {
                "starts_at": when.astimezone(
                    __import__("zoneinfo").ZoneInfo(resident.time_zone)
                ).strftime("%Y-%m-%dT%H:%M"),
                "duration_minutes": 60,
                "format": "video",
                "location": "https://video.example.org/circle",
            },
        )
    meeting = CircleMeeting.objects.get()
    invites = [m for m in mail.outbox if m.attachments]
    assert {m.to[0] for m in invites} == {resident.user.email, member.user.email}
    ics = invites[0].attachments[0][1]
    assert "METHOD:REQUEST" in ics and "Mentoring circle" in ics and member.user.email in ics
    # Messages are escaped and sanitised like the pair's.
    client_for(member).post(
        reverse("community:circle_message", args=[circle.pk]),
        {"body": "<script>x</script> see https://example.org"},
    )
    page = leader.get(circle.get_absolute_url()).content.decode()
    assert (
        "<script>x" not in page and "&lt;script&gt;" in page and 'rel="nofollow noopener"' in page
    )
    assert Notification.objects.filter(member=resident, kind="circle_message").exists()
    # An empty message is refused with a message, nothing saved.
    client_for(member).post(reverse("community:circle_message", args=[circle.pk]), {"body": " "})
    assert CircleMessage.objects.count() == 1
    # A check-in a month; a low one tells the coordinators.
    workspace.check_in(circle=circle, by=member, rating=2, comments="Hard to follow")
    assert Notification.objects.filter(member=coordinator, kind="circle_low_rating").exists()
    with pytest.raises(Refusal, match="already"):
        workspace.check_in(circle=circle, by=member, rating=5)
    assert CircleCheckIn.objects.count() == 1
    # Cancelling sends the update.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        leader.post(reverse("community:circle_meeting_cancel", args=[meeting.pk]))
    assert CircleMeeting.objects.get().status == "cancelled"
    assert "METHOD:CANCEL" in mail.outbox[0].attachments[0][1]


def test_a_circle_counts_in_the_leaders_record_and_certificate(
    circle: Circle, member: Member, resident: Member, cycle: Cycle
) -> None:
    meeting = CircleMeeting.objects.create(
        circle=circle, starts_at=clock.now() - dt.timedelta(hours=2), duration_minutes=90
    )
    workspace.meeting_log(meeting=meeting, by=resident, held=True, minutes=90)
    record = mentor_record(resident)
    assert [g.title for g in record.groups] == [circle.title]
    assert record.meetings_held == 1 and record.hours == 1.5
    assert not record.certifiable  # the term is still running
    Circle.objects.filter(pk=circle.pk).update(
        starts_on=clock.today() - dt.timedelta(days=60),
        ends_on=clock.today() - dt.timedelta(days=1),
    )
    record = mentor_record(resident)
    assert record.groups_completed == 1 and record.certifiable
    assert resident in certified_mentors(cycle)
    page = client_for(resident).get(reverse("mentorships:record")).content.decode()
    assert circle.title in page and "Download my certificate" in page
    pdf = client_for(resident).get(reverse("mentorships:certificate"))
    assert pdf["Content-Type"] == "application/pdf"


def test_a_circle_whose_term_is_over_is_read_only(circle: Circle, member: Member) -> None:
    Circle.objects.filter(pk=circle.pk).update(
        starts_on=clock.today() - dt.timedelta(days=60),
        ends_on=clock.today() - dt.timedelta(days=1),
    )
    circle.refresh_from_db()
    with pytest.raises(Refusal, match="over"):
        workspace.message_post(circle=circle, by=member, body="Hello")
    assert (
        client_for(member)
        .post(reverse("community:circle_message", args=[circle.pk]), {"body": "x"})
        .status_code
        == 404
    )


def test_placement_page(
    circle: Circle, coordinator: Member, outsider: Member, cycle: Cycle
) -> None:
    circles.application_submit(circle=circle, mentee=outsider, note="Please")
    url = reverse("community:circle_placement", args=[cycle.pk])
    assert client_for(outsider).get(url).status_code == 404
    page = client_for(coordinator).get(url).content.decode()
    assert "1 of 1" in page and outsider.display_name in page
    client_for(coordinator).post(url)
    assert Circle.objects.get(pk=circle.pk).member_count == 1
