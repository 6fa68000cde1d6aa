"""A password reset answers the same way for known and unknown addresses (issue 15.8): the known
address's email is queued as a task after commit, never sent inside the request."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client, override_settings
from django_tasks import task_backends

from mentorbridge.members.models import Member

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@override_settings(TASKS=DUMMY)
@pytest.mark.parametrize("known", [True, False])
def test_a_reset_sends_nothing_inside_the_request(
    student: Member, known: bool, django_capture_on_commit_callbacks
) -> None:
    email = student.user.email if known else "nobody-here@example.org"
    backend = task_backends["default"]
    backend.clear()  # type: ignore[attr-defined]
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post("/accounts/password/reset/", {"email": email})
    assert response.status_code == 302
    assert mail.outbox == []  # nothing was sent synchronously, for either kind of address
    queued = [r for r in backend.results if r.task.name == "send_email"]  # type: ignore[attr-defined]
    assert len(queued) == 1  # both answers do the same work: one queued message
    assert queued[0].kwargs["to"] == [email]


def test_the_queued_reset_email_still_arrives_with_its_link(
    student: Member, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/accounts/password/reset/", {"email": student.user.email})
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [student.user.email]
    assert message.subject.startswith("[MentorBridge] ")
    assert message.subject.count("[MentorBridge]") == 1
    assert re.search(r"/accounts/password/reset/key/\S+", message.body)
