"""Schemathesis fuzzes every operation of the OpenAPI schema, as a member and as a coordinator:
no server error, and every answer (status, content type, body) as the schema says.

Bounded (a few examples per operation) so that it runs in CI on SQLite and PostgreSQL in well
under two minutes. Run it alone: `.venv/bin/python -m pytest tests/api/test_schemathesis.py -n 0`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mentorbridge.wsgi import application

from .conftest import World, token_for

# Loaded when the module is collected (Django is set up by then; the schema needs no database).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
# Examples and random fuzzing, bounded by max_examples; the exhaustive "coverage" phase would make
# hundreds of requests per operation (minutes of CPU on CI).
schema.config.phases.update(phases=["examples", "fuzzing"])


@pytest.fixture(autouse=True)
def _no_rate_limit(settings: Any) -> Iterator[None]:
    settings.API_RATE_LIMIT = 0
    # As Django's test client does: a request through the WSGI app must not close the test's
    # database connection (on PostgreSQL that would end the test's transaction).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
BOUNDED = settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)


@pytest.fixture
def member_token(world: World) -> str:
    return token_for(world.resident, "read", "write")


@pytest.fixture
def coordinator_token(world: World) -> str:
    return token_for(world.coordinator, "read", "write", "coordinate")


@schema.parametrize()
@BOUNDED
def test_the_api_keeps_to_its_schema_for_a_member(case: Any, member_token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {member_token}"}, checks=CHECKS)


@schema.parametrize()
@BOUNDED
def test_the_api_keeps_to_its_schema_for_a_coordinator(case: Any, coordinator_token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {coordinator_token}"}, checks=CHECKS)
