"""Sign-up with a verified email, login rate limits, and two-factor for coordinators."""

import re

import pytest
from django.core import mail
from django.test import Client

from mentorbridge.accounts.models import User
from mentorbridge.members.models import Member

from ..conftest import client_for


@pytest.mark.django_db
def test_sign_up_needs_a_verified_email_before_login(django_capture_on_commit_callbacks) -> None:
    client = Client()
    # Account emails are queued on commit (accounts.adapter.send_mail), like every email.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/signup/",
            {
                "email": "new@example.org",
                "password1": "a-long-pass-phrase",
                "password2": "a-long-pass-phrase",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="new@example.org")
    assert Member.objects.filter(user=user).exists()
    assert len(mail.outbox) == 1
    # Not verified yet: logging in sends the member back to verification.
    response = Client().post(
        "/accounts/login/", {"login": "new@example.org", "password": "a-long-pass-phrase"}
    )
    assert "_auth_user_id" not in Client().session
    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body)
    assert link is not None
    path = link.group(0).split("testserver", 1)[-1]
    assert client.post(path).status_code == 302
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": "new@example.org", "password": "a-long-pass-phrase"}
    )
    assert response.status_code == 302
    # A new member lands on the profile form, since the profile is empty.
    assert response["Location"] == "/members/me/edit/"


@pytest.mark.django_db
def test_sign_up_with_a_bad_email_creates_nothing() -> None:
    response = Client().post(
        "/accounts/signup/", {"email": "not-an-email", "password1": "x", "password2": "y"}
    )
    assert response.status_code == 200
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_login_attempts_are_rate_limited(student: Member) -> None:
    client = Client()
    for _ in range(5):
        client.post("/accounts/login/", {"login": student.user.email, "password": "wrong"})
    from ..factories import PASSWORD

    # Even the right password is refused once the limit is reached.
    response = client.post("/accounts/login/", {"login": student.user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_password_reset_sends_a_link(student: Member, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/accounts/password/reset/", {"email": student.user.email})
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


@pytest.mark.django_db
def test_a_coordinator_without_totp_must_set_it_up(coordinator: Member) -> None:
    coordinator.user.authenticator_set.all().delete()
    response = client_for(coordinator).get("/members/me/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"


@pytest.mark.django_db
def test_a_coordinator_with_totp_goes_on(coordinator: Member) -> None:
    assert client_for(coordinator).get("/members/me/").status_code == 200


@pytest.mark.django_db
def test_a_coordinator_login_asks_for_the_code(coordinator: Member) -> None:
    from ..factories import PASSWORD

    client = Client()
    response = client.post(
        "/accounts/login/", {"login": coordinator.user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"


@pytest.mark.django_db
def test_members_need_no_totp(student: Member) -> None:
    assert client_for(student).get("/members/me/").status_code == 200
