"""Cursor pagination for every list: `?cursor=…&limit=…`, answered as `{"items", "next_cursor"}`.

The cursor is the last primary key seen (opaque to callers), so pages stay stable while rows are
added, and each page is one indexed query however deep a client reads.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from ninja import Schema

from .errors import ApiError

T = TypeVar("T")

MAX_LIMIT = 100
DEFAULT_LIMIT = 25


class Page(Schema, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def encode(value: dict[str, int]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def decode(cursor: str, key: str) -> int:
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        value = data[key]
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**63:
            raise ValueError
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        raise ApiError(
            400, "This cursor is not valid; start again without one.", "bad_cursor"
        ) from None
    return value


def paginate(
    queryset: QuerySet[Any], *, cursor: str | None, limit: int, newest_first: bool = True
) -> tuple[list[Any], str | None]:
    """A page of `queryset` in primary-key order (newest first by default) and the next cursor."""
    limit = max(1, min(limit, MAX_LIMIT))
    if cursor:
        after = decode(cursor, "pk")
        queryset = queryset.filter(pk__lt=after) if newest_first else queryset.filter(pk__gt=after)
    rows = list(queryset.order_by("-pk" if newest_first else "pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode({"pk": rows[-1].pk}) if more and rows else None


def page_of(
    queryset: QuerySet[Any],
    shape: Callable[[Any], dict[str, Any]],
    *,
    cursor: str | None,
    limit: int,
    newest_first: bool = True,
) -> dict[str, Any]:
    """A list endpoint's answer (`Page`): a page of `queryset`, each row in its answer shape
    (an `out` function), and the cursor of the next page."""
    rows, next_cursor = paginate(queryset, cursor=cursor, limit=limit, newest_first=newest_first)
    return {"items": [shape(row) for row in rows], "next_cursor": next_cursor}


def offset_page(cursor: str | None, limit: int) -> tuple[int, int]:
    """(offset, limit) for ranked lists that are not in key order (recommendations)."""
    limit = max(1, min(limit, MAX_LIMIT))
    return (decode(cursor, "o") if cursor else 0), limit
