"""Sessions read from the shared cache (accounts.sessions, production's store with Redis): a
logged-in page no longer queries the session table, and login, TOTP and logout still end the old
session everywhere, the cached copy included."""

from __future__ import annotations

import time
from typing import Any
from unittest import mock

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from mentorbridge.accounts import sessions
from mentorbridge.members.models import Member

from ..conftest import TOTP_SECRET
from ..factories import PASSWORD

CACHED = "mentorbridge.accounts.sessions"


@pytest.fixture(autouse=True)
def _cached_sessions(settings: Any) -> None:
    settings.SESSION_ENGINE = CACHED
    cache.clear()


def _session_queries(client: Client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return [q["sql"] for q in queries.captured_queries if "django_session" in q["sql"]]


def _in_cache(key: str) -> bool:
    return cache.get(sessions.SessionStore.cache_key_prefix + key) is not None


def test_tests_and_development_keep_sessions_in_the_database_alone() -> None:
    # A per-process cache (locmem here) must not hold sessions: a logout in one process would
    # leave them alive in the others. Production's shared cache turns the cached store on.
    from mentorbridge import settings as project_settings

    if "LocMemCache" not in project_settings.CACHES["default"]["BACKEND"]:
        pytest.skip("run with a shared cache (CACHE_BACKEND)")
    assert project_settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


@pytest.mark.django_db
def test_a_logged_in_page_reads_its_session_from_the_cache(student: Member) -> None:
    client = Client()
    client.force_login(student.user)
    assert _session_queries(client, "/notifications/") == []
    # Nothing in the cache (evicted, or Redis emptied): read from the database, then cached.
    cache.clear()
    assert len(_session_queries(client, "/notifications/")) == 1
    assert _session_queries(client, "/notifications/") == []


@pytest.mark.django_db
def test_an_unreachable_cache_costs_the_database_read_not_the_page(student: Member) -> None:
    client = Client()
    client.force_login(student.user)
    with (
        mock.patch.object(
            type(caches["default"]), "get", side_effect=ConnectionError("cache down")
        ),
        mock.patch.object(
            type(caches["default"]), "set", side_effect=ConnectionError("cache down")
        ),
    ):
        assert len(_session_queries(client, "/notifications/")) == 1


@pytest.mark.django_db
def test_logout_ends_the_session_in_the_cache_too(student: Member) -> None:
    client = Client()
    assert client.post("/accounts/login/", {"login": student.user.email, "password": PASSWORD})
    key = client.session.session_key or ""
    assert client.get("/members/me/").status_code == 200
    assert _in_cache(key)
    assert client.post("/accounts/logout/").status_code == 302
    assert not _in_cache(key)
    stale = Client()
    stale.cookies[settings.SESSION_COOKIE_NAME] = key
    assert stale.get("/members/me/").status_code == 302


@pytest.mark.django_db
def test_the_session_rotates_at_login_in_the_cache_too(student: Member) -> None:
    client = Client()
    client.get("/accounts/login/")
    session = client.session
    session["planted"] = "by an attacker who knows this session id"
    session.save()
    planted_key = session.session_key or ""
    assert _in_cache(planted_key)
    response = client.post("/accounts/login/", {"login": student.user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session.session_key != planted_key
    assert not _in_cache(planted_key)
    attacker = Client()
    attacker.cookies[settings.SESSION_COOKIE_NAME] = planted_key
    assert attacker.get("/members/me/").status_code == 302


@pytest.mark.django_db
def test_the_session_rotates_at_the_totp_step_in_the_cache_too(coordinator: Member) -> None:
    client = Client()
    client.post("/accounts/login/", {"login": coordinator.user.email, "password": PASSWORD})
    half_way_key = client.session.session_key or ""
    assert _in_cache(half_way_key)
    code = str(format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30)))
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    assert client.session.session_key != half_way_key
    assert not _in_cache(half_way_key)
    assert client.get("/programs/coordinate/").status_code == 200
    stale = Client()
    stale.cookies[settings.SESSION_COOKIE_NAME] = half_way_key
    assert stale.get("/programs/coordinate/").status_code == 302
