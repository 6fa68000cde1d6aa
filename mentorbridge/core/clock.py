"""The one place code asks for the time, so tests can move it (deadlines, nudges, check-ins).

Tests use `clock.frozen(when)`; nothing else patches time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

from django.utils import timezone

_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    return _frozen if _frozen is not None else timezone.now()


def today() -> dt.date:
    return timezone.localdate(now())


@contextlib.contextmanager
def frozen(when: dt.datetime) -> Iterator[None]:
    """Pretend it is `when` (an aware datetime) inside the block."""
    global _frozen
    if timezone.is_naive(when):
        raise ValueError("clock.frozen needs an aware datetime")
    previous, _frozen = _frozen, when
    try:
        yield
    finally:
        _frozen = previous
