"""Tell a member something: an in-app notification, and the same news by email."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import clock, emails
from .models import OPTIONAL_EMAILS, EmailSettings, Notification
from .selectors import notifications_for_user

if TYPE_CHECKING:  # core sits below members: the type only, never the import
    from mentorbridge.members.models import Member


def notify(
    *,
    member: Member,
    kind: str,
    title: str,
    url: str = "",
    template: str | None = None,
    context: dict[str, Any] | None = None,
    body: str = "",
    attachments: list[tuple[str, str, str]] | None = None,
) -> Notification:
    notification = Notification.objects.create(
        member=member, kind=kind, title=title[:200], body=body, url=url
    )
    if template and wants_email(member, template):
        emails.queue(
            to=member.user.email,
            template=template,
            context={
                "member": member,
                "title": title,
                "url": emails.on_site(url) if url else "",
                **(context or {}),
            },
            attachments=attachments,
        )
    return notification


def wants_email(member: Member, template: str) -> bool:
    """False when the member turned this kind of email off (Account → Email notifications)."""
    field = OPTIONAL_EMAILS.get(template)
    if field is None:
        return True
    settings = EmailSettings.objects.filter(member=member).first()
    return settings is None or bool(getattr(settings, field))


def notifications_mark_read(*, user: object, notification: Notification | None = None) -> int:
    """Mark the member's notifications read: one, or all of them. Only unread rows change (one
    conditional UPDATE), so a second click or tab changes nothing; returns how many changed."""
    unread = notifications_for_user(user).filter(read_at__isnull=True)
    if notification is not None:
        unread = unread.filter(pk=notification.pk)
    return unread.update(read_at=clock.now())
