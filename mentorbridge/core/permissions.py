"""View decorators for roles; object-level checks live in each app's selectors."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

COORDINATORS_GROUP = "Coordinators"


def is_coordinator(user: object) -> bool:
    """Task Force members: the Coordinators group, or staff."""
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_staff", False) or getattr(user, "is_superuser", False):
        return True
    cached = getattr(user, "_is_coordinator", None)
    if cached is None:
        # `user` is any request.user; a signed-in one (an accounts.User) has groups, and keeps the
        # answer for the rest of the request in an attribute its type does not declare.
        cached = user.groups.filter(name=COORDINATORS_GROUP).exists()  # type: ignore[attr-defined]
        user._is_coordinator = cached  # type: ignore[attr-defined]
    return bool(cached)


def coordinator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Coordinators only; others get 404 so the page's existence is not revealed."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_coordinator(request.user):
            raise Http404("Not found.")
        return view(request, *args, **kwargs)

    return wrapper
