"""Requests per caller per minute, counted in Django's cache (one count for all app processes
when the cache is Redis). A fixed one-minute window: simple, and one cache round trip a request."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

from .errors import ApiError

WINDOW = 60


def hit(key: str) -> None:
    """Count one request for `key`; raise a 429 with Retry-After once over the limit."""
    limit = settings.API_RATE_LIMIT
    if limit <= 0:
        return
    now = time.time()
    window = int(now // WINDOW)
    name = f"api-rate:{key}:{window}"
    # add() sets the counter only if absent; incr() is atomic in Redis and in the local cache.
    if cache.add(name, 1, timeout=WINDOW + 5):
        count = 1
    else:
        try:
            count = cache.incr(name)
        except ValueError:  # expired between add() and incr()
            cache.add(name, 1, timeout=WINDOW + 5)
            count = 1
    if count > limit:
        retry_after = max(1, int((window + 1) * WINDOW - now) + 1)
        raise ApiError(
            429,
            f"Too many requests: {limit} a minute are allowed. Try again in {retry_after} s.",
            "rate_limited",
            headers={"Retry-After": str(retry_after)},
        )
