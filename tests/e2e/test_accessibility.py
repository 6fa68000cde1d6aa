"""axe-core (shipped by axe-playwright-python, injected from the package, never a CDN) over the main
pages, on desktop and on a 390-pixel phone: no serious or critical violations."""

from __future__ import annotations

from pathlib import Path

import axe_playwright_python
import pytest

from mentorbridge.members.models import Member

from ..conftest import stage
from ..factories import PASSWORD, MemberFactory, enroll, make_cycle, make_mentorship
from .conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
AXE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


def serious(page: object) -> list[str]:
    page.add_script_tag(content=AXE)  # type: ignore[attr-defined]
    result = page.evaluate("async () => await axe.run()")  # type: ignore[attr-defined]
    assert result["passes"], "axe did not run"
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


@pytest.mark.parametrize("width", [1200, 390])
def test_the_main_pages_have_no_serious_axe_violations(live_server, browser, width: int) -> None:
    student = MemberFactory(
        full_name="Maya Okafor", stage=stage("ms3"), user__email="maya@example.org"
    )
    resident = MemberFactory(
        full_name="Daniel Reyes", stage=stage("pgy-4-resident"), user__email="daniel@example.org"
    )
    cycle = make_cycle()
    mentorship = make_mentorship(student, resident, cycle)
    other: Member = MemberFactory(stage=stage("pgy-2-resident"))
    enroll(other, cycle, "mentor")
    mentee_enrollment = mentorship.mentee_enrollment
    # axe is injected as an inline script; the CSP (which refuses those) is bypassed for the audit only.
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    found: dict[str, list[str]] = {}
    for path in ["/", "/accounts/login/", "/accounts/signup/"]:
        page.goto(f"{live_server.url}{path}")
        found[path] = serious(page)
    log_in(page, live_server.url, "maya@example.org", PASSWORD)
    for path in [
        "/members/me/",
        "/members/me/edit/",
        "/programs/",
        f"/matching/enrollments/{mentee_enrollment.pk}/find/",
        "/matching/requests/",
        "/mentorships/",
        f"/mentorships/{mentorship.pk}/",
        "/notifications/",
        "/mentorships/record/",
    ]:
        page.goto(f"{live_server.url}{path}")
        found[path] = serious(page)
    context.close()
    bad = {path: v for path, v in found.items() if v}
    assert not bad, bad
