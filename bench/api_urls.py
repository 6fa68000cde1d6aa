"""The project's URLs plus a bare django-ninja endpoint (no auth, no database): the framework's
floor that bench/api.py compares the API's endpoints against."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import include, path
from ninja import NinjaAPI

bare = NinjaAPI(urls_namespace="bare", docs_url=None, openapi_url=None)


@bare.get("/ping")
def ping(request: HttpRequest) -> Any:
    return {"ok": True}


urlpatterns = [path("bench/", bare.urls), path("", include("mentorbridge.urls"))]
