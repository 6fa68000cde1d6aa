"""The headers every response carries, sessions that rotate when privilege changes, and the rate
limits on the doors an attacker knocks on (log in, password reset, the emailed answer link)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.test import Client

from mentorbridge.matching import services
from mentorbridge.members.models import Member

from ..conftest import TOTP_SECRET
from ..factories import PASSWORD, enroll, make_cycle

TEMPLATES = Path(settings.BASE_DIR) / "mentorbridge" / "templates"


def directives(policy: str) -> dict[str, list[str]]:
    parsed = (part.strip().split() for part in policy.split(";") if part.strip())
    return {words[0]: words[1:] for words in parsed}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/no-such-page/"])
def test_every_page_sends_the_security_headers(path: str) -> None:
    response = Client().get(path)
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"] or set(policy["script-src"]) <= {"'self'"} | {
        s for s in policy["script-src"] if s.startswith("'nonce-")
    }
    for directive in ("script-src", "default-src", "style-src", "style-src-elem"):
        assert "'unsafe-inline'" not in policy[directive], directive
        assert "'unsafe-eval'" not in policy[directive], directive
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_no_template_has_inline_script_or_event_handler() -> None:
    """The CSP refuses them, so they would silently not run: scripts belong in static files."""
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        if "emails" in template.parts:
            continue  # mail clients, not our pages
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and 'type="application/json"' not in tag:
                offenders.append(f"{template}: {tag}")
        for handler in re.findall(r"""<[^>]*\son[a-z]+\s*=\s*["'][^>]*>""", text):
            offenders.append(f"{template}: {handler}")
        if "javascript:" in text or "hx-on" in text:
            offenders.append(f"{template}: javascript: URL or hx-on (needs eval)")
    assert not offenders, "\n".join(offenders)


def test_htmx_does_not_inject_its_indicator_style() -> None:
    base = (TEMPLATES / "base.html").read_text()
    assert '"includeIndicatorStyles": false' in base


def _code() -> str:
    return str(format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30)))


@pytest.mark.django_db
def test_the_session_rotates_at_login(student: Member) -> None:
    client = Client()
    client.get("/accounts/login/")
    session = client.session
    session["planted"] = "by an attacker who knows this session id"
    session.save()
    planted_key = session.session_key
    response = client.post("/accounts/login/", {"login": student.user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session.session_key != planted_key
    assert client.get("/members/me/").status_code == 200
    # The planted id is no longer logged in (nor anyone).
    attacker = Client()
    attacker.cookies[settings.SESSION_COOKIE_NAME] = planted_key or ""
    assert attacker.get("/members/me/").status_code == 302


@pytest.mark.django_db
def test_the_session_rotates_again_at_the_totp_step(coordinator: Member) -> None:
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": coordinator.user.email, "password": PASSWORD}
    )
    assert response["Location"] == "/accounts/2fa/authenticate/"
    half_way_key = client.session.session_key
    # Half way (password right, no code yet) is not logged in.
    assert client.get("/members/me/").status_code == 302
    response = client.post("/accounts/2fa/authenticate/", {"code": _code()})
    assert response.status_code == 302, response.content[:500]
    assert client.session.session_key != half_way_key
    assert client.get("/programs/coordinate/").status_code == 200
    stale = Client()
    stale.cookies[settings.SESSION_COOKIE_NAME] = half_way_key or ""
    assert stale.get("/programs/coordinate/").status_code == 302


@pytest.mark.django_db
def test_failed_logins_are_rate_limited_per_account(student: Member) -> None:
    client = Client()
    for i in range(5):
        response = client.post(
            "/accounts/login/", {"login": student.user.email, "password": f"wrong-{i}"}
        )
        assert response.status_code == 200  # the form again, with an error
    # Now even the right password is refused for a while (allauth's login_failed limit).
    response = client.post("/accounts/login/", {"login": student.user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert b"Too many failed login attempts" in response.content
    assert client.get("/members/me/").status_code == 302


@pytest.mark.django_db
def test_password_reset_is_rate_limited(student: Member) -> None:
    client = Client()
    statuses = [
        client.post("/accounts/password/reset/", {"email": student.user.email}).status_code
        for _ in range(8)
    ]
    assert statuses[0] == 302
    assert statuses[-1] == 429, statuses


@pytest.mark.django_db
def test_the_request_answer_link_is_rate_limited(student: Member, resident: Member) -> None:
    cycle = make_cycle()
    request = services.request_send(
        mentee_enrollment=enroll(student, cycle, "mentee"),
        mentor_enrollment=enroll(resident, cycle, "mentor"),
        message="Would you mentor me?",
    )
    url = f"/matching/answer/{services.answer_token(request, 'decline')}/"
    client = Client()
    statuses = [client.get(url).status_code for _ in range(12)]
    assert statuses[0] == 200
    assert statuses[-1] == 429, statuses
    # Guessing other links from one address is throttled as well.
    guesses = [client.get(f"/matching/answer/guess-{i}/").status_code for i in range(30)]
    assert guesses[-1] == 429
    request.refresh_from_db()
    assert request.state == request.State.PENDING  # nothing was answered by all that
