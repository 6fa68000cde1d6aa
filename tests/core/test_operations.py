"""What operators rely on: the request id, one JSON log line per request, the admins' error email,
a clean 503 when the database is away, and /healthz reporting the task queue."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator
from unittest import mock

import pytest
from django.core import mail
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from mentorbridge.core import clock
from mentorbridge.members.models import Member
from mentorbridge.urls import urlpatterns as project_urls

from ..conftest import client_for


def _boom(request: HttpRequest) -> HttpResponse:
    raise ZeroDivisionError("a bug")


def _db_down(request: HttpRequest) -> HttpResponse:
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


urlpatterns = [
    *project_urls,
    path("test-boom/", _boom),
    path("test-db-down/", _db_down),
]
handler500 = "mentorbridge.core.views.server_error"


@pytest.fixture
def log_lines() -> Iterator[list[dict[str, object]]]:
    """The request logger's records, formatted as production formats them."""
    from pythonjsonlogger.json import JsonFormatter

    from mentorbridge.core.requestlog import RequestIdFilter

    lines: list[dict[str, object]] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(json.loads(self.format(record)))

    handler = Collect()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        JsonFormatter("%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s")
    )
    logger = logging.getLogger("mentorbridge.request")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield lines
    logger.removeHandler(handler)
    logger.setLevel(old_level)


@pytest.mark.django_db
def test_each_request_is_one_json_line_with_its_id_user_status_and_duration(
    student: Member, log_lines: list[dict[str, object]]
) -> None:
    response = client_for(student).get("/members/me/")
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    [line] = log_lines
    assert line["request_id"] == request_id
    assert line["user_id"] == student.user.pk
    assert line["status"] == 200
    assert line["path"] == "/members/me/"
    assert isinstance(line["duration_ms"], float)


@pytest.mark.django_db
def test_a_sane_request_id_from_the_load_balancer_is_kept(
    log_lines: list[dict[str, object]],
) -> None:
    response = Client().get("/", headers={"X-Request-ID": "lb-1234abcd"})
    assert response["X-Request-ID"] == "lb-1234abcd"
    # Anything else (too long, odd characters) is replaced, not echoed.
    response = Client().get("/", headers={"X-Request-ID": "<script>" * 20})
    assert response["X-Request-ID"] != "<script>" * 20
    assert log_lines[0]["user_id"] is None


@pytest.mark.django_db
@override_settings(
    ROOT_URLCONF="tests.core.test_operations", DEBUG=False, ADMINS=[("Ops", "ops@example.org")]
)
def test_a_server_error_is_emailed_to_the_admins() -> None:
    response = Client(raise_request_exception=False).get("/test-boom/")
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert b"Traceback" not in response.content
    assert [m.to for m in mail.outbox] == [["ops@example.org"]]
    assert "ZeroDivisionError" in mail.outbox[0].body


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.core.test_operations", DEBUG=False)
def test_an_unreachable_database_is_a_clean_503() -> None:
    response = Client(raise_request_exception=False).get("/test-db-down/")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert b"back in a moment" in response.content
    assert b"Traceback" not in response.content
    assert b"127.0.0.1" not in response.content


@pytest.mark.django_db
def test_healthz_reports_the_oldest_ready_task() -> None:
    now = clock.now()
    base = {
        "task_path": "x.y",
        "args_kwargs": {"args": [], "kwargs": {}},
        "backend_name": "default",
    }
    DBTaskResult.objects.create(
        status=TaskResultStatus.READY, run_after=now - dt.timedelta(minutes=7), **base
    )
    DBTaskResult.objects.create(
        status=TaskResultStatus.READY, run_after=now - dt.timedelta(minutes=1), **base
    )
    DBTaskResult.objects.create(
        status=TaskResultStatus.READY, run_after=now + dt.timedelta(hours=1), **base
    )
    DBTaskResult.objects.create(status=TaskResultStatus.RUNNING, run_after=now, **base)
    tasks = Client().get("/healthz").json()["tasks"]
    assert tasks["ready"] == 2  # the one scheduled for later is not waiting yet
    assert tasks["running"] == 1
    assert 419 <= tasks["oldest_ready_age_seconds"] <= 430
    assert tasks["stalled"] is True


@pytest.mark.django_db
def test_healthz_says_503_when_the_database_is_away() -> None:
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError):
        response = Client().get("/healthz")
    assert response.status_code == 503
