"""Each webhook event end to end, from the service that emits it to a receiver on 127.0.0.1:
"member.imported" from the roster import and "match_run.published" from publishing a run (the
other three are in test_webhooks.py): the body, its signature, one delivery per event."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mentorbridge.api import webhooks
from mentorbridge.api.models import WebhookDelivery
from mentorbridge.core.refusals import Refusal
from mentorbridge.dashboard import roster
from mentorbridge.dashboard.models import RosterUpload
from mentorbridge.matching import runs
from mentorbridge.members.models import Member
from mentorbridge.mentorships.models import Mentorship

from .conftest import World
from .test_webhooks import Receiver, receiver, verify

__all__ = ["receiver"]  # the fixture, shared with test_webhooks.py
pytestmark = pytest.mark.django_db

ROSTER = (
    "Name,Email,Training stage\n"
    "Ana Alvarez,ana@example.org,MS2\n"
    "Ben Brown,ben@example.org,PGY-3 resident\n"
    "Sam Student,sam@example.org,MS2\n"  # already a member: an update, not an import
)


def subscribe(world: World, url: str, events: list[str]) -> str:
    return webhooks.webhook_create(by=world.coordinator.user, url=url, events=events).secret


def events_of(state: Receiver) -> list[dict[str, Any]]:
    return [json.loads(r["body"]) for r in state.received]


def test_member_imported_is_delivered_from_the_roster_import(
    world: World, receiver: tuple[Receiver, str], django_capture_on_commit_callbacks: Any
) -> None:
    state, url = receiver
    secret = subscribe(world, url, ["member.imported"])
    upload = RosterUpload.objects.create(filename="roster.csv", content=ROSTER.encode())
    sheet = roster.read_roster("roster.csv", ROSTER.encode())
    plan = roster.plan_roster(sheet, roster.guess_mapping(sheet.headers))
    with django_capture_on_commit_callbacks(execute=True):
        roster.roster_import(upload=upload, plan=plan, by=world.coordinator)

    [body] = events_of(state)
    new = set(
        Member.objects.filter(user__email__in=["ana@example.org", "ben@example.org"]).values_list(
            "pk", flat=True
        )
    )
    assert body["event"] == "member.imported"
    assert body["data"]["count"] == 2 and set(body["data"]["members"]) == new
    headers = state.received[0]["headers"]
    assert headers["x-mentorbridge-event"] == "member.imported"
    assert headers["x-mentorbridge-delivery"] == body["id"]
    assert verify(secret, headers["x-mentorbridge-signature"], state.received[0]["body"])
    assert WebhookDelivery.objects.get().status == "delivered"

    # A roster with nobody new (only updates) imports no one: no event.
    again = ROSTER.replace("Ana Alvarez", "Ana A. Alvarez").encode()
    upload2 = RosterUpload.objects.create(filename="roster.csv", content=again)
    sheet2 = roster.read_roster("roster.csv", again)
    plan2 = roster.plan_roster(sheet2, roster.guess_mapping(sheet2.headers))
    with django_capture_on_commit_callbacks(execute=True):
        roster.roster_import(upload=upload2, plan=plan2, by=world.coordinator)
    assert len(state.received) == 1


def test_match_run_published_is_delivered_from_publishing_a_run(
    world: World, receiver: tuple[Receiver, str], django_capture_on_commit_callbacks: Any
) -> None:
    state, url = receiver
    secret = subscribe(world, url, ["match_run.published"])
    run = runs.match_run_create(cycle=world.cycle, by=world.coordinator.user, objective="coverage")
    runs.match_run_execute(run_id=run.pk)
    assert not state.received  # creating and computing a run is not publishing it
    with django_capture_on_commit_callbacks(execute=True):
        report = runs.match_run_publish(run=run, by=world.coordinator.user)

    [body] = events_of(state)
    assert body["event"] == "match_run.published"
    assert body["data"] == {
        "match_run": run.pk,
        "cycle": world.cycle.pk,
        "created": report["created"],
        "skipped": len(report["skipped"]),
    }
    assert report["created"] == 1
    assert Mentorship.objects.filter(mentee=world.student).count() == 1
    assert verify(
        secret, state.received[0]["headers"]["x-mentorbridge-signature"], state.received[0]["body"]
    )
    # Publishing again is refused and sends nothing.
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Refusal):
        runs.match_run_publish(run=run, by=world.coordinator.user)
    assert len(state.received) == 1


def test_a_webhook_for_other_events_hears_neither(
    world: World, receiver: tuple[Receiver, str], django_capture_on_commit_callbacks: Any
) -> None:
    state, url = receiver
    subscribe(world, url, ["mentorship.closed"])
    run = runs.match_run_create(cycle=world.cycle, by=world.coordinator.user, objective="coverage")
    runs.match_run_execute(run_id=run.pk)
    upload = RosterUpload.objects.create(filename="roster.csv", content=ROSTER.encode())
    sheet = roster.read_roster("roster.csv", ROSTER.encode())
    plan = roster.plan_roster(sheet, roster.guess_mapping(sheet.headers))
    with django_capture_on_commit_callbacks(execute=True):
        runs.match_run_publish(run=run, by=world.coordinator.user)
        roster.roster_import(upload=upload, plan=plan, by=world.coordinator)
    assert not state.received and not WebhookDelivery.objects.exists()
