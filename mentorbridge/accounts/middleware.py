"""Coordinators and admins see members' data in bulk, so their accounts must use TOTP."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
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


# With PASSWORD_LOGIN=false nothing may take or set a password: these pages answer 404, the login
# page shows only the society's button and refuses a password POST (the admin's own login form
# always sends to allauth's login page: mentorbridge/urls.py).
PASSWORD_PAGES = frozenset(
    {
        "account_signup",
        "account_reset_password",
        "account_reset_password_done",
        "account_reset_password_from_key",
        "account_reset_password_from_key_done",
        "account_change_password",
        "account_set_password",
    }
)


class PasswordSignInOffMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if settings.PASSWORD_LOGIN or request.resolver_match is None:
            return None
        name = request.resolver_match.view_name
        if name in PASSWORD_PAGES:
            raise Http404("Password sign-in is turned off.")
        if name == "account_login" and request.method == "POST":
            messages.error(request, "Password sign-in is turned off: use the button below.")
            return redirect(request.get_full_path())
        return None
