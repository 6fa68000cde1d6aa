"""Sessions read from the shared cache (Redis in production), kept in the database.

Django's `cached_db` store: a logged-in page reads its session from the cache and no longer
queries the session table; every write goes to the database first, then the cache, and logout,
login and TOTP (which rotate the key) delete the old key from both. One change: a cache that fails
while a session is read costs the database read, not the page (Django's store only guards a
failing write). A cache that fails while a session is deleted still fails the request, so a
logout never looks done while the cached copy may live on.

Only used with a cache shared by every app process (settings.SESSION_ENGINE): with a
per-process cache, a logout in one process would leave the session alive in the others.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.core.cache.backends.base import BaseCache

logger = logging.getLogger("django.contrib.sessions")


class SessionStore(CachedDBStore):
    _cache: BaseCache  # set by Django's store (not in its type stubs)

    def load(self) -> dict[str, Any]:
        data: dict[str, Any] | None
        try:
            data = self._cache.get(self.cache_key)
        except Exception:  # an unreachable cache, or a key the backend refuses (Django #17810)
            logger.warning("Session cache unreachable: reading the session from the database")
            data = None
        if data is not None:
            return data
        row = self._get_session_from_db()  # type: ignore[attr-defined]
        if not row:
            return {}
        decoded = self.decode(row.session_data)
        try:
            self._cache.set(self.cache_key, decoded, self.get_expiry_age(expiry=row.expire_date))
        except Exception:
            logger.warning("Session cache unreachable: the session is not cached")
        return decoded
