"""Navigation for the base layout: which sections this visitor may use."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .permissions import is_coordinator


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_is_coordinator": False}
    from .models import Notification

    member = getattr(user, "member", None)
    unread = Notification.objects.filter(member=member).unread().count() if member else 0
    return {"nav_is_coordinator": is_coordinator(user), "nav_unread": unread}
