"""One rule for links in every email: they point at SITE_URL, whatever host the request used."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from mentorbridge.members.models import Member
from mentorbridge.mentorships import jobs, services

from ..factories import make_mentorship

pytestmark = pytest.mark.django_db

SITE = "https://mentors.example.org"


def _links(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"'<>]+", text)


def test_allauth_and_product_emails_link_to_the_same_site(
    settings: object, student: Member, resident: Member, django_capture_on_commit_callbacks
) -> None:
    settings.SITE_URL = SITE  # type: ignore[attr-defined]
    settings.ALLOWED_HOSTS = ["*"]  # type: ignore[attr-defined]
    client = Client(HTTP_HOST="10.0.0.5:8201")  # an internal address, as behind a proxy
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": student.user.email})
        client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
        client.post(
            "/accounts/signup/",
            {
                "email": "new@example.org",
                "password1": "A-long-pass-91",
                "password2": "A-long-pass-91",
            },
        )
        pair = make_mentorship(student, resident)
        services.message_post(mentorship=pair, by=student, body="hello")
        jobs.send_message_digests(timezone.now() + dt.timedelta(hours=2))
    assert len(mail.outbox) >= 3
    links = [link for m in mail.outbox for link in _links(m.body)]
    assert links, "the emails carry links"
    assert all(link.startswith(SITE) for link in links), links
    assert not any("10.0.0.5" in m.body for m in mail.outbox)
