"""The Task Force's webhook pages: register (internal addresses refused unless allowed), deliveries
with the receiver's answers, rotate the secret, stop and resume, delete; members and anonymous
visitors get nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from mentorbridge.api import webhooks
from mentorbridge.api.models import Webhook, WebhookDelivery
from mentorbridge.core import clock
from mentorbridge.members.models import Member

from ..conftest import client_for
from .conftest import api_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def hook(coordinator: Member) -> Webhook:
    return webhooks.webhook_create(
        by=coordinator.user, url="http://127.0.0.1:9/hook", events=["mentorship.closed"]
    )


def test_only_coordinators_reach_the_pages(
    hook: Webhook, student: Member, outsider: Member
) -> None:
    pages = [
        ("get", reverse("api_webhooks")),
        ("post", reverse("api_webhooks")),
        ("get", reverse("api_webhook", args=[hook.pk])),
        ("post", reverse("api_webhook_rotate", args=[hook.pk])),
        ("post", reverse("api_webhook_active", args=[hook.pk])),
        ("post", reverse("api_webhook_delete", args=[hook.pk])),
    ]
    secret = hook.secret
    for client in (client_for(student), client_for(outsider)):
        for method, url in pages:
            data = {"url": "http://127.0.0.1/x", "events": ["mentorship.closed"]}
            assert getattr(client, method)(url, data).status_code == 404, url
    for method, url in pages:
        answer = getattr(Client(), method)(url)
        assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]
    assert list(Webhook.objects.values_list("secret", "is_active")) == [(secret, True)]


def test_a_coordinator_registers_a_webhook_and_sees_its_secret_once(coordinator: Member) -> None:
    client = client_for(coordinator)
    answer = client.post(
        reverse("api_webhooks"),
        {"url": "http://127.0.0.1:8999/hook", "events": ["member.imported", "match_run.published"]},
    )
    assert answer.status_code == 200
    hook = Webhook.objects.get()
    assert hook.events == ["match_run.published", "member.imported"]
    assert hook.created_by == coordinator.user
    assert hook.secret in answer.content.decode()
    assert hook.secret not in client.get(reverse("api_webhooks")).content.decode()
    assert hook.secret not in client.get(reverse("api_webhook", args=[hook.pk])).content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://localhost:8000/hook",
        "http://10.0.0.5/hook",
        "http://192.168.1.20/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
        "http://example.org:99999/hook",
        "ftp://example.org/hook",
        "not a url",
    ],
)
def test_internal_and_bad_urls_are_refused_unless_allowed(
    coordinator: Member, settings: Any, url: str
) -> None:
    settings.WEBHOOK_ALLOW_INTERNAL_URLS = False
    answer = client_for(coordinator).post(
        reverse("api_webhooks"), {"url": url, "events": ["mentorship.closed"]}
    )
    assert answer.status_code == 400
    assert b"errorlist" in answer.content


@pytest.mark.parametrize("url", ["http://127.0.0.1/hook", "http://10.1.2.3/hook"])
def test_the_api_refuses_internal_urls_the_same_way(
    coordinator: Member, settings: Any, url: str
) -> None:
    settings.WEBHOOK_ALLOW_INTERNAL_URLS = False
    answer = api_for(coordinator).post(
        "/coordinator/webhooks", {"url": url, "events": ["mentorship.closed"]}
    )
    assert answer.status_code == 422
    assert "private network" in answer.json()["detail"]
    assert not Webhook.objects.exists()


@pytest.mark.parametrize(
    "url", ["https://user:hunter2@example.org/hook", "https://hunter2@example.org/hook"]
)
def test_credentials_in_the_url_are_refused(coordinator: Member, url: str) -> None:
    answer = api_for(coordinator).post(
        "/coordinator/webhooks", {"url": url, "events": ["mentorship.closed"]}
    )
    assert answer.status_code == 422
    assert "user name and password" in answer.json()["detail"]
    assert b"hunter2" not in answer.content
    assert not Webhook.objects.exists()


def test_a_public_address_is_accepted_with_internal_urls_off(
    coordinator: Member, settings: Any
) -> None:
    settings.WEBHOOK_ALLOW_INTERNAL_URLS = False
    assert webhooks.webhook_url_check("https://93.184.215.14/hook")


def test_a_name_that_now_points_inside_is_not_posted_to(hook: Webhook, settings: Any) -> None:
    delivery = WebhookDelivery.objects.create(webhook=hook, event="mentorship.closed")
    settings.WEBHOOK_ALLOW_INTERNAL_URLS = False
    result = webhooks.delivery_attempt(delivery_id=delivery.pk)
    assert result is not None and result.status == "pending" and result.attempts == 1
    assert "private network" in result.last_error and result.last_status_code is None


def test_the_deliveries_show_the_receivers_answers_and_filter(
    hook: Webhook, coordinator: Member
) -> None:
    WebhookDelivery.objects.create(
        webhook=hook, event="mentorship.closed", status="failed", attempts=6, last_status_code=503
    )
    WebhookDelivery.objects.create(
        webhook=hook,
        event="mentorship.closed",
        status="delivered",
        attempts=1,
        last_status_code=204,
        delivered_at=clock.now(),
    )
    client = client_for(coordinator)
    page = client.get(reverse("api_webhook", args=[hook.pk])).content.decode()
    assert "HTTP 503" in page and "HTTP 204" in page
    failed = client.get(reverse("api_webhook", args=[hook.pk]), {"status": "failed"})
    assert "HTTP 503" in failed.content.decode() and "HTTP 204" not in failed.content.decode()
    assert client.get(reverse("api_webhook", args=[hook.pk]), {"status": "nope"}).status_code == 200


def test_rotating_the_secret_shows_the_new_one_once(hook: Webhook, coordinator: Member) -> None:
    old = hook.secret
    answer = client_for(coordinator).post(reverse("api_webhook_rotate", args=[hook.pk]))
    hook.refresh_from_db()
    assert hook.secret != old and hook.secret.startswith("whsec_")
    assert hook.secret in answer.content.decode()
    assert (
        client_for(coordinator).get(reverse("api_webhook_rotate", args=[hook.pk])).status_code
        == 405
    )


def test_a_stopped_webhook_posts_nothing_until_resumed(hook: Webhook, coordinator: Member) -> None:
    delivery = WebhookDelivery.objects.create(webhook=hook, event="mentorship.closed")
    client = client_for(coordinator)
    client.post(reverse("api_webhook_active", args=[hook.pk]), {"active": "0"})
    hook.refresh_from_db()
    assert not hook.is_active
    assert webhooks.delivery_attempt(delivery_id=delivery.pk) is None
    assert webhooks.deliveries_due() == 0
    client.post(reverse("api_webhook_active", args=[hook.pk]), {"active": "1"})
    hook.refresh_from_db()
    assert hook.is_active
    assert webhooks.delivery_attempt(delivery_id=delivery.pk) is not None  # posted (nobody listens)


def test_deleting_removes_the_webhook_and_its_history(hook: Webhook, coordinator: Member) -> None:
    WebhookDelivery.objects.create(webhook=hook, event="mentorship.closed")
    answer = client_for(coordinator).post(reverse("api_webhook_delete", args=[hook.pk]))
    assert answer.status_code == 302 and answer["Location"] == reverse("api_webhooks")
    assert not Webhook.objects.exists() and not WebhookDelivery.objects.exists()
    assert client_for(coordinator).get(reverse("api_webhook", args=[hook.pk])).status_code == 404


def test_the_page_and_the_api_list_webhooks_through_the_one_selector(
    hook: Webhook, coordinator: Member, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mentorbridge.api import webhook_views
    from mentorbridge.api.endpoints import coordinator as endpoints

    page, api = client_for(coordinator), api_for(coordinator)
    assert hook.url in page.get(reverse("api_webhooks")).content.decode()
    assert [h["id"] for h in api.get("/coordinator/webhooks").json()["items"]] == [hook.pk]
    # Whatever the selector gives is what both show: here, as to a non-coordinator, nothing.
    for module in (webhook_views, endpoints):
        monkeypatch.setattr(module, "webhooks_for_coordinator", lambda user: Webhook.objects.none())
    assert hook.url not in page.get(reverse("api_webhooks")).content.decode()
    assert api.get("/coordinator/webhooks").json()["items"] == []


def test_a_bad_url_and_a_missing_event_are_both_reported_on_the_first_submit(
    coordinator: Member, settings: Any
) -> None:
    settings.WEBHOOK_ALLOW_INTERNAL_URLS = False
    answer = client_for(coordinator).post(reverse("api_webhooks"), {"url": "http://10.1.2.3/h"})
    assert answer.status_code == 400
    body = answer.content.decode()
    assert "private network" in body and "This field is required." in body
    assert not Webhook.objects.exists()
