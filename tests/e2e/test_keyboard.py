"""The main flows with the keyboard alone: Tab, Shift+Tab, Enter, Space and typing; no clicks, and
no page opened by its address except the first. At every stop the focused element must show a
visible focus indicator, and focus must land where a person expects (the skip link first, then the
main content; menus open with Enter; confirmations are reachable)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail

from mentorbridge.matching import pool
from mentorbridge.mentorships.models import Mentorship, Message
from mentorbridge.programs.models import Cycle

from ..conftest import TOTP_SECRET, stage
from ..factories import PASSWORD, MemberFactory, enroll, make_cycle
from .conftest import fresh_totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# The focused element: its accessible name (label, aria-label or text) and its focus style.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
  const name = (el.getAttribute("aria-label") || label || el.innerText || el.value || "").trim();
  const style = getComputedStyle(el);
  const rect = el.getBoundingClientRect();
  return {
    name: name.replace(/\\s+/g, " "),
    tag: el.tagName.toLowerCase(),
    id: el.id,
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    shadow: style.boxShadow !== "none",
    shown: rect.width > 0 && rect.height > 0 && rect.left >= 0 && rect.top > -1 - window.scrollY,
  };
}"""


def focused(page: Any) -> dict[str, Any]:
    return page.evaluate(FOCUSED) or {"name": "", "tag": "body", "id": ""}


def assert_focus_visible(page: Any) -> None:
    f = focused(page)
    assert f["outline"] or f["shadow"], f"no visible focus indicator on {f}"
    assert f["shown"], f"the focused element is off screen: {f}"


def tab_to(page: Any, name: str | re.Pattern[str], *, back: bool = False, limit: int = 120) -> None:
    """Press Tab (Shift+Tab) until the focused element's name matches; each stop must show focus."""
    pattern = name if isinstance(name, re.Pattern) else re.compile(re.escape(name), re.I)
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        f = focused(page)
        if f["tag"] != "body":
            assert_focus_visible(page)
        if pattern.search(f["name"]):
            return
    raise AssertionError(f"{name!r} was not reached with the keyboard")


def type_into(page: Any, label: str, text: str) -> None:
    tab_to(page, label)
    assert focused(page)["tag"] in {"input", "textarea", "select"}
    page.keyboard.press("Control+a")
    page.keyboard.type(text)


def press_enter(page: Any) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def log_in(page: Any, url: str, email: str, totp: str = "") -> None:
    page.goto(f"{url}/accounts/login/", timeout=90_000)  # the first request imports the views
    # The first Tab reaches the skip link, shown when focused; Enter moves focus to the content.
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "Skip to content"
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"
    type_into(page, "Email", email)
    type_into(page, "Password", PASSWORD)
    press_enter(page)
    if totp:
        page.wait_for_url("**/2fa/authenticate/")
        type_into(page, "Code", fresh_totp_code(totp))
        press_enter(page)


def log_out(page: Any) -> None:
    tab_to(page, re.compile("^Log out$"))
    press_enter(page)


def follow(page: Any, name: str | re.Pattern[str], *, back: bool = False) -> None:
    tab_to(page, name, back=back)
    press_enter(page)


def test_request_accept_message_and_meeting_with_the_keyboard_only(live_server, page) -> None:
    pool.clear_cache()
    cycle = make_cycle(name="2026–27")
    student = MemberFactory(full_name="Maya Okafor", stage=stage("ms3"))
    enroll(student, cycle, "mentee")
    resident = MemberFactory(full_name="Daniel Reyes", stage=stage("pgy-4-resident"))
    enroll(resident, cycle, "mentor", capacity=2)

    # A student finds a mentor and sends a request.
    log_in(page, live_server.url, student.user.email)
    follow(page, re.compile("^Programs$"))
    follow(page, re.compile("^Find a mentor$"))
    follow(page, "Ask Daniel Reyes to mentor you")
    tab_to(page, "Your message")
    assert "Daniel Reyes" in page.evaluate("() => document.activeElement.value")
    follow(page, re.compile("^Send request$"))
    assert page.get_by_text("Request sent to Daniel Reyes").is_visible()
    log_out(page)

    # The mentor accepts from the Requests page.
    mail.outbox.clear()
    log_in(page, live_server.url, resident.user.email)
    follow(page, re.compile("^Requests$"))
    follow(page, re.compile("^Accept$"))
    mentorship = Mentorship.objects.get(mentor=resident, mentee=student)
    # The workspace: the pair writes a message and proposes a meeting, all from the keyboard.
    if f"/mentorships/{mentorship.pk}/" not in page.url:
        follow(page, re.compile("^Mentorships$"))
        follow(page, "Maya Okafor")
    tab_to(page, re.compile("^Message"))
    page.keyboard.type("Welcome! Shall we meet next week?")
    follow(page, re.compile("^Send$"))
    assert Message.objects.filter(mentorship=mentorship, author=resident).exists()
    assert page.get_by_text("Welcome! Shall we meet next week?").is_visible()
    # A collapsed section (a details element) opens with Enter, and its form is reachable.
    tab_to(page, re.compile("^Propose a meeting$"), back=True)
    page.keyboard.press("Enter")
    tab_to(page, "Date and time")
    page.keyboard.type((dt.date.today() + dt.timedelta(days=14)).strftime("%m%d%Y"))
    page.keyboard.press("Tab")
    page.keyboard.type("0930AM")
    follow(page, re.compile("^Propose$"))
    shown = page.locator(".message").all_inner_texts()
    assert mentorship.meetings.filter(status="proposed").exists(), shown


def test_coordinator_opens_a_cycle_and_the_dashboard_with_the_keyboard_only(
    live_server, page, coordinator
) -> None:
    draft = make_cycle(name="2027–28", status=Cycle.Status.DRAFT)
    log_in(page, live_server.url, coordinator.user.email, totp=TOTP_SECRET)
    # The Task Force menu is a details element: Enter opens it, Tab reaches its links.
    tab_to(page, re.compile("^Task Force$"))
    page.keyboard.press("Enter")
    follow(page, re.compile("^Coordinate$"))
    follow(page, re.compile("^Open…$"))
    # The confirmation page: its button is reachable and does what it says.
    follow(page, re.compile("^Open the cycle$"))
    draft.refresh_from_db()
    assert draft.status == Cycle.Status.OPEN
    assert page.get_by_text("is now open").is_visible()
    tab_to(page, re.compile("^Task Force$"))
    page.keyboard.press("Space")
    # The dashboard opens on the newest open cycle: the one just opened.
    follow(page, re.compile("^Dashboard$"))
    assert f"/dashboard/cycles/{draft.pk}/" in page.url
    assert page.get_by_role("heading", name=re.compile("2027–28")).first.is_visible()
