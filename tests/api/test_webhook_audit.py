"""Who registered, re-keyed, stopped, resumed or deleted a webhook is in the audit log: each
service refuses anyone but a coordinator (nobody, too) and changes nothing then; each change
writes one entry in its own transaction, never with the secret; a change that fails leaves none."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from mentorbridge.api import webhooks
from mentorbridge.api.models import Webhook, WebhookDelivery
from mentorbridge.core.audit import audit_trail
from mentorbridge.core.refusals import Refusal
from mentorbridge.members.models import Member

from ..conftest import client_for
from .conftest import api_for

pytestmark = pytest.mark.django_db

URL = "http://127.0.0.1:9/hook"


@pytest.fixture
def hook(coordinator: Member) -> Webhook:
    hook = webhooks.webhook_create(
        by=coordinator.user, url=URL, events=["request.answered", "mentorship.closed"]
    )
    WebhookDelivery.objects.create(webhook=hook, event="mentorship.closed")
    LogEntry.objects.all().delete()  # each test below counts only its own entries
    return hook


def _state() -> list[tuple[Any, ...]]:
    return list(Webhook.objects.values_list("pk", "url", "events", "secret", "is_active"))


def _no_secret_anywhere(*secrets: str) -> None:
    for entry in LogEntry.objects.all():
        for secret in secrets:
            assert secret not in entry.change_message and secret not in entry.object_repr


def _the_entry(hook_pk: int) -> LogEntry:
    [entry] = LogEntry.objects.all()
    assert entry.content_type == ContentType.objects.get_for_model(Webhook)
    assert entry.object_id == str(hook_pk)
    return entry


CHANGES: dict[str, Callable[[Webhook, Any], object]] = {
    "rotate": lambda hook, by: webhooks.webhook_secret_rotate(webhook=hook, by=by),
    "stop": lambda hook, by: webhooks.webhook_set_active(webhook=hook, active=False, by=by),
    "resume": lambda hook, by: webhooks.webhook_set_active(webhook=hook, active=True, by=by),
    "delete": lambda hook, by: webhooks.webhook_delete(webhook=hook, by=by),
}


@pytest.mark.parametrize("who", ["student", "outsider", "nobody", "anonymous"])
def test_it_refuses_anyone_but_a_coordinator_and_changes_nothing(
    hook: Webhook, student: Member, outsider: Member, who: str
) -> None:
    by = {
        "student": student.user,
        "outsider": outsider.user,
        "nobody": None,
        "anonymous": AnonymousUser(),
    }[who]
    before, deliveries = _state(), WebhookDelivery.objects.count()
    with pytest.raises(Refusal, match="Only Task Force coordinators manage webhooks"):
        webhooks.webhook_create(by=by, url="http://127.0.0.1:9/other", events=["mentorship.closed"])
    for name, change in CHANGES.items():
        with pytest.raises(Refusal, match="Only Task Force coordinators manage webhooks"):
            change(hook, by)
        assert _state() == before, name
    assert WebhookDelivery.objects.count() == deliveries
    assert not LogEntry.objects.exists()


def test_registering_is_recorded_without_the_secret(coordinator: Member) -> None:
    hook = webhooks.webhook_create(
        by=coordinator.user, url=URL, events=["request.answered", "mentorship.closed"]
    )
    entry = _the_entry(hook.pk)
    assert (entry.user_id, entry.action_flag) == (coordinator.user.pk, ADDITION)
    assert entry.change_message == (
        f"Registered a webhook for {URL} (events: mentorship.closed, request.answered)"
    )
    assert entry.object_repr == URL
    _no_secret_anywhere(hook.secret)


def test_rotating_is_recorded_without_either_secret(hook: Webhook, coordinator: Member) -> None:
    old = hook.secret
    webhooks.webhook_secret_rotate(webhook=hook, by=coordinator.user)
    assert hook.secret != old
    entry = _the_entry(hook.pk)
    assert (entry.user_id, entry.action_flag) == (coordinator.user.pk, CHANGE)
    assert entry.change_message == "Rotated the signing secret"
    _no_secret_anywhere(old, hook.secret)


def test_stopping_and_resuming_are_recorded(hook: Webhook, coordinator: Member) -> None:
    webhooks.webhook_set_active(webhook=hook, active=False, by=coordinator.user)
    assert not hook.is_active
    entry = _the_entry(hook.pk)
    assert (entry.user_id, entry.action_flag) == (coordinator.user.pk, CHANGE)
    assert entry.change_message == "Stopped deliveries"
    webhooks.webhook_set_active(webhook=hook, active=True, by=coordinator.user)
    assert hook.is_active
    assert [e.change_message for e in audit_trail(hook)] == [
        "Resumed deliveries",
        "Stopped deliveries",
    ]
    _no_secret_anywhere(hook.secret)


def test_deleting_is_recorded_and_the_entry_outlives_the_webhook(
    hook: Webhook, coordinator: Member
) -> None:
    pk, secret = hook.pk, hook.secret
    webhooks.webhook_delete(webhook=hook, by=coordinator.user)
    assert not Webhook.objects.exists() and not WebhookDelivery.objects.exists()
    entry = _the_entry(pk)
    assert (entry.user_id, entry.action_flag) == (coordinator.user.pk, DELETION)
    assert entry.change_message == f"Deleted the webhook for {URL} and its delivery history"
    assert entry.object_repr == URL
    _no_secret_anywhere(secret)


def test_a_refused_url_registers_nothing_and_records_nothing(
    coordinator: Member, settings: Any
) -> None:
    settings.WEBHOOK_ALLOW_INTERNAL_URLS = False
    for url in ("ftp://example.org/hook", "http://127.0.0.1/hook"):
        with pytest.raises(webhooks.WebhookError):
            webhooks.webhook_create(by=coordinator.user, url=url, events=["mentorship.closed"])
    assert not Webhook.objects.exists() and not LogEntry.objects.exists()


@pytest.mark.parametrize("name", CHANGES)
def test_a_change_to_a_webhook_deleted_meanwhile_records_nothing(
    hook: Webhook, coordinator: Member, name: str
) -> None:
    Webhook.objects.filter(pk=hook.pk).delete()  # another coordinator, a moment before
    with pytest.raises(Refusal, match="deleted meanwhile"):
        CHANGES[name](hook, coordinator.user)
    assert not LogEntry.objects.exists()


def test_the_pages_record_the_signed_in_coordinator(coordinator: Member) -> None:
    client = client_for(coordinator)
    client.post(reverse("api_webhooks"), {"url": URL, "events": ["mentorship.closed"]})
    hook = Webhook.objects.get()
    client.post(reverse("api_webhook_rotate", args=[hook.pk]))
    client.post(reverse("api_webhook_active", args=[hook.pk]), {"active": "0"})
    client.post(reverse("api_webhook_active", args=[hook.pk]), {"active": "1"})
    secret = Webhook.objects.get().secret
    client.post(reverse("api_webhook_delete", args=[hook.pk]))
    entries = LogEntry.objects.order_by("pk")
    assert {e.user_id for e in entries} == {coordinator.user.pk}
    assert [e.change_message for e in entries] == [
        f"Registered a webhook for {URL} (events: mentorship.closed)",
        "Rotated the signing secret",
        "Stopped deliveries",
        "Resumed deliveries",
        f"Deleted the webhook for {URL} and its delivery history",
    ]
    _no_secret_anywhere(hook.secret, secret)


def test_a_refusal_on_a_page_is_shown_and_changes_nothing(
    hook: Webhook, coordinator: Member
) -> None:
    client = client_for(coordinator)

    def gone(**kwargs: object) -> None:
        raise Refusal(webhooks.GONE)  # found by the page's fetch, gone when the service ran

    for view, service in (
        ("api_webhook_rotate", "webhook_secret_rotate"),
        ("api_webhook_active", "webhook_set_active"),
        ("api_webhook_delete", "webhook_delete"),
    ):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(webhooks, service, gone)
            answer = client.post(reverse(view, args=[hook.pk]), {"active": "0"}, follow=True)
        assert answer.status_code == 200, view
        assert webhooks.GONE in answer.content.decode(), view
    assert Webhook.objects.filter(pk=hook.pk, is_active=True).exists()
    assert not LogEntry.objects.exists()


def test_a_refused_registration_on_the_page_says_why(
    coordinator: Member, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(**kwargs: object) -> None:
        raise Refusal("Only Task Force coordinators manage webhooks.")

    monkeypatch.setattr(webhooks, "webhook_create", refused)
    answer = client_for(coordinator).post(
        reverse("api_webhooks"), {"url": URL, "events": ["mentorship.closed"]}
    )
    assert answer.status_code == 400
    assert "Only Task Force coordinators manage webhooks." in answer.content.decode()
    assert not Webhook.objects.exists() and not LogEntry.objects.exists()


def test_the_api_records_the_tokens_coordinator(coordinator: Member) -> None:
    api = api_for(coordinator)
    created = api.post("/coordinator/webhooks", {"url": URL, "events": ["mentorship.closed"]})
    assert created.status_code == 201
    hook_id, secret = created.json()["id"], created.json()["secret"]
    assert api.post(f"/coordinator/webhooks/{hook_id}/delete").status_code == 200
    entries = LogEntry.objects.order_by("pk")
    assert [(e.user_id, e.object_id, e.change_message) for e in entries] == [
        (
            coordinator.user.pk,
            str(hook_id),
            f"Registered a webhook for {URL} (events: mentorship.closed)",
        ),
        (coordinator.user.pk, str(hook_id), "Stopped deliveries"),
    ]
    _no_secret_anywhere(secret)


def test_the_api_answers_a_refusal_in_its_error_shape(
    hook: Webhook, coordinator: Member, monkeypatch: pytest.MonkeyPatch
) -> None:
    def gone(**kwargs: object) -> None:
        raise Refusal(webhooks.GONE)

    monkeypatch.setattr(webhooks, "webhook_set_active", gone)
    answer = api_for(coordinator).post(f"/coordinator/webhooks/{hook.pk}/delete")
    assert answer.status_code == 409
    assert answer.json() == {"detail": webhooks.GONE, "code": "refused"}
    assert not LogEntry.objects.exists()
