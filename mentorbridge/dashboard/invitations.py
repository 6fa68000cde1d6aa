"""Invitations of members created from the roster: a one-time link to set a password.

The link carries a random token; only its SHA-256 is stored. It works once (accepting is a
conditional UPDATE on `accepted_at IS NULL`) and until it expires. Reminders after 7 and 21 days
each issue a fresh link and are marked sent by a conditional UPDATE, so the job may run twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.urls import reverse

from mentorbridge.core import clock, emails
from mentorbridge.core.notifications import notify
from mentorbridge.core.refusals import Refusal

from .models import Invitation

VALID_FOR = dt.timedelta(days=14)
REMINDERS = (("reminded_7_at", 7), ("reminded_21_at", 21))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_link(invitation: Invitation, now: dt.datetime) -> str:
    token = secrets.token_urlsafe(32)
    invitation.token_hash = _hash(token)
    invitation.expires_at = now + VALID_FOR
    return settings.SITE_URL.rstrip("/") + reverse("invitation", args=[token])


def _send(invitation: Invitation, *, template: str, now: dt.datetime) -> None:
    url = _new_link(invitation, now)
    member = invitation.member
    emails.queue(
        to=member.user.email,
        template=template,
        context={"member": member, "url": url, "expires_at": invitation.expires_at},
    )


def invitations_send(*, upload_id: int | None = None, now: dt.datetime | None = None) -> int:
    """Send every invitation not yet sent (of one upload, or all); each once."""
    now = now or clock.now()
    pending = Invitation.objects.filter(sent_at__isnull=True, accepted_at__isnull=True)
    if upload_id is not None:
        pending = pending.filter(upload_id=upload_id)
    sent = 0
    for pk in list(pending.values_list("pk", flat=True)):
        with transaction.atomic():
            claimed = Invitation.objects.filter(pk=pk, sent_at__isnull=True).update(sent_at=now)
            if not claimed:
                continue
            invitation = Invitation.objects.select_related("member__user").get(pk=pk)
            _send(invitation, template="invitation", now=now)
            invitation.save(update_fields=["token_hash", "expires_at"])
            sent += 1
    return sent


def invitation_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Remind members who have not accepted, 7 and 21 days after the invitation; each once."""
    now = now or clock.now()
    sent = 0
    for column, days in REMINDERS:
        due = Invitation.objects.filter(
            accepted_at__isnull=True,
            sent_at__lte=now - dt.timedelta(days=days),
            **{f"{column}__isnull": True},
        )
        for pk in list(due.values_list("pk", flat=True)):
            with transaction.atomic():
                claimed = Invitation.objects.filter(pk=pk, **{f"{column}__isnull": True}).update(
                    **{column: now}
                )
                if not claimed:
                    continue
                invitation = Invitation.objects.select_related("member__user").get(pk=pk)
                _send(invitation, template="invitation_reminder", now=now)
                invitation.save(update_fields=["token_hash", "expires_at"])
                sent += 1
    return sent


@dataclass
class Found:
    invitation: Invitation | None
    problem: str = ""


def invitation_for_token(token: str, *, now: dt.datetime | None = None) -> Found:
    now = now or clock.now()
    if not token or len(token) > 100:
        return Found(None, "This link is not valid.")
    invitation = (
        Invitation.objects.select_related("member__user").filter(token_hash=_hash(token)).first()
    )
    if invitation is None:
        return Found(
            None,
            "This link is not valid: it may have been replaced by a newer one we emailed you.",
        )
    if invitation.accepted_at is not None:
        return Found(None, "This link was already used. Log in with your email and password.")
    if invitation.expires_at is None or invitation.expires_at <= now:
        return Found(None, "This link has expired. Use “Forgot password?” on the login page.")
    return Found(invitation)


def invitation_accept(
    *, invitation: Invitation, password: str, now: dt.datetime | None = None
) -> None:
    """Set the password, verify the email (the link proved it) and mark the link used."""
    now = now or clock.now()
    with transaction.atomic():
        used = Invitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, expires_at__gt=now
        ).update(accepted_at=now, token_hash="")
        if not used:
            raise Refusal("This link was already used or has expired.")
        user = invitation.member.user
        user.set_password(password)
        user.save(update_fields=["password"])
        EmailAddress.objects.filter(user=user, email__iexact=user.email).update(verified=True)
        notify(
            member=invitation.member,
            kind="welcome",
            title="Welcome to MentorBridge: finish your profile to be matched",
            url=reverse("members:edit"),
        )
