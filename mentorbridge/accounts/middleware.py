"""Coordinators and admins see members' data in bulk, so their accounts must use TOTP."""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from mentorbridge.core.permissions import is_coordinator

# Paths a coordinator without TOTP may still reach: setting it up, logging out, assets, health.
# The API answers such a session itself, with a JSON 403 (code "mfa_required").
_OPEN_PREFIXES = ("/accounts/", "/static/", "/healthz", "/api/")


class RequireStaffMFAMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(_OPEN_PREFIXES)
            and is_coordinator(user)
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            messages.info(
                request,
                "Coordinators and admins must turn on two-factor authentication before going on.",
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
