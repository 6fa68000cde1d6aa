"""Requests refused before they reach a view."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve

_View = TypeVar("_View", bound=Callable[..., Any])


def accepts_upload(*, max_bytes: int) -> Callable[[_View], _View]:
    """Mark a view whose form takes a file: its requests may be up to `max_bytes` (the one
    exception to REQUEST_BODY_MAX_BYTES; its form still checks the file's own size)."""

    def mark(view: _View) -> _View:
        view.upload_max_bytes = max_bytes  # type: ignore[attr-defined]  # read by _body_limit
        return view

    return mark


def _body_limit(request: HttpRequest) -> int:
    limit: int = settings.REQUEST_BODY_MAX_BYTES
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        return limit
    return max(limit, int(getattr(view, "upload_max_bytes", 0)))


def _refuse(request: HttpRequest, *, status: int = 400, too_big: bool = False) -> HttpResponse:
    if request.path.startswith("/api/"):  # the JSON API's clients read its error shape, not a page
        detail = "The request body is too large." if too_big else "The request was malformed."
        code = "too_large" if too_big else "bad_request"
        return JsonResponse({"detail": detail, "code": code}, status=status)
    return render(request, "400.html", {"too_big": too_big}, status=status)


class RefuseNullCharactersMiddleware:
    """Refuse, with the 400 page, what would fail later as a 500:

    - a NUL character ("%00") in the address: PostgreSQL cannot compare text with NUL in it, so a
      search box's value would fail in its query (forms already refuse NUL in their fields);
    - a body larger than REQUEST_BODY_MAX_BYTES, whatever its content type (413): a 50 MB file
      part would otherwise be spooled to disk although the page takes no file (views that take
      one say how large with `accepts_upload`);
    - more query or form fields than DATA_UPLOAD_MAX_NUMBER_FIELDS.

    All three are read from the raw request, never by parsing it: Django raises on parsing a
    request over its limits, and with DEBUG on its error page parses the same request again and
    fails with a 500. Answering here, with a response, keeps both paths to the 400 page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or b"\x00" in unquote_to_bytes(query):
            return _refuse(request)
        max_fields = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        if max_fields is not None and query and query.count("&") + 1 > max_fields:
            return _refuse(request)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _refuse(request)
        if length < 0:
            return _refuse(request)
        if length > settings.REQUEST_BODY_MAX_BYTES and length > _body_limit(request):
            return _refuse(request, status=413, too_big=True)
        # Counting fields reads the body, which Django allows up to DATA_UPLOAD_MAX_MEMORY_SIZE;
        # a larger upload (a roster file) leaves the count to Django's multipart parser.
        readable = length <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if (
            length
            and readable
            and max_fields is not None
            and self._too_many_fields(request, max_fields)
        ):
            return _refuse(request)
        return self.get_response(request)

    @staticmethod
    def _too_many_fields(request: HttpRequest, max_fields: int) -> bool:
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.startswith("application/x-www-form-urlencoded"):
            return request.body.count(b"&") + 1 > max_fields
        if content_type.startswith("multipart/form-data") and "boundary=" in content_type:
            boundary = content_type.split("boundary=", 1)[1].split(";", 1)[0].strip().strip('"')
            return request.body.count(b"--" + boundary.encode("latin-1")) - 1 > max_fields
        return False
