"""One shape for every API error: `{"detail": ..., "code": ...}` (plus `errors` for bad fields).

The services' refusals (a member can read them; nothing was changed) become 409; input that fails
a form or a schema becomes 422; anything unexpected is logged and answered as a JSON 500 body, which
the tests and schemathesis make sure never happens.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from mentorbridge.core.refusals import Refusal

log = logging.getLogger(__name__)

# The services' "a member can read this; nothing was changed" exceptions.
REFUSALS: tuple[type[Exception], ...] = (Refusal,)

CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "refused",
    422: "invalid",
    429: "rate_limited",
}


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        detail: str,
        code: str | None = None,
        *,
        errors: dict[str, list[str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.code = code or CODES.get(status, "error")
        self.errors = errors
        self.headers = headers or {}


def error_response(
    status: int,
    detail: str,
    code: str | None = None,
    *,
    errors: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
) -> JsonResponse:
    body: dict[str, Any] = {"detail": detail, "code": code or CODES.get(status, "error")}
    if errors is not None:
        body["errors"] = errors
    response = JsonResponse(body, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def form_errors(form: Any) -> ApiError:
    """A Django form's errors as a 422 naming each field."""
    errors = {field: [str(m) for m in messages] for field, messages in form.errors.items()}
    first = next(iter(errors.values()), ["Some input was not valid."])[0]
    return ApiError(422, first, "invalid", errors=errors)


def _validation_errors(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for error in errors:
        loc = [str(p) for p in error.get("loc", ()) if p not in ("body", "payload")]
        out.setdefault(".".join(loc) or "body", []).append(str(error.get("msg", "Not valid.")))
    return out


def install(api: NinjaAPI) -> None:
    def on_api_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(
            exc.status, exc.detail, exc.code, errors=exc.errors, headers=exc.headers
        )

    def on_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        errors = _validation_errors(exc.errors)
        return error_response(422, "Some input was not valid.", "invalid", errors=errors)

    def on_auth(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(
            401,
            "Sign in, or send a personal access token as “Authorization: Bearer <token>”.",
            "not_authenticated",
            headers={"WWW-Authenticate": "Bearer"},
        )

    def on_http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        status = exc.status_code
        if status == 400 and "parse" in str(exc).lower():
            return error_response(400, "The request body is not valid JSON.", "bad_json")
        return error_response(status, str(exc), CODES.get(status, "error"))

    def on_404(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(404, str(exc) or "Not found.", "not_found")

    def on_forbidden(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(403, str(exc) or "You may not do that.", "forbidden")

    def on_refusal(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(409, str(exc), "refused")

    def on_django_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(422, " ".join(exc.messages), "invalid")

    def on_other(request: HttpRequest, exc: Any) -> HttpResponse:
        log.exception("API error on %s %s", request.method, request.path)
        return error_response(500, "Something went wrong on our side.", "server_error")

    api.add_exception_handler(Exception, on_other)
    api.add_exception_handler(ApiError, on_api_error)
    api.add_exception_handler(NinjaValidationError, on_validation)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(AuthenticationError, on_auth)
    api.add_exception_handler(Http404, on_404)
    api.add_exception_handler(PermissionDenied, on_forbidden)
    api.add_exception_handler(DjangoValidationError, on_django_validation)
    for refusal in REFUSALS:
        api.add_exception_handler(refusal, on_refusal)
