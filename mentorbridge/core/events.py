"""Domain events for whoever listens above (webhooks in the api app), without importing them.

A service calls `emit(name, payload)` inside its transaction once the change is made. Receivers
are registered by apps higher up (`api.apps.ApiConfig.ready`) and run at once, in that
transaction: what they write (a webhook delivery row) commits or rolls back with the change, and
they put their slow work (posting to a URL) on `transaction.on_commit`. So an event is recorded if
and only if its change happened. Payloads are small JSON: ids and states, never private text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

MENTORSHIP_STARTED = "mentorship.started"
MENTORSHIP_CLOSED = "mentorship.closed"
REQUEST_ANSWERED = "request.answered"
MATCH_RUN_PUBLISHED = "match_run.published"
MEMBER_IMPORTED = "member.imported"

Receiver = Callable[[str, dict[str, Any]], None]
_receivers: list[Receiver] = []


def connect(receiver: Receiver) -> None:
    if receiver not in _receivers:
        _receivers.append(receiver)


def emit(name: str, payload: dict[str, Any]) -> None:
    for receiver in list(_receivers):
        receiver(name, payload)
