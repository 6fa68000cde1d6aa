"""Webhooks: a local receiver on 127.0.0.1 gets each subscribed event, signed; failures are
retried with backoff and recorded; every delivery of one event carries the same id."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from mentorbridge.api import webhooks
from mentorbridge.api.models import Webhook, WebhookDelivery
from mentorbridge.core import clock
from mentorbridge.mentorships.services import mentorship_close

from .conftest import World, api_for


class Receiver:
    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.answers: list[int] = []  # status codes to answer with, then 200

    def url(self, server: ThreadingHTTPServer) -> str:
        return f"http://127.0.0.1:{server.server_address[1]}/hook"


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.received.append(
                {"headers": {k.lower(): v for k, v in self.headers.items()}, "body": body}
            )
            self.send_response(state.answers.pop(0) if state.answers else 200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)  # any free port
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, state.url(server)
    finally:
        server.shutdown()
        server.server_close()


def verify(secret: str, header: str, body: bytes) -> bool:
    """What a receiver does (docs/api.md)."""
    parts = dict(p.split("=", 1) for p in header.split(","))
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest(expected.hexdigest(), parts["v1"])


def register(world: World, url: str, events: list[str]) -> dict[str, Any]:
    response = api_for(world.coordinator).post(
        "/coordinator/webhooks", {"url": url, "events": events}
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_an_accepted_request_is_delivered_signed(
    world: World, receiver: tuple[Receiver, str], django_capture_on_commit_callbacks: Any
) -> None:
    state, url = receiver
    hook = register(world, url, ["request.answered", "mentorship.started"])
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            api_for(world.resident).post(f"/requests/{world.request.pk}/accept").status_code == 200
        )
    events = {json.loads(r["body"])["event"]: r for r in state.received}
    assert set(events) == {"request.answered", "mentorship.started"}
    answered = events["request.answered"]
    body = json.loads(answered["body"])
    assert body["data"]["state"] == "accepted" and body["data"]["request"] == world.request.pk
    assert answered["headers"]["x-mentorbridge-delivery"] == body["id"]
    assert verify(hook["secret"], answered["headers"]["x-mentorbridge-signature"], answered["body"])
    assert not verify(
        "whsec_wrong", answered["headers"]["x-mentorbridge-signature"], answered["body"]
    )
    assert set(WebhookDelivery.objects.values_list("status", "last_status_code")) == {
        ("delivered", 200)
    }


def test_only_subscribed_events_and_active_hooks_are_delivered(
    world: World, receiver: tuple[Receiver, str], django_capture_on_commit_callbacks: Any
) -> None:
    state, url = receiver
    register(world, url, ["mentorship.closed"])
    stopped = register(world, url, ["mentorship.closed"])
    api_for(world.coordinator).post(f"/coordinator/webhooks/{stopped['id']}/delete")
    with django_capture_on_commit_callbacks(execute=True):
        api_for(world.resident).post(f"/requests/{world.request.pk}/decline", {"reason": ""})
        mentorship_close(mentorship=world.mentorship, by=world.resident)
    assert [json.loads(r["body"])["event"] for r in state.received] == ["mentorship.closed"]


def test_a_failing_receiver_is_retried_with_backoff_and_the_same_event_id(
    world: World, receiver: tuple[Receiver, str], django_capture_on_commit_callbacks: Any
) -> None:
    state, url = receiver
    state.answers = [500, 503]
    register(world, url, ["mentorship.closed"])
    with django_capture_on_commit_callbacks(execute=True):
        mentorship_close(mentorship=world.mentorship, by=world.resident)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    assert delivery.next_attempt_at > clock.now() + dt.timedelta(seconds=20)
    # Not due yet: the periodic command leaves it alone.
    assert webhooks.deliveries_due() == 0
    first_wait = delivery.next_attempt_at - clock.now()
    WebhookDelivery.objects.update(next_attempt_at=clock.now())
    assert webhooks.deliveries_due() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 2, 503)
    assert delivery.next_attempt_at - clock.now() > first_wait * 3  # exponential
    WebhookDelivery.objects.update(next_attempt_at=clock.now())
    assert webhooks.deliveries_due() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 3, 200)
    ids = {json.loads(r["body"])["id"] for r in state.received}
    assert len(state.received) == 3 and len(ids) == 1  # one event id: the receiver can de-duplicate


def test_a_receiver_that_never_answers_ends_failed(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    register(world, "http://127.0.0.1:9/nothing-listens", ["mentorship.closed"])
    with django_capture_on_commit_callbacks(execute=True):
        mentorship_close(mentorship=world.mentorship, by=world.resident)
    for _ in range(webhooks.MAX_ATTEMPTS):
        WebhookDelivery.objects.update(next_attempt_at=clock.now())
        webhooks.deliveries_due()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed" and delivery.attempts == webhooks.MAX_ATTEMPTS
    assert delivery.last_status_code is None and delivery.last_error
    listed = api_for(world.coordinator).get(
        f"/coordinator/webhooks/{Webhook.objects.get().pk}/deliveries"
    )
    assert listed.json()["items"][0]["status"] == "failed"


def test_an_event_is_recorded_only_if_its_change_commits(world: World) -> None:
    from django.db import transaction

    Webhook.objects.create(url="http://127.0.0.1:9/x", events=["mentorship.closed"], secret="s")
    with pytest.raises(RuntimeError), transaction.atomic():
        mentorship_close(mentorship=world.mentorship, by=world.resident)
        raise RuntimeError("rolled back")
    assert not WebhookDelivery.objects.exists()


def test_webhooks_are_for_coordinators_and_need_a_real_url(world: World) -> None:
    member = api_for(world.resident).post(
        "/coordinator/webhooks", {"url": "http://127.0.0.1/x", "events": ["mentorship.closed"]}
    )
    assert member.status_code == 404
    api = api_for(world.coordinator)
    for bad in (
        {"url": "ftp://x", "events": ["mentorship.closed"]},
        {"url": "http://x.org", "events": ["nope"]},
        {"url": "http://x.org", "events": []},
    ):
        assert api.post("/coordinator/webhooks", bad).status_code == 422
