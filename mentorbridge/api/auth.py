"""Who is calling: a personal access token (Authorization: Bearer) or the browser session (with
CSRF on writes). Each operation names the scope it needs; a session has the scopes of its role."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf

from mentorbridge.core.permissions import is_coordinator
from mentorbridge.members.models import Member
from mentorbridge.members.selectors import member_for_user

from . import ratelimit, services
from .errors import ApiError
from .models import AccessToken, Scope


@dataclass
class Caller:
    user: Any
    token: AccessToken | None
    scopes: frozenset[str]
    _member: Member | None = field(default=None, repr=False)

    @property
    def member(self) -> Member:
        if self._member is None:
            self._member = member_for_user(self.user)
        return self._member


def _check(caller: Caller, scope: str) -> Caller:
    if scope == Scope.COORDINATE and not is_coordinator(caller.user):
        # Same answer as a page: coordinator resources are not revealed to others.
        raise ApiError(404, "Not found.", "not_found")
    if scope not in caller.scopes:
        raise ApiError(403, f"This token does not have the “{scope}” scope.", "insufficient_scope")
    if scope == Scope.COORDINATE and not services.has_totp(caller.user):
        raise ApiError(
            403, "Coordinators must turn on two-factor authentication first.", "mfa_required"
        )
    ratelimit.hit(f"t{caller.token.pk}" if caller.token else f"u{caller.user.pk}")
    return caller


class TokenAuth(HttpBearer):
    """`Authorization: Bearer mbt_…`, a personal access token made on the account page."""

    openapi_scheme = "bearer"

    def __init__(self, scope: str) -> None:
        self.scope = scope
        super().__init__()

    def authenticate(self, request: HttpRequest, token: str) -> Caller:
        access = services.token_authenticate(secret=token)
        if access is None:
            raise ApiError(
                401,
                "This token is not valid: unknown, expired or revoked.",
                "invalid_token",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        caller = Caller(user=access.user, token=access, scopes=frozenset(access.scopes))
        return _check(caller, self.scope)


class SessionAuth(APIKeyCookie):
    """The signed-in browser session; writes need the CSRF token (X-CSRFToken header)."""

    param_name = "sessionid"

    def __init__(self, scope: str) -> None:
        self.scope = scope
        super().__init__(csrf=True)

    def __call__(self, request: HttpRequest) -> Caller | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if check_csrf(request):
            raise ApiError(
                403,
                "CSRF check failed: send the csrftoken cookie's value as X-CSRFToken.",
                "csrf_failed",
            )
        scopes = {Scope.READ, Scope.WRITE}
        if is_coordinator(user):
            # As on the pages (accounts.middleware): nothing until TOTP is on.
            if not services.has_totp(user):
                raise ApiError(
                    403,
                    "Coordinators must turn on two-factor authentication first.",
                    "mfa_required",
                )
            scopes.add(Scope.COORDINATE)
        return _check(Caller(user=user, token=None, scopes=frozenset(scopes)), self.scope)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:  # pragma: no cover
        return None


def auth(scope: str) -> list[Any]:
    return [TokenAuth(scope), SessionAuth(scope)]


READ = auth(Scope.READ)
WRITE = auth(Scope.WRITE)
COORDINATE = auth(Scope.COORDINATE)


def caller(request: HttpRequest) -> Caller:
    found = getattr(request, "auth", None)
    assert isinstance(found, Caller)  # every operation has one of the auth lists above
    return found
