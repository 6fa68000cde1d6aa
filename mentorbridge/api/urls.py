"""The API's addresses: /api/v1/… (ninja) and the token page under the account pages."""

from __future__ import annotations

from django.urls import path, re_path

from . import views
from .api import api, not_found

urlpatterns = [
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", not_found, name="api_not_found"),
    path("accounts/tokens/", views.tokens, name="api_tokens"),
    path("accounts/tokens/<int:pk>/revoke/", views.token_revoke, name="api_token_revoke"),
]
