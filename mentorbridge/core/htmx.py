"""The request of a view that answers htmx: django-htmx's middleware (settings.MIDDLEWARE) sets
`request.htmx`, which Django's HttpRequest does not declare. As django-htmx's docs type it."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails
