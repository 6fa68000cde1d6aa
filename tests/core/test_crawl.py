"""Every page a member reaches by following links renders, and an id nobody has is a 404.

A safety net under the per-feature tests: for each kind of member, follow every link from the home
page (GET only, as a browser would) through a populated cycle, and fail on any server error. Then
replace each number in those addresses with one no object has: never a 500, never someone's data.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.test import Client

from mentorbridge.core import clock
from mentorbridge.matching import runs, services
from mentorbridge.members.models import Member
from mentorbridge.mentorships import services as workspace

from ..conftest import client_for
from ..factories import enroll, make_cycle, make_mentorship

# Links that end the session or are not pages of ours.
SKIP = ("/accounts/logout", "/static/", "/admin/")
LINK = re.compile(r"""href="(/[^"#]*)\"""")
LIMIT = 250


def crawl(client: Client) -> dict[str, int]:
    """Status of every page reachable from "/" by links, breadth first."""
    seen: dict[str, int] = {}
    queue = ["/"]
    while queue and len(seen) < LIMIT:
        url = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            for href in LINK.findall(response.content.decode()):
                href = html.unescape(href)
                if not href.startswith(SKIP) and href not in seen:
                    queue.append(href)
    return seen


@pytest.fixture
def populated(
    student: Member, resident: Member, surgeon: Member, coordinator: Member
) -> dict[str, Member]:
    """A cycle with a mentorship in use, a pending request, and a finished match run."""
    cycle = make_cycle()
    mentorship = make_mentorship(student, resident, cycle)
    workspace.message_post(mentorship=mentorship, by=student, body="Hello <b>there</b>!")
    workspace.goal_add(
        mentorship=mentorship, by=student, title="Plan away rotations", milestones=["List programs"]
    )
    workspace.meeting_propose(
        mentorship=mentorship,
        by=resident,
        starts_at=clock.now() + dt.timedelta(days=3),
        duration_minutes=30,
        format="video",
    )
    other_cycle = make_cycle("resident-surgeon")
    mentee = enroll(resident, other_cycle, "mentee", goals="Fellowship choices.")
    mentor = enroll(surgeon, other_cycle, "mentor", capacity=2)
    services.request_send(
        mentee_enrollment=mentee, mentor_enrollment=mentor, message="Would you mentor me?"
    )
    run = runs.match_run_create(cycle=cycle, by=coordinator.user, objective="coverage")
    runs.match_run_execute(run_id=run.pk)
    return {
        "student": student,
        "resident": resident,
        "surgeon": surgeon,
        "coordinator": coordinator,
    }


@pytest.mark.parametrize("who", ["student", "resident", "surgeon", "coordinator", "visitor"])
def test_every_reachable_page_renders_and_unknown_ids_are_404(
    populated: dict[str, Member], who: str
) -> None:
    client = Client() if who == "visitor" else client_for(populated[who])
    statuses = crawl(client)
    assert len(statuses) > (3 if who == "visitor" else 10), statuses  # the crawl went somewhere
    errors = {url: code for url, code in statuses.items() if code >= 500}
    assert not errors, errors
    # The same addresses with an id nobody has: a clear 404 (or a redirect to log in), never a 500.
    for url in {
        re.sub(r"/\d+/", "/987654/", u, count=1) for u in statuses if re.search(r"/\d+/", u)
    }:
        code = client.get(url).status_code
        assert code in {302, 404}, (url, code)
