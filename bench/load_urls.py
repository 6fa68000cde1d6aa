"""The project's URLs plus two peers bench/load.py compares the key pages' throughput against,
served by the same gunicorn: a bare Django view (no auth, no database, no template) and the
site's layout with nothing in it (a signed-in member's base page: menu, unread count, no
content), which tells what the layout costs every page before a page adds its own content."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import include, path


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


@login_required
def layout(request: HttpRequest) -> HttpResponse:
    return render(request, "base.html")


urlpatterns = [
    path("bench/bare", bare),
    path("bench/layout", layout),
    path("", include("mentorbridge.urls")),
]
