"""Requests refused before they reach a view."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse


class RefuseNullCharactersMiddleware:
    """A query string holding a NUL character ("%00") gets the 400 page.

    PostgreSQL cannot compare text with NUL in it: a search box's value would reach a query and
    fail there as a 500. Forms already refuse NUL in their fields (Django's
    ProhibitNullCharactersValidator); this covers the values views read from the address.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            raise BadRequest("The address holds a character that is not allowed.")
        return self.get_response(request)
