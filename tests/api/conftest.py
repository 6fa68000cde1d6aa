"""A small program for the API tests: a student asking a resident in track 1, the resident
mentored by a surgeon in track 2, an outsider, a coordinator; tokens for each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from mentorbridge.api import services
from mentorbridge.core.models import Notification
from mentorbridge.matching.models import MentorshipRequest
from mentorbridge.members.models import Member
from mentorbridge.mentorships.models import Goal, Meeting, Mentorship, Message
from mentorbridge.programs.models import Cycle, Enrollment

from ..factories import enroll, make_cycle, make_mentorship

MESSAGE = "Hello! I am an MS2 hoping to learn about CT surgery residency."


@dataclass
class World:
    cycle: Cycle
    student: Member
    resident: Member
    surgeon: Member
    outsider: Member
    coordinator: Member
    mentee: Enrollment
    mentor: Enrollment
    request: MentorshipRequest
    mentorship: Mentorship
    meeting: Meeting
    message: Message
    goal: Goal
    notification: Notification


@pytest.fixture
def world(
    student: Member, resident: Member, surgeon: Member, outsider: Member, coordinator: Member
) -> World:
    import datetime as dt

    from mentorbridge.core import clock
    from mentorbridge.matching import services as matching

    cycle = make_cycle()
    mentee = enroll(student, cycle, "mentee", goals="Learn about residency.")
    mentor = enroll(resident, cycle, "mentor", capacity=2)
    request = matching.request_send(
        mentee_enrollment=mentee, mentor_enrollment=mentor, message=MESSAGE
    )
    mentorship = make_mentorship(resident, surgeon, make_cycle("resident-surgeon"))
    meeting = Meeting.objects.create(
        mentorship=mentorship, proposed_by=surgeon, starts_at=clock.now() + dt.timedelta(days=3)
    )
    message = Message.objects.create(mentorship=mentorship, author=surgeon, body="Welcome!")
    goal = Goal.objects.create(mentorship=mentorship, title="Fellowship applications")
    notification = Notification.objects.filter(member=resident).first()
    assert notification is not None
    return World(
        cycle=cycle,
        student=student,
        resident=resident,
        surgeon=surgeon,
        outsider=outsider,
        coordinator=coordinator,
        mentee=mentee,
        mentor=mentor,
        request=request,
        mentorship=mentorship,
        meeting=meeting,
        message=message,
        goal=goal,
        notification=notification,
    )


def token_for(member: Member, *scopes: str, days: int = 30) -> str:
    return services.token_create(
        user=member.user, name="tests", scopes=list(scopes or ("read", "write")), days=days
    ).secret


class Api:
    """A client speaking JSON with a bearer token (or none)."""

    def __init__(self, token: str | None = None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/v1{path}", params, headers=self.headers)

    def post(self, path: str, body: Any = None) -> Any:
        return self.client.post(
            f"/api/v1{path}", body or {}, content_type="application/json", headers=self.headers
        )

    def patch(self, path: str, body: Any) -> Any:
        return self.client.patch(
            f"/api/v1{path}", body, content_type="application/json", headers=self.headers
        )


def api_for(member: Member | None, *scopes: str) -> Api:
    if member is None:
        return Api()
    if member.is_coordinator and not scopes:
        scopes = ("read", "write", "coordinate")
    return Api(token_for(member, *scopes))
