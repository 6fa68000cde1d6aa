"""A coordinator logs in with a two-factor code, runs a batch match on the demo cycle, swaps a pair
and publishes."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from mentorbridge.matching import pool
from mentorbridge.mentorships.models import Mentorship
from mentorbridge.programs.models import Cycle

from ..conftest import TOTP_SECRET
from ..factories import PASSWORD
from .conftest import fresh_totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_coordinator_batch_match_swap_publish(live_server, page, shots, coordinator) -> None:
    pool.clear_cache()
    call_command("seed_demo", "--size", "80", "--quiet-logins")
    cycle = Cycle.objects.get(program__slug="student-resident")

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email:").fill(coordinator.user.email)
    page.get_by_label("Password:").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/2fa/authenticate/")
    shots("two-factor")
    page.get_by_label("Code:").fill(fresh_totp_code(TOTP_SECRET))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/programs/coordinate/")
    shots("coordinate")
    page.locator(f"a[href='/matching/cycles/{cycle.pk}/runs/']").click()
    page.get_by_label(re.compile("Most mentees matched")).check()
    shots("new-run")
    page.get_by_role("button", name="Start match run").click()
    page.wait_for_url(re.compile(r".*/matching/runs/\d+/$"))
    page.get_by_role("heading", name="Result").wait_for()
    shots("preview")
    assert page.get_by_text("Mentees matched", exact=True).is_visible()

    picks = page.locator("input.swap-pick")
    first_row, second_row = (
        picks.nth(0).locator("xpath=ancestor::tr"),
        picks.nth(1).locator("xpath=ancestor::tr"),
    )
    mentor_a = first_row.locator("td").nth(2).inner_text().split("\n")[0]
    mentor_b = second_row.locator("td").nth(2).inner_text().split("\n")[0]
    picks.nth(0).check()
    picks.nth(1).check()
    page.get_by_role("button", name="Swap the two ticked pairs").click()
    page.wait_for_load_state()
    shots("swapped")
    message = page.locator(".message").first.inner_text()
    if mentor_a != mentor_b and "Pairs swapped" in message:
        assert first_row.locator("td").nth(2).inner_text().split("\n")[0] == mentor_b
    else:  # a swap that would break eligibility is refused with a clear message
        assert "not eligible" in message or "Pairs swapped" in message

    page.get_by_role("link", name="Publish…").click()
    page.wait_for_load_state()
    shots("publish-confirmation")
    assert page.get_by_text(re.compile(r"send \d+ emails?")).first.is_visible()
    assert not Mentorship.objects.filter(source="match_run").exists()  # nothing happened yet
    page.get_by_role("button", name=re.compile("^Publish: create")).click()
    page.wait_for_load_state()
    shots("published")
    assert page.get_by_text(re.compile("Published: \\d+ mentorships? created")).is_visible()
    assert Mentorship.objects.filter(source="match_run").exists()
