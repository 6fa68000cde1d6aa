"""A student ranks two mentors from Find a mentor and reorders them; the mentor sees the student
among their applicants and ranks them."""

from __future__ import annotations

import re

import pytest

from mentorbridge.matching import rankings
from mentorbridge.members.models import Interest

from ..conftest import stage
from ..factories import PASSWORD, MemberFactory, enroll, make_cycle
from .conftest import log_in, log_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_student_and_a_mentor_rank_each_other(live_server, page, shots) -> None:
    cycle = make_cycle(name="2026–27")
    congenital = Interest.objects.get(slug="congenital")
    student = MemberFactory(
        full_name="Nora Diaz", stage=stage("ms3"), user__email="nora@example.org"
    )
    student.interests.set([congenital])
    mentee = enroll(student, cycle, "mentee", goals="Congenital surgery and interviews.")
    mentors = {}
    for name, email in [("Omar Ali", "omar@example.org"), ("Ruth Cole", "ruth@example.org")]:
        member = MemberFactory(full_name=name, stage=stage("fellow"), user__email=email)
        member.interests.set([congenital])
        mentors[name] = enroll(member, cycle, "mentor", capacity=2)

    log_in(page, live_server.url, "nora@example.org", PASSWORD)
    page.goto(f"{live_server.url}/matching/enrollments/{mentee.pk}/find/")
    for name in ["Ruth Cole", "Omar Ali"]:
        page.get_by_role("button", name=f"Add {name} to your ranking").click()
        page.wait_for_load_state()
    shots("find-with-ranking")
    assert page.get_by_text("#1 in your ranking").is_visible()
    page.get_by_role("link", name=re.compile("your ranking: 2 mentors")).click()
    page.get_by_role("button", name="Move Omar Ali up").click()
    shots("reordered")
    items = page.locator("ol.ranking li")
    assert "Omar Ali" in items.nth(0).inner_text()
    assert "Ruth Cole" in items.nth(1).inner_text()
    log_out(page)

    log_in(page, live_server.url, "omar@example.org", PASSWORD)
    page.get_by_role("link", name="Programs").click()
    page.get_by_role("link", name="Rank my applicants").click()
    page.get_by_role("button", name="Add Nora Diaz to your ranking").click()
    shots("mentor-ranks")
    assert "Nora Diaz" in page.locator("ol.ranking").inner_text()
    assert [e.pk for e in rankings.ranking_of(mentors["Omar Ali"])] == [mentee.pk]
