"""What the login, sign-up and account pages need to know about the ways to sign in."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .sso import sso_enabled, sso_name


def sign_in(request: HttpRequest) -> dict[str, Any]:
    return {
        "password_login": settings.PASSWORD_LOGIN,
        # Pages that may be rendered without this processor test `sso_only` (missing = False).
        "sso_only": not settings.PASSWORD_LOGIN,
        "sso_enabled": sso_enabled(),
        "sso_name": sso_name(),
    }
