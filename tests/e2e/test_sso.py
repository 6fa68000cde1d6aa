"""In a real browser: "Sign in with STS" on the login page, through the society's provider's own
authorization page (a real OpenID Connect provider on 127.0.0.1), back signed in."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from mentorbridge.accounts.models import User
from mentorbridge.members.models import Member
from mentorbridge.settings import csp_allow_sso, sso_providers

from ..accounts.oidc_provider import Provider, running_provider
from .conftest import Shots

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def provider(settings: Any) -> Iterator[Provider]:
    with running_provider() as idp:
        settings.SOCIALACCOUNT_PROVIDERS = sso_providers(
            issuer=idp.issuer,
            client_id="mentorbridge",
            secret="client-secret",
            name="STS",
            scopes=["openid", "profile", "email"],
        )
        policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
        csp_allow_sso(policy, idp.issuer)
        settings.CONTENT_SECURITY_POLICY = policy
        yield idp


def test_a_member_signs_in_with_the_society(
    browser: Any, live_server: Any, provider: Provider
) -> None:
    provider.add_user(
        "sts-1001",
        email="paula@example.org",
        email_verified=True,
        name="Paula Pgy",
        training_stage="PGY-2 resident",
    )
    page = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    shots = Shots(page, "sso-sign-in")
    page.goto(f"{live_server.url}/accounts/login/")
    shots("login-page")
    page.get_by_role("button", name="Sign in with STS").click()
    page.wait_for_url(f"{provider.issuer}/oauth2/authorize*")
    shots("provider-authorization-page")
    page.get_by_placeholder("sub").fill("sts-1001")
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{live_server.url}/members/**")
    shots("signed-in")
    member = Member.objects.get(user=User.objects.get(email="paula@example.org"))
    assert member.full_name == "Paula Pgy"
    assert member.stage is not None and member.stage.slug == "pgy-2-resident"
    assert page.get_by_role("button", name="Log out").count() == 1
    page.context.close()
