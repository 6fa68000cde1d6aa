"""Sign-in through the society's identity provider, against a real OpenID Connect provider on
127.0.0.1 (tests/accounts/oidc_provider.py): discovery, authorization code with PKCE, token,
userinfo; a bad state, an expired or invented code, an unverified email; linking by verified email;
claims to training stage and membership category; PASSWORD_LOGIN=false."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from mentorbridge.accounts.models import User
from mentorbridge.members.models import Member, MembershipCategory, StageChange
from mentorbridge.settings import sso_providers
from tests.factories import PASSWORD

from .oidc_provider import Provider, running_provider

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def idp() -> Iterator[Provider]:
    with running_provider() as provider:
        yield provider


@pytest.fixture
def provider(idp: Provider, settings: Any) -> Provider:
    idp.seen.clear()
    idp.code_lifetime = 600.0
    settings.SOCIALACCOUNT_PROVIDERS = sso_providers(
        issuer=idp.issuer,
        client_id="mentorbridge",
        secret="client-secret",
        name="STS",
        scopes=["openid", "profile", "email"],
    )
    return idp


LOGIN_START = "/accounts/oidc/society/login/"


def start(client: Client) -> str:
    """Press "Sign in with STS": the client sends the browser to the provider."""
    answer = client.post(LOGIN_START, {"process": "login"})
    assert answer.status_code == 302, answer.content
    return str(answer["Location"])


def come_back(client: Client, url: str) -> HttpResponse:
    parts = urlsplit(url)
    assert parts.path == "/accounts/oidc/society/login/callback/", url
    response: HttpResponse = client.get(f"{parts.path}?{parts.query}")
    return response


def sign_in(client: Client, provider: Provider, sub: str) -> HttpResponse:
    return come_back(client, provider.authorize(start(client), sub))


def logged_in_as(client: Client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))


def test_the_login_page_offers_the_society_button_next_to_the_password_form(
    provider: Provider,
) -> None:
    page = Client().get(reverse("account_login")).content.decode()
    assert "Sign in with STS" in page
    assert f'action="{LOGIN_START}?process=login"' in page
    assert 'name="password"' in page


def test_without_a_provider_there_is_no_button_and_its_address_is_not_found(
    settings: Any,
) -> None:
    settings.SOCIALACCOUNT_PROVIDERS = sso_providers(
        issuer="", client_id="", secret="", name="STS", scopes=[]
    )
    assert "Sign in with" not in Client().get(reverse("account_login")).content.decode()
    assert Client().post(LOGIN_START).status_code == 404


def test_a_new_member_signs_in_with_discovery_pkce_token_and_userinfo(provider: Provider) -> None:
    provider.add_user("new-1", email="nina@example.org", email_verified=True, name="Nina New")
    client = Client()
    authorize_url = start(client)
    query = parse_qs(urlsplit(authorize_url).query)
    assert authorize_url.startswith(f"{provider.issuer}/oauth2/authorize?")
    assert query["code_challenge_method"] == ["S256"]
    assert query["response_type"] == ["code"]
    assert set(query["scope"][0].split()) == {"openid", "profile", "email"}
    assert query["state"][0]

    response = come_back(client, provider.authorize(authorize_url, "new-1"))

    assert response.status_code == 302, response.content
    user = logged_in_as(client)
    assert user is not None and user.email == "nina@example.org"
    assert not user.has_usable_password()
    assert Member.objects.get(user=user).full_name == "Nina New"
    assert SocialAccount.objects.get(user=user).uid == "new-1"
    assert EmailAddress.objects.get(user=user).verified
    paths = provider.paths()
    assert "/.well-known/openid-configuration" in paths
    assert "/userinfo" in paths
    token = next(s for s in provider.seen if s.path == "/oauth2/token")
    assert token.form["grant_type"] == ["authorization_code"]
    assert token.form["code_verifier"][0]  # checked against the challenge by the provider

    # The next sign-in finds the linked account by the provider's subject.
    again = Client()
    sign_in(again, provider, "new-1")
    assert logged_in_as(again) == user
    assert User.objects.filter(email="nina@example.org").count() == 1


def test_a_verified_email_signs_in_to_the_existing_account_and_links_it(
    provider: Provider, student: Member
) -> None:
    provider.add_user("sts-42", email="SAM@example.org", email_verified=True)
    client = Client()
    sign_in(client, provider, "sts-42")
    assert logged_in_as(client) == student.user
    assert SocialAccount.objects.get(uid="sts-42").user == student.user
    assert User.objects.count() == 1
    student.user.refresh_from_db()
    assert student.user.check_password(PASSWORD)  # a verified local address keeps its password


@pytest.mark.parametrize("verified", [False, "false", None])
def test_an_unverified_email_is_refused_and_never_linked(
    provider: Provider, student: Member, verified: object
) -> None:
    claims: dict[str, Any] = {"email": "sam@example.org"}
    if verified is not None:
        claims["email_verified"] = verified
    provider.add_user(f"unverified-{verified}", **claims)
    provider.add_user("stranger", email="stranger@example.org", email_verified=False)
    for sub in (f"unverified-{verified}", "stranger"):
        client = Client()
        response = sign_in(client, provider, sub)
        assert response.status_code == 302 and response["Location"] == reverse("account_login")
        assert logged_in_as(client) is None
        page = client.get(reverse("account_login")).content.decode()
        assert "did not confirm your email address" in page
    assert not SocialAccount.objects.exists()
    assert list(User.objects.all()) == [student.user]


def test_a_tampered_state_is_refused(provider: Provider) -> None:
    provider.add_user("s1", email="s1@example.org", email_verified=True)
    client = Client()
    back = provider.authorize(start(client), "s1")
    response = come_back(client, with_query(back, state="forged-state"))
    assert logged_in_as(client) is None
    assert "/oauth2/token" not in provider.paths()  # the code was never redeemed
    assert b"Third-Party Login Failure" in response.content or response.status_code >= 400
    # A state from another browser's session is refused just the same.
    other = Client()
    come_back(other, back)
    assert logged_in_as(other) is None
    assert not User.objects.filter(email="s1@example.org").exists()


@pytest.mark.parametrize("problem", ["expired", "invented"])
def test_a_code_the_provider_refuses_signs_nobody_in(provider: Provider, problem: str) -> None:
    provider.add_user("c1", email="c1@example.org", email_verified=True)
    client = Client()
    back = provider.authorize(start(client), "c1")
    if problem == "expired":
        provider.expire_codes()
    else:
        back = with_query(back, code="a-code-nobody-issued")
    response = come_back(client, back)
    assert "/oauth2/token" in provider.paths()
    assert "/userinfo" not in provider.paths()
    assert response.status_code < 500
    assert logged_in_as(client) is None
    assert not User.objects.filter(email="c1@example.org").exists()


def test_the_provider_refuses_a_code_without_its_pkce_verifier(provider: Provider) -> None:
    # The check the provider layer makes, seen from outside: what allauth's verifier protects.
    import requests

    provider.add_user("p1", email="p1@example.org", email_verified=True)
    back = provider.authorize(start(Client()), "p1")
    code = parse_qs(urlsplit(back).query)["code"][0]
    answer = requests.post(
        f"{provider.issuer}/oauth2/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": "http://testserver/accounts/oidc/society/login/callback/",
            "client_id": "mentorbridge",
            "client_secret": "client-secret",
            "code_verifier": "not-the-verifier",
        },
        timeout=30,
    )
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"


def test_claims_set_the_training_stage_and_membership_category(
    provider: Provider, student: Member
) -> None:
    provider.add_user(
        "sam-sts",
        email="sam@example.org",
        email_verified=True,
        training_stage="PGY-1 resident",  # by name, any case; a slug works too
        membership_category="residentfellow-member",
    )
    sign_in(Client(), provider, "sam-sts")
    student.refresh_from_db()
    # A student becoming a resident needs verification on the profile form; the society's sign-in
    # is a verified source, so it applies at once and is recorded.
    assert student.stage is not None and student.stage.slug == "pgy-1-resident"
    change = StageChange.objects.get(member=student)
    assert change.source == StageChange.Source.SSO and change.status == StageChange.Status.APPROVED
    assert student.membership_category == MembershipCategory.objects.get(
        slug="residentfellow-member"
    )
    # Signing in again with the same claims changes nothing more.
    sign_in(Client(), provider, "sam-sts")
    assert StageChange.objects.filter(member=student).count() == 1


def test_claims_that_name_no_term_are_skipped_and_the_member_still_signs_in(
    provider: Provider, student: Member
) -> None:
    provider.add_user(
        "sam-typo",
        email="sam@example.org",
        email_verified=True,
        training_stage="PGY-99",
        membership_category="Gold",
    )
    client = Client()
    sign_in(client, provider, "sam-typo")
    assert logged_in_as(client) == student.user
    student.refresh_from_db()
    assert student.stage is not None and student.stage.slug == "ms2"
    assert not StageChange.objects.exists()


def test_a_coordinator_signing_in_through_the_society_still_gives_a_totp_code(
    provider: Provider, coordinator: Member
) -> None:
    provider.add_user("cora", email="cora@example.org", email_verified=True)
    client = Client()
    response = sign_in(client, provider, "cora")
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert logged_in_as(client) is None


@pytest.fixture
def sso_only(provider: Provider, settings: Any) -> Provider:
    settings.PASSWORD_LOGIN = False
    return provider


def test_with_password_login_off_the_login_page_shows_only_the_society(
    sso_only: Provider, student: Member
) -> None:
    client = Client()
    page = client.get(reverse("account_login")).content.decode()
    assert "Sign in with STS" in page
    assert 'name="password"' not in page
    assert reverse("account_signup") not in page
    assert reverse("account_reset_password") not in page
    # A password posted anyway signs nobody in.
    answer = client.post(
        reverse("account_login"), {"login": "sam@example.org", "password": PASSWORD}
    )
    assert answer.status_code == 302
    assert logged_in_as(client) is None
    # The society's sign-in works, and makes new accounts too.
    sso_only.add_user("o1", email="olga@example.org", email_verified=True)
    sign_in(client, sso_only, "o1")
    assert logged_in_as(client) is not None and logged_in_as(client).email == "olga@example.org"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "name",
    [
        "account_signup",
        "account_reset_password",
        "account_reset_password_done",
        "account_change_password",
        "account_set_password",
    ],
)
def test_with_password_login_off_password_pages_are_not_found(
    sso_only: Provider, student: Member, name: str
) -> None:
    client = Client()
    client.force_login(student.user)
    for who in (Client(), client):
        assert who.get(reverse(name)).status_code == 404
        assert who.post(reverse(name), {"email": "sam@example.org"}).status_code == 404


def test_with_password_login_off_the_admin_login_sends_to_the_login_page(
    sso_only: Provider,
) -> None:
    answer = Client().get(reverse("admin:login"))
    assert answer.status_code == 302
    assert answer["Location"].startswith(reverse("account_login"))


def test_with_password_login_off_an_invitation_points_to_the_society(
    sso_only: Provider, student: Member
) -> None:
    import datetime as dt

    from django.utils import timezone

    from mentorbridge.dashboard.invitations import _hash
    from mentorbridge.dashboard.models import Invitation

    Invitation.objects.create(
        member=student,
        created_at=timezone.now(),
        token_hash=_hash("tok-1"),
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    url = reverse("invitation", args=["tok-1"])
    page = Client().get(url)
    assert page.status_code == 200
    assert b"Sign in with STS" in page.content and b'name="password1"' not in page.content
    refused = Client().post(url, {"password1": "x" * 12, "password2": "x" * 12})
    assert refused.status_code == 405
    student.user.refresh_from_db()
    assert student.user.check_password(PASSWORD)
    assert Invitation.objects.get(member=student).accepted_at is None
