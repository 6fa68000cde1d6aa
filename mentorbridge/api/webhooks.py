"""Webhooks: each event a coordinator subscribed to is recorded as one delivery per webhook (in the
transaction that made the change), then POSTed, signed, by a task; failures are retried with
exponential backoff until the receiver answers 2xx or the attempts run out.

At least once: a delivery is retried until it succeeds, so a receiver may see an event twice
(a timeout after it answered, a worker stopped mid-post); every delivery of one event carries the
same `id`, which the receiver keeps to drop repeats.

Signature: `X-MentorBridge-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">` with the
webhook's secret (docs/api.md shows the check).

Registering, re-keying, stopping, resuming and deleting a webhook are coordinators' changes: each
service refuses anyone else itself, and records who did it in the audit log, in the change's own
transaction (never the secret).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import time
import urllib.error
import urllib.request
import uuid
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import URLValidator
from django.db import transaction
from django_tasks import task

from mentorbridge.core import clock
from mentorbridge.core.audit import audit_record
from mentorbridge.core.permissions import is_coordinator
from mentorbridge.core.refusals import Refusal

from .models import Webhook, WebhookDelivery, WebhookEvent

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
FIRST_RETRY = dt.timedelta(seconds=30)  # then ×4: 30 s, 2 min, 8 min, 32 min, about 2 h
TIMEOUT_SECONDS = 10
# While one worker posts a delivery, others leave it alone this long.
LEASE = dt.timedelta(seconds=60)
USER_AGENT = "MentorBridge-Webhooks/1"


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def backoff(attempts: int) -> dt.timedelta:
    factor: int = 4 ** max(attempts - 1, 0)  # an int: the exponent is never negative
    return FIRST_RETRY * factor


def record(name: str, payload: dict[str, Any]) -> None:
    """The core.events receiver: one delivery row per subscribed webhook, posted after commit."""
    if name not in WebhookEvent.values:
        return
    hooks = [h for h in Webhook.objects.filter(is_active=True) if name in (h.events or [])]
    if not hooks:
        return
    event_id = uuid.uuid4()
    now = clock.now()
    body = {"id": str(event_id), "event": name, "created_at": now.isoformat(), "data": payload}
    created = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                webhook=hook,
                event_id=event_id,
                event=name,
                payload=json.loads(json.dumps(body, cls=DjangoJSONEncoder)),
                next_attempt_at=now,
                created_at=now,
            )
            for hook in hooks
        ]
    )
    ids = [d.pk for d in created] or list(
        WebhookDelivery.objects.filter(event_id=event_id).values_list("pk", flat=True)
    )
    transaction.on_commit(lambda: _enqueue(ids))


def _enqueue(ids: list[int], run_after: dt.datetime | None = None) -> None:
    task = deliver_webhook
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # the periodic `deliver_webhooks` command picks it up when it is due
        task = task.using(run_after=run_after)
    for pk in ids:
        task.enqueue(delivery_id=pk)


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return int(response.status), ""
    except urllib.error.HTTPError as error:
        return int(error.code), f"HTTP {error.code}"
    except (urllib.error.URLError, OSError, ValueError) as error:
        return None, str(getattr(error, "reason", error))[:300]


def delivery_attempt(*, delivery_id: int) -> WebhookDelivery | None:
    """Post one due delivery once and record the answer; None when it is not due or not ours."""
    now = clock.now()
    delivery = (
        WebhookDelivery.objects.select_related("webhook")
        .filter(
            pk=delivery_id,
            status=WebhookDelivery.Status.PENDING,
            next_attempt_at__lte=now,
            webhook__is_active=True,  # a stopped webhook's pending deliveries wait
        )
        .first()
    )
    if delivery is None:
        return None
    # Claim it: only the worker whose conditional update wins posts this attempt.
    claimed = WebhookDelivery.objects.filter(
        pk=delivery.pk, attempts=delivery.attempts, status=WebhookDelivery.Status.PENDING
    ).update(attempts=delivery.attempts + 1, next_attempt_at=now + LEASE)
    if not claimed:
        return None
    attempts = delivery.attempts + 1
    body = json.dumps(delivery.payload, separators=(",", ":")).encode()
    timestamp = int(time.time())
    try:
        webhook_url_check(delivery.webhook.url)
    except WebhookError as refused:  # the name now points inside: not posted, retried later
        code, error = None, str(refused)[:300]
    else:
        code, error = _post(
            delivery.webhook.url,
            body,
            {
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
                "X-MentorBridge-Event": delivery.event,
                "X-MentorBridge-Delivery": str(delivery.event_id),
                "X-MentorBridge-Signature": sign(delivery.webhook.secret, timestamp, body),
            },
        )
    done = code is not None and 200 <= code < 300
    changes: dict[str, Any] = {"last_status_code": code, "last_error": error}
    retry_at = None
    if done:
        changes.update(status=WebhookDelivery.Status.DELIVERED, delivered_at=clock.now())
    elif attempts >= MAX_ATTEMPTS:
        changes["status"] = WebhookDelivery.Status.FAILED
    else:
        retry_at = clock.now() + backoff(attempts)
        changes["next_attempt_at"] = retry_at
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**changes)
    if retry_at is not None:
        _enqueue([delivery.pk], run_after=retry_at)
    delivery.refresh_from_db()
    return delivery


@task()
def deliver_webhook(*, delivery_id: int) -> str:
    """The thin task: one attempt of one delivery."""
    delivery = delivery_attempt(delivery_id=delivery_id)
    return delivery.status if delivery else "skipped"


def deliveries_due(*, now: dt.datetime | None = None) -> int:
    """Post every pending delivery whose time has come (the periodic safety net: safe to run
    twice or beside the workers, since each attempt is claimed first)."""
    now = now or clock.now()
    due = list(
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now, webhook__is_active=True
        ).values_list("pk", flat=True)[:1000]
    )
    return sum(1 for pk in due if delivery_attempt(delivery_id=pk) is not None)


class WebhookError(Refusal):
    """A webhook URL or change refused, with the reason for the coordinator."""


def _internal(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def webhook_url_check(url: str) -> str:
    """The URL, if deliveries may go there: http(s), and (unless WEBHOOK_ALLOW_INTERNAL_URLS) a
    host whose every address is public. The app servers post to it, so an address inside our
    network (the database, a metadata service, 127.0.0.1) would let a coordinator's webhook
    reach what the internet cannot (server-side request forgery). Checked again before each post,
    since a name can be pointed elsewhere after registration."""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise WebhookError("Enter an http or https URL.") from None
    if settings.WEBHOOK_ALLOW_INTERNAL_URLS:
        return url
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        infos = socket.getaddrinfo(host, parts.port or 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError):  # ValueError: a port over 65535
        raise WebhookError(f"“{host}” does not resolve to an address.") from None
    if any(_internal(str(info[4][0])) for info in infos):
        raise WebhookError(
            f"“{host}” points inside a private network: webhooks may only go to public addresses."
        )
    return url


def _coordinator(by: Any) -> None:
    """The check every webhook change makes first: webhooks send members' events to outside URLs,
    so only the Task Force registers, re-keys, stops or deletes one (and the audit log says who)."""
    if not is_coordinator(by):
        raise Refusal("Only Task Force coordinators manage webhooks.")


GONE = "This webhook was deleted meanwhile."


def _events_words(events: list[str]) -> str:
    return ", ".join(events) or "none"


def webhook_url_for_registration(url: str) -> str:
    """The URL, if a new webhook may be registered for it: `webhook_url_check`, and no user name
    or password in it. The Webhooks form runs it too, so every reason shows on the first try."""
    if "@" in urlsplit(url).netloc:
        # Refused at registration only (a webhook registered before still delivers): a URL's user
        # and password would be shown on the webhook pages, in the API's answers and in the audit
        # log, and each delivery is signed instead, which the receiver checks.
        raise WebhookError(
            "Leave the user name and password out of the URL: every delivery is signed with "
            "the webhook's secret, which the receiver checks instead."
        )
    return webhook_url_check(url)


def webhook_create(*, by: Any, url: str, events: list[str]) -> Webhook:
    """Register `url` for `events`, with a new signing secret (shown to the caller once; never in
    the audit entry)."""
    _coordinator(by)
    checked = webhook_url_for_registration(url)
    events = sorted(set(events))
    with transaction.atomic():
        hook = Webhook.objects.create(
            created_by=by, url=checked, events=events, secret=new_secret()
        )
        audit_record(
            actor=by,
            target=hook,
            kind="add",
            message=f"Registered a webhook for {hook.url} (events: {_events_words(events)})",
        )
    return hook


def webhook_secret_rotate(*, webhook: Webhook, by: Any) -> Webhook:
    """A new signing secret, at once: deliveries from now on are signed with it (the receiver
    must take the new one; the old one stops being valid)."""
    _coordinator(by)
    with transaction.atomic():
        if not Webhook.objects.filter(pk=webhook.pk).update(secret=new_secret()):
            raise Refusal(GONE)
        audit_record(actor=by, target=webhook, message="Rotated the signing secret")
    webhook.refresh_from_db()
    return webhook


def webhook_set_active(*, webhook: Webhook, active: bool, by: Any) -> Webhook:
    """Stop (or resume) a webhook: a stopped one gets no new deliveries, and its pending ones
    are not posted; its history is kept."""
    _coordinator(by)
    with transaction.atomic():
        if not Webhook.objects.filter(pk=webhook.pk).update(is_active=active):
            raise Refusal(GONE)
        audit_record(
            actor=by,
            target=webhook,
            message="Resumed deliveries" if active else "Stopped deliveries",
        )
    webhook.refresh_from_db()
    return webhook


def webhook_delete(*, webhook: Webhook, by: Any) -> None:
    """Remove a webhook and its delivery history. The audit entry is written first, while the
    webhook still has its pk (the entry keeps the pk and URL as text, so it outlives the row)."""
    _coordinator(by)
    with transaction.atomic():
        audit_record(
            actor=by,
            target=webhook,
            kind="delete",
            message=f"Deleted the webhook for {webhook.url} and its delivery history",
        )
        WebhookDelivery.objects.filter(webhook=webhook).delete()
        deleted, _ = Webhook.objects.filter(pk=webhook.pk).delete()
        if not deleted:  # another coordinator's delete won: roll back this entry
            raise Refusal(GONE)
