"""A visitor signs up, verifies the email, logs in, completes the profile and sees it saved."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from mentorbridge.members.models import Institution, Member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_sign_up_verify_log_in_and_complete_the_profile(live_server, page, shots, settings) -> None:
    # Every email links to SITE_URL (docs/operations.md, "Links in emails"): here, the test server.
    settings.SITE_URL = live_server.url
    Institution.objects.create(
        name="Central Plains College of Medicine", city="Wichita", region="KS", has_ct_program=False
    )
    page.goto(live_server.url)
    shots("landing")
    page.get_by_role("link", name="Join with your email").click()
    page.get_by_label("Email").fill("maya@example.org")
    page.get_by_label("Password:", exact=True).fill("a-long-and-good-passphrase")
    page.get_by_label("Password (again):").fill("a-long-and-good-passphrase")
    shots("signup-form")
    page.get_by_role("button", name="Join").click()
    page.wait_for_url("**/accounts/confirm-email/")
    shots("verification-sent")

    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body)
    assert link is not None
    page.goto(link.group(0))
    shots("confirm-email")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/accounts/login/")

    page.get_by_label("Email").fill("maya@example.org")
    page.get_by_label("Password:").fill("a-long-and-good-passphrase")
    shots("login")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/members/me/edit/")
    shots("profile-form-empty")

    page.get_by_label("Full name").fill("Maya Okafor")
    page.get_by_label("Pronouns").fill("she/her")
    page.get_by_label("Training stage").select_option(label="MS2")
    page.get_by_label("Search institutions").fill("wichita")
    page.wait_for_function("document.querySelector('#id_institution').options.length == 2")
    page.get_by_label("Institution", exact=True).select_option(index=1)
    page.get_by_label(re.compile("Does your school")).select_option(label="No")
    page.get_by_label("Time zone").select_option("America/Chicago")
    page.get_by_role("group", name="Languages").get_by_label("English").check()
    page.get_by_role("group", name="Subspecialty interests").get_by_label("Congenital").check()
    page.get_by_role("group", name="Guidance you would like").get_by_label(
        "Interview process"
    ).check()
    page.get_by_label("Short bio").fill("MS2 from Kansas; my school has no CT program.")
    page.get_by_label("Your goals").fill("See the specialty up close and plan away rotations.")
    page.get_by_role("group", name="How you like to meet").get_by_label("Video call").check()
    page.get_by_label("How often you would like to meet").select_option("monthly")
    shots("profile-form-filled")
    page.get_by_role("button", name="Save profile").click()
    page.wait_for_url("**/members/me/")
    shots("profile-saved")

    assert page.get_by_text("Your profile is saved.").is_visible()
    assert page.get_by_text("Your profile is complete").is_visible()
    assert page.get_by_role("heading", name=re.compile("Maya Okafor")).is_visible()
    member = Member.objects.get(user__email="maya@example.org")
    assert member.missing_fields() == []
    assert member.institution is not None and member.institution.city == "Wichita"
