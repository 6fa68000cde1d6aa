"""Every endpoint × anonymous, the member it belongs to, another member, a coordinator.

Other people's objects are "not found" (as on the pages), never a 403 that would reveal them;
coordinator endpoints are not found for members; anonymous callers get 401.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from mentorbridge.core import clock
from mentorbridge.matching import runs

from .conftest import MESSAGE, World, api_for

W = World
Case = tuple[str, str, Callable[[W], str], Callable[[W], Any] | None, dict[str, int]]

ALL_OK = {"student": 200, "resident": 200, "outsider": 200, "coordinator": 200}
COORD = {"student": 404, "resident": 404, "outsider": 404, "coordinator": 200}


def _future(w: W) -> dict[str, Any]:
    return {"starts_at": (clock.now() + dt.timedelta(days=5)).isoformat(), "format": "video"}


CASES: list[Case] = [
    ("me", "get", lambda w: "/me", None, ALL_OK),
    (
        "me update",
        "patch",
        lambda w: "/me",
        lambda w: {"pronouns": "they/them"},
        # The coordinator has no training stage, which the profile form requires.
        {"student": 200, "resident": 200, "outsider": 200, "coordinator": 422},
    ),
    ("programs", "get", lambda w: "/programs", None, ALL_OK),
    ("cycles", "get", lambda w: "/cycles", None, ALL_OK),
    ("cycle", "get", lambda w: f"/cycles/{w.cycle.pk}", None, ALL_OK),
    ("enrollments", "get", lambda w: "/enrollments", None, ALL_OK),
    (
        "enrollment",
        "get",
        lambda w: f"/enrollments/{w.mentee.pk}",
        None,
        {"student": 200, "resident": 404, "outsider": 404, "coordinator": 404},
    ),
    (
        "enroll",
        "post",
        lambda w: "/enrollments",
        lambda w: {
            "cycle": w.cycle.pk,
            "role": "mentee",
            "goals": "Residency.",
            "topics": ["interview-process"],
        },
        # Already enrolled; a resident may be a mentee in track 1? no: refused by eligibility.
        {"student": 409, "resident": 409, "outsider": 201, "coordinator": 409},
    ),
    (
        "withdraw",
        "post",
        lambda w: f"/enrollments/{w.mentee.pk}/withdraw",
        None,
        {"student": 200, "resident": 404, "outsider": 404, "coordinator": 404},
    ),
    (
        "recommendations",
        "get",
        lambda w: f"/enrollments/{w.mentee.pk}/recommendations",
        None,
        {"student": 200, "resident": 404, "outsider": 404, "coordinator": 404},
    ),
    ("requests", "get", lambda w: "/requests", None, ALL_OK),
    (
        "request",
        "get",
        lambda w: f"/requests/{w.request.pk}",
        None,
        {"student": 200, "resident": 200, "outsider": 404, "coordinator": 404},
    ),
    (
        "send request",
        "post",
        lambda w: "/requests",
        lambda w: {
            "mentee_enrollment": w.mentee.pk,
            "mentor_enrollment": w.mentor.pk,
            "message": MESSAGE,
        },
        # The student already has an open request to this mentor.
        {"student": 409, "resident": 404, "outsider": 404, "coordinator": 404},
    ),
    (
        "accept",
        "post",
        lambda w: f"/requests/{w.request.pk}/accept",
        None,
        {"student": 404, "resident": 200, "outsider": 404, "coordinator": 404},
    ),
    (
        "decline",
        "post",
        lambda w: f"/requests/{w.request.pk}/decline",
        lambda w: {"reason": "Full this year."},
        {"student": 404, "resident": 200, "outsider": 404, "coordinator": 404},
    ),
    (
        "withdraw request",
        "post",
        lambda w: f"/requests/{w.request.pk}/withdraw",
        None,
        # The mentor may fetch it, but only the mentee may withdraw it (a refusal).
        {"student": 200, "resident": 409, "outsider": 404, "coordinator": 404},
    ),
    ("mentorships", "get", lambda w: "/mentorships", None, ALL_OK),
    *[
        (
            f"mentorship {part or 'detail'}",
            "get",
            lambda w, part=part: f"/mentorships/{w.mentorship.pk}{part}",
            None,
            {"student": 404, "resident": 200, "outsider": 404, "coordinator": 404},
        )
        for part in ("", "/meetings", "/messages", "/goals")
    ],
    (
        "propose meeting",
        "post",
        lambda w: f"/mentorships/{w.mentorship.pk}/meetings",
        _future,
        {"student": 404, "resident": 201, "outsider": 404, "coordinator": 404},
    ),
    (
        "post message",
        "post",
        lambda w: f"/mentorships/{w.mentorship.pk}/messages",
        lambda w: {"body": "Thank you!"},
        {"student": 404, "resident": 201, "outsider": 404, "coordinator": 404},
    ),
    (
        "add goal",
        "post",
        lambda w: f"/mentorships/{w.mentorship.pk}/goals",
        lambda w: {"title": "Pick programs", "milestones": ["List ten", "Ask Sol"]},
        {"student": 404, "resident": 201, "outsider": 404, "coordinator": 404},
    ),
    ("notifications", "get", lambda w: "/notifications", None, ALL_OK),
    (
        "read notification",
        "post",
        lambda w: f"/notifications/{w.notification.pk}/read",
        None,
        {"student": 404, "resident": 200, "outsider": 404, "coordinator": 404},
    ),
    ("read all", "post", lambda w: "/notifications/read", None, ALL_OK),
    ("members", "get", lambda w: "/coordinator/members", None, COORD),
    (
        "cycle enrollments",
        "get",
        lambda w: f"/coordinator/cycles/{w.cycle.pk}/enrollments",
        None,
        COORD,
    ),
    ("match runs", "get", lambda w: f"/coordinator/cycles/{w.cycle.pk}/match-runs", None, COORD),
    (
        "start run",
        "post",
        lambda w: f"/coordinator/cycles/{w.cycle.pk}/match-runs",
        lambda w: {"objective": "total"},
        {**COORD, "coordinator": 202},
    ),
    ("figures", "get", lambda w: f"/coordinator/cycles/{w.cycle.pk}/figures", None, COORD),
    ("export", "get", lambda w: f"/coordinator/cycles/{w.cycle.pk}/exports/pairs", None, COORD),
    ("webhooks", "get", lambda w: "/coordinator/webhooks", None, COORD),
    (
        "add webhook",
        "post",
        lambda w: "/coordinator/webhooks",
        lambda w: {"url": "https://crm.example.org/hook", "events": ["mentorship.closed"]},
        {**COORD, "coordinator": 201},
    ),
    ("run", "get", lambda w: f"/coordinator/match-runs/{_run(w)}", None, COORD),
    ("proposals", "get", lambda w: f"/coordinator/match-runs/{_run(w)}/proposals", None, COORD),
    (
        "publish",
        "post",
        lambda w: f"/coordinator/match-runs/{_run(w)}/publish",
        None,
        # Still queued: not ready to publish.
        {**COORD, "coordinator": 409},
    ),
]


def _run(w: W) -> int:
    return runs.match_run_create(cycle=w.cycle, by=w.coordinator.user, objective="total").pk


@pytest.mark.parametrize("role", ["anonymous", "student", "resident", "outsider", "coordinator"])
@pytest.mark.parametrize(
    ("name", "method", "path", "body", "expected"), CASES, ids=[c[0] for c in CASES]
)
def test_each_role_gets_what_the_pages_would_show(
    world: World,
    role: str,
    name: str,
    method: str,
    path: Callable[[W], str],
    body: Callable[[W], Any] | None,
    expected: dict[str, int],
) -> None:
    api = api_for(None if role == "anonymous" else getattr(world, role))
    address = path(world)
    args = [address] if method == "get" else [address, body(world) if body else {}]
    response = getattr(api, method)(*args)
    want = 401 if role == "anonymous" else expected[role]
    assert response.status_code == want, response.content
    data = response.json()
    if want >= 400:
        assert set(data) >= {"detail", "code"}
