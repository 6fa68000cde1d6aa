"""View decorators for roles; object-level checks live in each app's selectors."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from mentorbridge.members.models import is_coordinator


def coordinator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Coordinators only; others get 404 so the page's existence is not revealed."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_coordinator(request.user):
            raise Http404("Not found.")
        return view(request, *args, **kwargs)

    return wrapper
