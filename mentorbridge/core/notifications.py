"""Tell a member something: an in-app notification, and the same news by email."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings

from . import emails
from .models import Notification

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
    if template:
        emails.queue(
            to=member.user.email,
            template=template,
            context={
                "member": member,
                "title": title,
                "url": f"{settings.SITE_URL}{url}" if url.startswith("/") else url,
                **(context or {}),
            },
            attachments=attachments,
        )
    return notification
