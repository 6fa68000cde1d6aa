"""In a real browser: the interactive API docs (/api/v1/docs) load every asset from our own
origin (django-ninja's packaged Swagger UI through WhiteNoise), with no failed request (favicons
included), no request to another origin and no Content Security Policy violation."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_api_docs_load_everything_from_our_origin(browser: Any, live_server: Any) -> None:
    page = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    page.set_default_timeout(60_000)  # Swagger UI is a 1.4 MB script
    requests: list[str] = []
    failed: list[str] = []
    console: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
    page.on("console", lambda m: m.type == "error" and console.append(m.text))
    page.goto(f"{live_server.url}/api/v1/docs")
    page.get_by_text("/api/v1/me").first.wait_for()  # Swagger UI rendered the operations
    page.wait_for_load_state("networkidle")
    origin = urlsplit(live_server.url).netloc
    assert {urlsplit(u).netloc for u in requests if u.startswith("http")} == {origin}
    assert any(u.endswith("favicon.svg") or u.endswith("favicon.png") for u in requests)
    assert not failed, failed
    assert not console, console
    page.context.close()
