"""The API's addresses: /api/v1/… (ninja) and the token page under the account pages."""

from __future__ import annotations

from django.urls import path, re_path

from . import views, webhook_views
from .api import api, not_found

urlpatterns = [
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", not_found, name="api_not_found"),
    path("accounts/tokens/", views.tokens, name="api_tokens"),
    path("accounts/tokens/<int:pk>/revoke/", views.token_revoke, name="api_token_revoke"),
    # The Task Force's webhooks (coordinators only; 404 for everyone else).
    path("webhooks/", webhook_views.webhooks, name="api_webhooks"),
    path("webhooks/<int:pk>/", webhook_views.webhook_detail, name="api_webhook"),
    path("webhooks/<int:pk>/rotate/", webhook_views.webhook_rotate, name="api_webhook_rotate"),
    path("webhooks/<int:pk>/active/", webhook_views.webhook_active, name="api_webhook_active"),
    path("webhooks/<int:pk>/delete/", webhook_views.webhook_delete, name="api_webhook_delete"),
]
