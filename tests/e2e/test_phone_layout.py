"""Every main page fits a 390 px phone with no horizontal scroll, for each kind of member; the
menu folds on phones and opens by keyboard; the coordinator's navigation fits one row at 1280 px."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mentorbridge.matching import runs
from mentorbridge.members.models import Interest, Member
from mentorbridge.mentorships.models import AtRisk, Meeting, Resource
from mentorbridge.programs.models import Enrollment

from ..conftest import stage
from ..factories import MemberFactory, enroll, make_cycle, make_mentorship
from .conftest import Shots

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}


def _signed_in(browser: Any, live_server: Any, member: Member, viewport: dict[str, int]) -> Any:
    """A browser page with the member's session (the login form and TOTP are tested elsewhere)."""
    client = Client()
    client.force_login(member.user)
    context = browser.new_context(viewport=viewport)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def _world(coordinator: Member) -> dict[str, Any]:
    long_name = "Maximiliana Oluwaseun-Featherstonehaugh"
    student = MemberFactory(full_name=long_name, stage=stage("ms2"), user__email="maxi@example.org")
    resident = MemberFactory(
        full_name="Daniel Reyes", stage=stage("pgy-4-resident"), user__email="daniel@example.org"
    )
    pair = make_mentorship(student, resident)
    Meeting.objects.create(
        mentorship=pair,
        proposed_by=student,
        starts_at=pair.started_at,
        status="held",
        minutes_held=45,
        location="https://meet.example.org/a-very-long-meeting-link-that-does-not-break-by-itself",
    )
    AtRisk.objects.create(mentorship=pair, reason="inactive", detail="No activity for 45 days")
    Resource.objects.create(title="ERAS guide", url="https://example.org/eras")
    cycle = make_cycle(name="Batch cycle")
    interests = list(Interest.objects.all()[:3])
    for k in range(4):
        mentee = MemberFactory(full_name=f"Mentee Number{k}", stage=stage("ms3"))
        mentee.interests.set([interests[k % 3]])
        enroll(mentee, cycle, "mentee", goals="away rotations")
    for k in range(2):
        mentor = MemberFactory(full_name=f"Mentor Number{k}", stage=stage("fellow"))
        mentor.interests.set([interests[k]])
        enroll(mentor, cycle, "mentor", capacity=2)
    run = runs.match_run_create(
        cycle=cycle,
        by=coordinator.user,
        objective="coverage",
        weights=cycle.program.effective_weights(),
        fixed_pairs=[],
        forbidden_pairs=[],
        seed=1,
    )
    runs.match_run_execute(run_id=run.pk)
    enrollment = Enrollment.objects.get(member=student, role="mentee")
    return {
        "student": (
            student,
            [
                "/",
                "/programs/",
                f"/matching/enrollments/{enrollment.pk}/find/",
                "/matching/requests/",
                "/mentorships/",
                f"/mentorships/{pair.pk}/",
                f"/mentorships/{pair.pk}/close/",
                "/members/me/",
                "/members/me/edit/",
                "/notifications/",
                "/accounts/email/",
            ],
        ),
        "resident": (
            resident,
            [
                "/mentorships/record/",
                f"/mentorships/{pair.pk}/",
                "/matching/requests/",
                "/members/me/",
            ],
        ),
        "coordinator": (
            coordinator,
            [
                "/programs/coordinate/",
                f"/matching/cycles/{cycle.pk}/runs/",
                f"/matching/runs/{run.pk}/",
                f"/matching/runs/{run.pk}/publish/",
                "/mentorships/at-risk/",
                f"/mentorships/{pair.pk}/",
                "/mentorships/resources/",
                "/dashboard/",
            ],
        ),
    }


def _overflow(page: Any) -> list[str]:
    """What sticks out of the screen (empty when the page fits)."""
    result: list[str] = page.evaluate(
        """() => {
          const width = window.innerWidth;
          if (document.documentElement.scrollWidth <= width) return [];
          return [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > width + 1)
            .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));
        }"""
    )
    return result


def test_every_main_page_fits_a_phone(browser: Any, live_server: Any, coordinator: Member) -> None:
    problems = {}
    for kind, (member, paths) in _world(coordinator).items():
        page = _signed_in(browser, live_server, member, PHONE)
        shots = Shots(page, f"phone-{kind}")
        for path in paths:
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None and response.status < 400, (kind, path, response)
            shots(path.strip("/").replace("/", "-") or "home")
            width = page.evaluate("document.documentElement.scrollWidth")
            inner = page.evaluate("window.innerWidth")
            if width > inner:
                problems[f"{kind} {path}"] = (width, _overflow(page))
        page.context.close()
    assert not problems, problems


def test_the_phone_menu_folds_and_opens_by_keyboard(
    browser: Any, live_server: Any, coordinator: Member
) -> None:
    student = MemberFactory(full_name="Sam Student", stage=stage("ms2"))
    page = _signed_in(browser, live_server, student, PHONE)
    shots = Shots(page, "phone-menu")
    page.goto(f"{live_server.url}/mentorships/")
    menu = page.locator("summary.menu-toggle")
    assert menu.is_visible()
    assert not page.get_by_role("link", name="Requests").is_visible()
    shots("folded")
    menu.focus()
    page.keyboard.press("Enter")
    shots("open")
    assert page.get_by_role("link", name="Requests").is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Programs"
    page.keyboard.press("Enter")
    page.wait_for_url("**/programs/")
    page.context.close()


@pytest.mark.parametrize("width", [1280, 1200, 1120])  # narrower: the Menu
def test_the_coordinators_navigation_fits_one_row_at_1280(
    browser: Any, live_server: Any, coordinator: Member, width: int
) -> None:
    page = _signed_in(browser, live_server, coordinator, {"width": width, "height": 800})
    shots = Shots(page, f"coordinator-nav-{width}")
    page.goto(f"{live_server.url}/programs/coordinate/")
    tops = page.evaluate(
        "[...document.querySelectorAll('.nav > li')].map(li => Math.round(li.getBoundingClientRect().top))"
    )
    assert len(set(tops)) == 1, tops
    # One row, and all of it on the screen: "Log out" was cut off at the right edge at 1200 px.
    right = page.evaluate(
        "Math.max(...[...document.querySelectorAll('.nav > li')].map(li => li.getBoundingClientRect().right))"
    )
    assert right <= page.evaluate("document.documentElement.clientWidth"), right
    assert not page.locator("summary.menu-toggle").is_visible()
    page.locator(".submenu summary").click()
    shots("task-force-menu")
    page.get_by_role("link", name="At risk").click()
    page.wait_for_url("**/mentorships/at-risk/")
    page.context.close()
