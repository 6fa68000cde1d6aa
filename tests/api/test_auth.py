"""Personal access tokens (scopes, expiry, revocation, last use), the session with CSRF, rate
limits, error shapes and cursor pagination."""

from __future__ import annotations

import datetime as dt

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from mentorbridge.api import services
from mentorbridge.api.models import AccessToken
from mentorbridge.core.models import Notification
from mentorbridge.core.refusals import Refusal
from mentorbridge.members.models import Member

from ..conftest import client_for
from .conftest import Api, World, api_for, token_for


def test_a_read_token_reads_but_cannot_write(world: World) -> None:
    api = api_for(world.resident, "read")
    assert api.get("/me").status_code == 200
    response = api.post(f"/mentorships/{world.mentorship.pk}/messages", {"body": "Hi"})
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"


def test_a_write_only_token_cannot_read(world: World) -> None:
    response = api_for(world.resident, "write").get("/me")
    assert response.status_code == 403


def test_an_expired_token_is_refused(world: World, settings: object) -> None:
    secret = token_for(world.student, "read")
    AccessToken.objects.update(expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    response = Api(secret).get("/me")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_a_revoked_token_is_refused(world: World) -> None:
    secret = token_for(world.student, "read")
    services.token_revoke(token=AccessToken.objects.get())
    assert Api(secret).get("/me").status_code == 401


def test_a_made_up_token_is_refused(db: None) -> None:
    for secret in ("mbt_nope", "not-even-ours", "mbt_" + "x" * 200):
        assert Api(secret).get("/me").json()["code"] == "invalid_token"


def test_only_the_digest_is_stored_and_last_use_is_recorded(world: World) -> None:
    secret = token_for(world.student, "read")
    token = AccessToken.objects.get()
    assert secret not in (token.digest, token.prefix) and token.last_used_at is None
    assert secret.startswith(token.prefix)
    Api(secret).get("/me")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_token_of_a_deactivated_account_stops_working(world: World) -> None:
    secret = token_for(world.student, "read")
    world.student.user.is_active = False
    world.student.user.save()
    assert Api(secret).get("/me").status_code == 401


def test_coordinate_tokens_need_a_coordinator_with_totp(world: World) -> None:
    with pytest.raises(Refusal, match="Only Task Force"):
        services.token_create(user=world.student.user, name="x", scopes=["coordinate"], days=30)
    Authenticator.objects.filter(user=world.coordinator.user).delete()
    with pytest.raises(Refusal, match="two-factor"):
        services.token_create(user=world.coordinator.user, name="x", scopes=["coordinate"], days=30)


def test_a_coordinate_token_stops_working_when_totp_is_turned_off(world: World) -> None:
    api = api_for(world.coordinator)
    assert api.get("/coordinator/members").status_code == 200
    Authenticator.objects.filter(user=world.coordinator.user).delete()
    response = api.get("/coordinator/members")
    assert response.status_code == 403
    assert response.json()["code"] == "mfa_required"


def test_the_session_reads_and_writes_with_csrf(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.resident.user)
    assert client.get("/api/v1/me").status_code == 200
    url = f"/api/v1/mentorships/{world.mentorship.pk}/messages"
    refused = client.post(url, {"body": "Hi"}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "csrf_failed"
    client.get("/api/v1/docs")  # any page sets the csrftoken cookie
    client.get("/notifications/")
    token = client.cookies["csrftoken"].value
    sent = client.post(
        url, {"body": "Hi"}, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert sent.status_code == 201, sent.content


def test_a_coordinator_session_without_totp_gets_a_json_403(world: World) -> None:
    Authenticator.objects.filter(user=world.coordinator.user).delete()
    response = client_for(world.coordinator).get("/api/v1/coordinator/members")
    assert response.status_code == 403 and response.json()["code"] == "mfa_required"


def test_too_many_requests_get_429_with_retry_after(world: World, settings: object) -> None:
    settings.API_RATE_LIMIT = 3  # type: ignore[attr-defined]
    api = api_for(world.student, "read")
    assert [api.get("/me").status_code for _ in range(3)] == [200, 200, 200]
    response = api.get("/me")
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert 1 <= int(response["Retry-After"]) <= 61
    # Another token has its own count.
    assert api_for(world.resident, "read").get("/me").status_code == 200


def test_errors_have_one_shape(world: World) -> None:
    api = api_for(world.resident)
    bad_json = api.client.post(
        "/api/v1/requests", "{nope", content_type="application/json", headers=api.headers
    )
    assert bad_json.status_code == 400, bad_json.content
    invalid = api.post(f"/mentorships/{world.mentorship.pk}/messages", {"body": 5})
    assert invalid.status_code == 422 and "body" in invalid.json()["errors"]
    empty = api.post(f"/mentorships/{world.mentorship.pk}/messages", {"body": "   "})
    assert empty.status_code == 422 and empty.json()["errors"]["body"]
    nul = api.post(f"/mentorships/{world.mentorship.pk}/messages", {"body": "a\x00b"})
    assert nul.status_code == 422
    assert api.get("/mentorships/99999999999999999999").status_code in (404, 422)
    assert api.get("/nothing-here").json()["code"] == "not_found"
    for response in (bad_json, invalid, empty, nul):
        assert set(response.json()) >= {"detail", "code"}


def test_requests_refused_before_any_view_answer_in_the_api_shape(world: World) -> None:
    # A NUL in the address and an oversized body are refused by core's middleware (found by
    # schemathesis on PostgreSQL: it answered the HTML 400 page to an API client).
    api = api_for(world.resident)
    nul = api.client.get("/api/v1/mentorships?q=%00", headers=api.headers)
    assert nul.status_code == 400 and nul["Content-Type"] == "application/json"
    assert nul.json()["code"] == "bad_request"
    big = api.client.post(
        "/api/v1/requests",
        "x",
        content_type="application/json",
        headers=api.headers,
        CONTENT_LENGTH="99999999",
    )
    assert big.status_code == 413 and big.json()["code"] == "too_large"


def test_a_refusal_from_the_services_is_a_409_with_its_reason(world: World) -> None:
    api = api_for(world.resident)
    assert api.post(f"/requests/{world.request.pk}/accept").status_code == 200
    again = api.post(f"/requests/{world.request.pk}/decline", {"reason": ""})
    assert again.status_code == 409
    assert "already answered" in again.json()["detail"]


def test_lists_page_with_a_cursor(world: World) -> None:
    member: Member = world.outsider
    Notification.objects.bulk_create(
        [Notification(member=member, kind="k", title=f"n{i}") for i in range(7)]
    )
    api = api_for(member, "read")
    seen: list[int] = []
    cursor = None
    while True:
        page = api.get("/notifications", limit=3, **({"cursor": cursor} if cursor else {})).json()
        seen += [n["id"] for n in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == 7 and seen == sorted(seen, reverse=True)
    assert api.get("/notifications", cursor="garbage!").json()["code"] == "bad_cursor"
    assert api.get("/notifications", limit=500).status_code == 422


def test_the_token_page_shows_a_new_token_once_and_revokes_it(world: World) -> None:
    client = client_for(world.student)
    page = client.post("/accounts/tokens/", {"name": "My script", "scopes": ["read"], "days": "30"})
    assert page.status_code == 200
    secret = page.context["created"].secret
    assert secret in page.content.decode()
    assert secret not in client.get("/accounts/tokens/").content.decode()
    assert Api(secret).get("/me").status_code == 200
    token = AccessToken.objects.get()
    client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert Api(secret).get("/me").status_code == 401


def test_the_token_page_refuses_bad_input_and_others_tokens(world: World) -> None:
    client = client_for(world.student)
    assert client.post("/accounts/tokens/", {"name": "", "days": "7"}).status_code == 400
    refused = client.post(
        "/accounts/tokens/", {"name": "x", "scopes": ["coordinate"], "days": "30"}
    )
    assert refused.status_code == 400 and not AccessToken.objects.exists()
    token_for(world.resident, "read")
    other = AccessToken.objects.get()
    assert client.post(f"/accounts/tokens/{other.pk}/revoke/").status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None


def test_the_docs_and_schema_are_served_without_a_cdn(db: None) -> None:
    docs = Client().get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs
    assert "cdn" not in docs.lower() and "unpkg" not in docs.lower()
    schema = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/enrollments/{enrollment_id}/recommendations" in schema["paths"]
