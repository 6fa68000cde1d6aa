"""The project's URLs plus a bare Django view (no auth, no database, no template): the floor that
bench/load.py compares the key pages' throughput against, served by the same gunicorn."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare", bare), path("", include("mentorbridge.urls"))]
