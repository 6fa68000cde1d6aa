"""Access-checked reads of core's rows: a member's notifications are theirs alone."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from .models import Notification


def notifications_for_user(user: object) -> QuerySet[Notification]:
    """The signed-in member's notifications: the only way a view reaches any."""
    return Notification.objects.filter(member__user_id=int(getattr(user, "pk", None) or 0))


def get_notification_for_user(user: object, pk: int) -> Notification:
    """One of the member's own notifications; anyone else's is 'not found'."""
    notification = notifications_for_user(user).filter(pk=pk).first()
    if notification is None:
        raise Http404("No such notification.")
    return notification
