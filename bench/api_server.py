"""Settings and URLs for bench/api.py's gunicorn: the project as it is, plus one bare django-ninja
endpoint (no auth, no database) to compare the API's cost against the framework's floor."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import include, path
from ninja import NinjaAPI

from mentorbridge.settings import *  # noqa: F403

ROOT_URLCONF = "bench.api_server"

bare = NinjaAPI(urls_namespace="bare", docs_url=None, openapi_url=None)


@bare.get("/ping")
def ping(request: HttpRequest) -> Any:
    return {"ok": True}


urlpatterns = [path("bench/", bare.urls), path("", include("mentorbridge.urls"))]
