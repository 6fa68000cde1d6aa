"""Invitations from the roster: a one-time link that expires, reminders after 7 and 21 days each
sent once even when the job runs twice, and the coordinator's list of who accepted."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command
from django.test import Client

from mentorbridge.core import clock
from mentorbridge.dashboard import invitations
from mentorbridge.dashboard.models import Invitation
from mentorbridge.members import services as member_services
from mentorbridge.members.models import Member

from ..conftest import client_for

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
NEW_PASSWORD = "a-long-new-password-42"


@pytest.fixture
def invited(db: None, django_capture_on_commit_callbacks: object) -> Member:
    (member,) = member_services.members_import(
        people=[
            member_services.MemberImport(
                email="ivy@example.org",
                full_name="Ivy Invited",
                stage=None,
                membership_category=None,
                institution=None,
            )
        ]
    )
    Invitation.objects.create(member=member, created_at=START)
    return member


def send(capture: object, when: dt.datetime, job: object = invitations.invitations_send) -> int:
    with clock.frozen(when), capture(execute=True):  # type: ignore[operator]
        return int(job())  # type: ignore[operator]


def link() -> str:
    return re.findall(r"http://[^\s]+/invitation/[^\s/]+/", mail.outbox[-1].body)[-1]


def path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_the_link_sets_a_password_once(
    invited: Member, django_capture_on_commit_callbacks: object
) -> None:
    assert send(django_capture_on_commit_callbacks, START) == 1
    assert send(django_capture_on_commit_callbacks, START) == 0  # sent once
    url = path(link())
    client = Client()
    with clock.frozen(START + dt.timedelta(days=1)):
        page = client.get(url)
        assert page.status_code == 200 and "Welcome, Ivy Invited" in page.content.decode()
        assert client.post(url, {"password1": "short", "password2": "short"}).status_code == 400
        response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
        assert response.status_code == 302 and response["Location"] == "/members/me/edit/"
        invited.user.refresh_from_db()
        assert invited.user.check_password(NEW_PASSWORD)
        assert EmailAddress.objects.get(user=invited.user).verified
        again = Client().get(url)
        assert again.status_code == 410
        assert Client().post(url, {"password1": "x" * 20, "password2": "x" * 20}).status_code == 410
    invited.user.refresh_from_db()
    assert invited.user.check_password(NEW_PASSWORD)
    assert Invitation.objects.get().accepted_at == START + dt.timedelta(days=1)


def test_the_link_expires_and_nonsense_is_refused(
    invited: Member, django_capture_on_commit_callbacks: object
) -> None:
    send(django_capture_on_commit_callbacks, START)
    url = path(link())
    with clock.frozen(START + invitations.VALID_FOR + dt.timedelta(minutes=1)):
        response = Client().get(url)
        assert response.status_code == 410 and "expired" in response.content.decode()
    assert Client().get("/invitation/nonsense/").status_code == 410
    assert Client().get("/invitation/" + "x" * 300 + "/").status_code == 410


def test_reminders_after_7_and_21_days_each_once_with_a_new_link(
    invited: Member, django_capture_on_commit_callbacks: object
) -> None:
    send(django_capture_on_commit_callbacks, START)
    first = link()
    remind = invitations.invitation_reminders_send
    capture = django_capture_on_commit_callbacks
    assert send(capture, START + dt.timedelta(days=6), remind) == 0
    assert send(capture, START + dt.timedelta(days=7, hours=1), remind) == 1
    assert send(capture, START + dt.timedelta(days=7, hours=2), remind) == 0  # ran twice
    second = link()
    assert second != first and "Reminder" in mail.outbox[-1].subject
    with clock.frozen(START + dt.timedelta(days=8)):
        assert Client().get(path(first)).status_code == 410  # replaced by the reminder's link
        assert Client().get(path(second)).status_code == 200
    assert send(capture, START + dt.timedelta(days=21, hours=1), remind) == 1
    assert send(capture, START + dt.timedelta(days=40), remind) == 0
    assert len(mail.outbox) == 3


def test_no_reminder_once_accepted_and_the_command_is_safe_to_rerun(
    invited: Member, django_capture_on_commit_callbacks: object
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        call_command("send_invitation_reminders")
        call_command("send_invitation_reminders")
    assert len(mail.outbox) == 1
    Invitation.objects.update(accepted_at=clock.now())
    assert (
        send(
            django_capture_on_commit_callbacks,
            clock.now() + dt.timedelta(days=30),
            invitations.invitation_reminders_send,
        )
        == 0
    )


def test_the_coordinator_sees_who_accepted(
    invited: Member,
    coordinator: Member,
    student: Member,
    django_capture_on_commit_callbacks: object,
) -> None:
    send(django_capture_on_commit_callbacks, clock.now())
    client = client_for(coordinator)
    page = client.get("/dashboard/invitations/?show=waiting").content.decode()
    assert "Ivy Invited" in page and "not yet" in page
    Invitation.objects.update(accepted_at=clock.now())
    assert "Ivy Invited" in client.get("/dashboard/invitations/?show=accepted").content.decode()
    assert "Ivy Invited" not in client.get("/dashboard/invitations/?show=waiting").content.decode()


def test_a_signed_in_other_member_cannot_use_the_link(
    invited: Member, student: Member, django_capture_on_commit_callbacks: object
) -> None:
    send(django_capture_on_commit_callbacks, clock.now())
    client = client_for(student)
    assert client.get(path(link())).status_code == 409
    assert (
        client.post(
            path(link()), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
        ).status_code
        == 409
    )
    invited.user.refresh_from_db()
    assert not invited.user.has_usable_password()
