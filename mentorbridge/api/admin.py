"""Admin views of tokens (never their secrets) and webhook deliveries."""

from __future__ import annotations

from django.contrib import admin

from .models import AccessToken, Webhook, WebhookDelivery


@admin.register(AccessToken)
class AccessTokenAdmin(admin.ModelAdmin[AccessToken]):
    list_display = [
        "name",
        "user",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    search_fields = ["name", "user__email", "prefix"]
    readonly_fields = ["user", "prefix", "digest", "scopes", "created_at", "last_used_at"]
    exclude = ["digest"]


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin[Webhook]):
    list_display = ["url", "events", "is_active", "created_by", "created_at"]
    exclude = ["secret"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin[WebhookDelivery]):
    list_display = [
        "event",
        "event_id",
        "webhook",
        "status",
        "attempts",
        "last_status_code",
        "created_at",
    ]
    list_filter = ["status", "event"]
    readonly_fields = [
        "event_id",
        "event",
        "payload",
        "attempts",
        "last_status_code",
        "last_error",
        "delivered_at",
    ]
