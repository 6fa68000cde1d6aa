"""Browser tests: Playwright for Python driving Debian's Chromium (never a downloaded browser).

Screenshots of each step go to test-results/e2e/<test name>/ for a person to look at.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between
# browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
RESULTS = Path(__file__).resolve().parents[2] / "test-results" / "e2e"


@pytest.fixture(scope="session")
def browser(django_db_setup: None, django_db_blocker: Any) -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
        pytest.skip(
            "Debian's chromium is not installed (apt-get install chromium); .ci/run installs it"
        )
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright runs an asyncio loop in this thread, and from then on asgiref hands out Django's
    # connections per context: new connection objects, without the copy of the test database
    # that `serialized_rollback` restores after each flush (it would silently restore nothing, and
    # the next test would find no programs or taxonomies). The copy is handed over to them.
    with django_db_blocker.unblock():
        copies = {
            alias: getattr(connections[alias], "_test_serialized_contents", None)
            for alias in connections
        }
    with sync_playwright() as playwright:
        for alias, copy in copies.items():
            if copy is not None:
                connections[alias]._test_serialized_contents = copy
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


class Shots:
    """Numbered screenshots of one test's steps."""

    def __init__(self, page: object, name: str) -> None:
        self.page = page
        self.folder = RESULTS / re.sub(r"[^\w.-]+", "_", name)
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def __call__(self, step: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{step}.png"
        self.page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
        return path


@pytest.fixture
def page(browser: object, request: pytest.FixtureRequest) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def shots(page: object, request: pytest.FixtureRequest) -> Shots:
    return Shots(page, request.node.name)


def log_in(page: object, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")  # type: ignore[attr-defined]
    page.get_by_label("Email:").fill(email)  # type: ignore[attr-defined]
    page.get_by_label("Password:").fill(password)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Log in").click()  # type: ignore[attr-defined]
    page.wait_for_load_state()  # type: ignore[attr-defined]


def log_out(page: object) -> None:
    button = page.get_by_role("button", name="Log out")  # type: ignore[attr-defined]
    if not button.is_visible():  # on a phone it sits in the folded Menu, as a person finds it
        page.locator("summary.menu-toggle").click()  # type: ignore[attr-defined]
    button.click()
    page.wait_for_load_state()  # type: ignore[attr-defined]


def fresh_totp_code(secret: str) -> str:
    """The current TOTP code, with time left to type it: a code read in the last seconds of its
    30-second window would be refused once the window turns (a flaky login on a busy CI)."""
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    if 30 - time.time() % 30 < 5:
        time.sleep(30 - time.time() % 30 + 0.5)
    return str(format_hotp_value(hotp_value(secret, int(time.time()) // 30)))
