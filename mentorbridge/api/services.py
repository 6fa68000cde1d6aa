"""Writes of the api app: personal access tokens (create, revoke, authenticate) and webhooks."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db import transaction

from mentorbridge.core import clock
from mentorbridge.core.permissions import is_coordinator
from mentorbridge.core.refusals import Refusal

from .models import AccessToken, Scope

TOKEN_PREFIX = "mbt_"  # noqa: S105 (a marker that makes leaked tokens easy to scan for, not a secret)
# last_used_at is written at most this often per token, so reads do not all become writes.
LAST_USED_GRANULARITY = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class NewToken:
    token: AccessToken
    secret: str  # shown once, never stored


def digest(secret: str) -> str:
    # The secret is 256 random bits, so a fast hash is enough: nobody can guess it offline.
    return hashlib.sha256(secret.encode()).hexdigest()


def has_totp(user: object) -> bool:
    return bool(Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists())


def token_create(*, user: Any, name: str, scopes: list[str], days: int) -> NewToken:
    name = " ".join(name.split())[:100]
    if not name:
        raise Refusal("Name the token after what will use it, e.g. “society CRM sync”.")
    chosen = sorted(set(scopes))
    if not chosen or any(s not in Scope.values for s in chosen):
        raise Refusal("Choose at least one scope: read, write or coordinate.")
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise Refusal(f"A token lasts from 1 to {settings.API_TOKEN_MAX_DAYS} days.")
    if Scope.COORDINATE in chosen:
        if not is_coordinator(user):
            raise Refusal("Only Task Force coordinators can create coordinate tokens.")
        if not has_totp(user):
            raise Refusal("Turn on two-factor authentication before creating a coordinate token.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    token = AccessToken.objects.create(
        user=user,
        name=name,
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        digest=digest(secret),
        scopes=chosen,
        created_at=now,
        expires_at=now + dt.timedelta(days=days),
    )
    return NewToken(token=token, secret=secret)


def token_revoke(*, token: AccessToken) -> AccessToken:
    AccessToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=clock.now())
    token.refresh_from_db()
    return token


def token_authenticate(*, secret: str) -> AccessToken | None:
    """The usable token with this secret (and its user), or None; records when it was used."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    token = (
        AccessToken.objects.select_related("user")
        .filter(digest=digest(secret), user__is_active=True)
        .first()
    )
    now = clock.now()
    if token is None or token.revoked_at is not None or token.expires_at <= now:
        return None
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_GRANULARITY:
        with transaction.atomic():
            AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
