"""Named people every test module can use: a student, a resident, a surgeon, a coordinator, an outsider."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group
from django.test import Client

from mentorbridge.accounts.roles import sync_coordinator_group
from mentorbridge.core.permissions import COORDINATORS_GROUP
from mentorbridge.members.models import Member, TrainingStage

from .factories import MemberFactory, UserFactory

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture(autouse=True)
def _fast_hashing(settings: object) -> None:
    # Also start every test with empty caches: allauth's rate limits count in Django's, and the
    # mentor tables are cached per cycle id, which the next test's database reuses.
    from django.core.cache import cache

    from mentorbridge.matching import pool

    cache.clear()
    pool.clear_cache()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]
    # The tests' webhook receivers listen on 127.0.0.1 (tests/api/test_webhook_pages.py turns
    # this off to check the refusal).
    settings.WEBHOOK_ALLOW_INTERNAL_URLS = True  # type: ignore[attr-defined]


def stage(slug: str) -> TrainingStage:
    return TrainingStage.objects.get(slug=slug)


@pytest.fixture
def student(db: None) -> Member:
    return MemberFactory(full_name="Sam Student", stage=stage("ms2"), user__email="sam@example.org")


@pytest.fixture
def resident(db: None) -> Member:
    return MemberFactory(
        full_name="Rita Resident", stage=stage("pgy-4-resident"), user__email="rita@example.org"
    )


@pytest.fixture
def surgeon(db: None) -> Member:
    return MemberFactory(
        full_name="Sol Surgeon", stage=stage("senior-surgeon"), user__email="sol@example.org"
    )


@pytest.fixture
def outsider(db: None) -> Member:
    return MemberFactory(
        full_name="Otto Outsider", stage=stage("ms1"), user__email="otto@example.org"
    )


@pytest.fixture
def coordinator(db: None) -> Member:
    member = MemberFactory(full_name="Cora Coordinator", stage=None, user__email="cora@example.org")
    sync_coordinator_group()
    member.user.is_staff = True
    member.user.save()
    member.user.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    TOTP.activate(member.user, TOTP_SECRET)
    return member


def client_for(member: Member) -> Client:
    """A client logged in as `member` (MFA already passed: force_login skips the login form)."""
    client = Client()
    client.force_login(member.user)
    return client


@pytest.fixture
def has_totp() -> object:
    return lambda member: Authenticator.objects.filter(user=member.user).exists()


@pytest.fixture
def any_user(db: None) -> object:
    return UserFactory()
