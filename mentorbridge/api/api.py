"""The JSON API under /api/v1/: one NinjaAPI, its routers, its error shapes (docs/api.md)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger

from . import errors
from .endpoints import coordinator, members, pairs

api = NinjaAPI(
    title="MentorBridge API",
    version="1",
    description=(
        "The mentorship program's JSON API. Authenticate with a personal access token "
        "(`Authorization: Bearer mbt_…`, made on Account → API tokens) or the browser session "
        "(writes need the `X-CSRFToken` header). Errors are `{detail, code}`; lists are "
        "cursor-paginated (`?cursor=` from `next_cursor`). See docs/api.md."
    ),
    urls_namespace="api",
    # The docs page and its assets come from django-ninja's own package (static/ninja/),
    # served by WhiteNoise like our other files: no CDN.
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)

api.add_router("/", members.router)
api.add_router("/", pairs.router)
api.add_router("/coordinator/", coordinator.router)


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Unknown addresses under /api/ answer in the API's error shape, not the HTML 404 page."""
    return errors.error_response(404, "No such endpoint. See /api/v1/docs.", "not_found")


def urls() -> Any:
    return api.urls
