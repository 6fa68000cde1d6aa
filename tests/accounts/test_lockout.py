"""Login lockout keyed by account and by client address (issue 15.4): one address's failures on
random emails do not lock out another member there; an account locks after its own failures; the
client address is read through the configured number of trusted proxies."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from mentorbridge.members.models import Member

from ..factories import PASSWORD, MemberFactory

LOCKED = "Too many failed login attempts"


def _login(email: str, password: str, **headers: str) -> tuple[bool, str]:
    client = Client(**headers)  # type: ignore[arg-type]
    response = client.post("/accounts/login/", {"login": email, "password": password})
    return "_auth_user_id" in client.session, response.content.decode()


def test_failures_on_random_emails_do_not_lock_out_another_member_behind_the_address(
    student: Member,
) -> None:
    for k in range(10):
        ok, _ = _login(f"nobody{k}@example.org", "guess", REMOTE_ADDR="10.0.0.7")
        assert not ok
    ok, page = _login(student.user.email, PASSWORD, REMOTE_ADDR="10.0.0.7")
    assert ok, page[:500]


def test_an_account_locks_after_its_own_failures_from_any_address(student: Member) -> None:
    for k in range(5):
        _login(student.user.email, "wrong", REMOTE_ADDR=f"10.0.1.{k}")
    ok, page = _login(student.user.email, PASSWORD, REMOTE_ADDR="10.0.2.1")
    assert not ok
    assert LOCKED in page
    # Another account is not affected.
    other = MemberFactory(user__email="other@example.org")
    assert _login(other.user.email, PASSWORD, REMOTE_ADDR="10.0.2.1")[0]


def _without_the_per_minute_login_limit() -> object:
    """allauth also limits all login posts to 30 a minute per address; these tests post more
    quickly than that to reach the failure budget, so they lift that one limit."""
    from django.conf import settings

    return override_settings(ACCOUNT_RATE_LIMITS={**settings.ACCOUNT_RATE_LIMITS, "login": False})


def test_one_address_locks_after_its_larger_budget(db: None) -> None:
    member = MemberFactory(user__email="behind.nat@example.org")
    with _without_the_per_minute_login_limit():
        _one_address_locks(member)


def _one_address_locks(member: Member) -> None:
    for k in range(59):
        _login(f"guess{k}@example.org", "guess", REMOTE_ADDR="10.9.9.9")
    # The budget is 60 failures: after 59, a correct login still gets through (and uses none).
    assert _login(member.user.email, PASSWORD, REMOTE_ADDR="10.9.9.9")[0]
    _login("guess60@example.org", "guess", REMOTE_ADDR="10.9.9.9")
    ok, page = _login(member.user.email, PASSWORD, REMOTE_ADDR="10.9.9.9")
    assert not ok and LOCKED in page
    assert _login(member.user.email, PASSWORD, REMOTE_ADDR="10.9.9.10")[0]


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_one_trusted_proxy_each_client_has_its_own_budget(db: None) -> None:
    member = MemberFactory(user__email="clinic@example.org")
    with _without_the_per_minute_login_limit():
        _each_client_has_its_own_budget(member)


def _each_client_has_its_own_budget(member: Member) -> None:
    balancer = "10.0.0.1"  # every request reaches the app from the load balancer
    for k in range(60):
        _login(
            f"guess{k}@example.org",
            "guess",
            REMOTE_ADDR=balancer,
            HTTP_X_FORWARDED_FOR="203.0.113.5",
        )
    # The attacker's address is locked, another client behind the same balancer is not.
    ok, page = _login(
        member.user.email, PASSWORD, REMOTE_ADDR=balancer, HTTP_X_FORWARDED_FOR="203.0.113.5"
    )
    assert not ok and LOCKED in page
    assert _login(
        member.user.email, PASSWORD, REMOTE_ADDR=balancer, HTTP_X_FORWARDED_FOR="198.51.100.8"
    )[0]
    # A client cannot pick its address: only the entry our proxy appended (the last) counts.
    ok, _ = _login(
        member.user.email,
        PASSWORD,
        REMOTE_ADDR=balancer,
        HTTP_X_FORWARDED_FOR="198.51.100.77, 203.0.113.5",
    )
    assert not ok


def test_without_trusted_proxies_a_forged_forwarded_for_is_ignored(db: None) -> None:
    member = MemberFactory(user__email="direct@example.org")
    with _without_the_per_minute_login_limit():
        _forged_is_ignored(member)


def _forged_is_ignored(member: Member) -> None:
    for k in range(60):
        _login(
            f"guess{k}@example.org",
            "guess",
            REMOTE_ADDR="192.0.2.50",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{k}",
        )
    ok, page = _login(
        member.user.email, PASSWORD, REMOTE_ADDR="192.0.2.50", HTTP_X_FORWARDED_FOR="1.2.3.4"
    )
    assert not ok and LOCKED in page


@pytest.mark.parametrize(("value", "expected"), [("", 0), ("2", 2)])
def test_the_trusted_proxy_count_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: int
) -> None:
    import importlib

    import mentorbridge.settings as settings_module

    monkeypatch.setenv("TRUSTED_PROXY_COUNT", value)
    monkeypatch.setenv("TRUSTED_CLIENT_IP_HEADER", "X-Real-IP" if value else "")
    try:
        reloaded = importlib.reload(settings_module)
        count = reloaded.ALLAUTH_TRUSTED_PROXY_COUNT
        header = reloaded.ALLAUTH_TRUSTED_CLIENT_IP_HEADER
        assert count == expected
        assert header == ("X-Real-IP" if value else None)
    finally:
        monkeypatch.delenv("TRUSTED_PROXY_COUNT")
        monkeypatch.delenv("TRUSTED_CLIENT_IP_HEADER")
        importlib.reload(settings_module)


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=2)
def test_a_shorter_forwarded_for_than_the_proxies_is_answered_not_a_500(db: None) -> None:
    """With two trusted proxies, a request carrying one X-Forwarded-For entry (it skipped a proxy,
    or forged the header) made allauth raise ImproperlyConfigured: a 500 on the login page."""
    member = MemberFactory(user__email="short.chain@example.org")
    client = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client.get("/accounts/login/").status_code == 200
    ok, _ = _login(
        member.user.email, PASSWORD, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    assert ok
