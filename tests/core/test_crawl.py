"""Every page a member reaches by following links renders, an id nobody has is a 404, and every
form survives nonsense.

A safety net under the per-feature tests: for each kind of member, follow every link from the home
page (GET only, as a browser would) through a populated cycle, and fail on any server error. Then
replace each number in those addresses with one no object has: never a 500, never someone's data.
Then post every form found on the way with each field set to empty, huge, negative, out-of-range,
markup and invalid-date values: a clear answer, never a 500.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from mentorbridge.core import clock
from mentorbridge.matching import runs, services
from mentorbridge.members.models import Member
from mentorbridge.mentorships import services as workspace

from ..community.world import community_world
from ..conftest import client_for
from ..factories import enroll, make_cycle, make_mentorship

# Links that end the session or are not pages of ours.
SKIP = ("/accounts/logout", "/static/", "/admin/")
# Links, and the addresses htmx fetches (a search box, a live preview, filters).
LINK = re.compile(r"""(?:href|hx-get)="(/[^"#]*)\"""")
LIMIT = 250
# Query parameters the pages read (filters, pagination, search, tabs), each set to nonsense.
QUERY_NAMES = [
    "page",
    "q",
    "show",
    "sort",
    "interest",
    "topic",
    "institution",
    "region",
    "language",
]
QUERY_GARBAGE = ["-1", "99999999999999999999", "abc", "%00", "%3Cscript%3E", "1.5", ""]


def crawl_pages(client: Client) -> dict[str, tuple[int, str]]:
    """Status and HTML (empty for other content) of every page reachable from "/" by links,
    breadth first."""
    seen: dict[str, tuple[int, str]] = {}
    queue = ["/"]
    while queue and len(seen) < LIMIT:
        url = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url)
        is_html = "text/html" in response.get("Content-Type", "")
        body = response.content.decode() if is_html else ""
        seen[url] = (response.status_code, body)
        if response.status_code == 200:
            for href in LINK.findall(body):
                href = html.unescape(href)
                if not href.startswith(SKIP) and href not in seen:
                    queue.append(href)
    return seen


def crawl(client: Client) -> dict[str, int]:
    """Status of every page reachable from "/" by links."""
    return {url: status for url, (status, _) in crawl_pages(client).items()}


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
    community_world(student=student, resident=resident, coordinator=coordinator)
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
    # The same addresses with nonsense in the query string (filters, pages, searches).
    for url in statuses:
        for value in QUERY_GARBAGE:
            query = "&".join(f"{name}={value}" for name in QUERY_NAMES)
            code = client.get(f"{url}{'&' if '?' in url else '?'}{query}").status_code
            assert code < 500, (url, value, code)
    # The same addresses with an id nobody has: a clear 404 (or a redirect to log in), never a 500.
    for url in {
        re.sub(r"/\d+/", "/987654/", u, count=1) for u in statuses if re.search(r"/\d+/", u)
    }:
        code = client.get(url).status_code
        assert code in {302, 404}, (url, code)


class Forms(HTMLParser):
    """The POST forms of a page: (action, field names), where the action defaults to the page."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.page = page
        self.forms: list[tuple[str, set[str]]] = []
        self.current: tuple[str, set[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            self.current = (a.get("action") or self.page, set())
            self.forms.append(self.current)
        elif tag in {"input", "select", "textarea"} and self.current and a.get("name"):
            self.current[1].add(a["name"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None


GARBAGE = [
    "",
    "x" * 20_000,
    "-1",
    "99999999999999999999",
    "<script>alert(1)</script>",
    "∂é\x00",
    "2026-02-30",
]


@pytest.mark.parametrize("who", ["student", "resident", "surgeon", "coordinator"])
def test_every_form_survives_garbage(populated: dict[str, Member], who: str) -> None:
    """Each POST form, every field filled with each kind of nonsense: a clear answer, never a 500."""
    client = client_for(populated[who])
    forms: dict[str, set[str]] = {}
    for url, (code, body) in crawl_pages(client).items():
        if code != 200:
            continue
        parser = Forms(url)
        parser.feed(body)
        for action, names in parser.forms:
            if not action.startswith(("/accounts/logout", "/accounts/")):
                forms.setdefault(action, set()).update(names - {"csrfmiddlewaretoken"})
    assert len(forms) >= 4, forms  # the crawl found the forms
    for action, names in sorted(forms.items()):
        for value in GARBAGE:
            response = client.post(action, dict.fromkeys(names, value))
            assert response.status_code < 500, (action, value[:20], response.status_code)


@pytest.mark.django_db
def test_ids_too_large_for_the_database_match_nothing(student: Member) -> None:
    huge = 99999999999999999999
    assert list(Member.objects.filter(pk__in=[huge])) == []
    assert list(Member.objects.filter(pk__in=[huge, student.pk])) == [student]
    assert list(Member.objects.filter(pk__in=[-huge])) == []


class Controls(HTMLParser):
    """Form controls a person fills in, and the labels on the page."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str | None]] = []
        self.labelled: set[str] = set()
        self.ids: list[str] = []
        self.in_label = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(a["id"] or "")
        if tag == "label":
            self.in_label += 1
            if a.get("for"):
                self.labelled.add(a["for"] or "")
        elif tag in {"input", "select", "textarea"}:
            if (a.get("type") or "text") in {"hidden", "submit", "button"}:
                return
            self.controls.append({**a, "wrapped": "yes" if self.in_label else None})

    def handle_endtag(self, tag: str) -> None:
        if tag == "label" and self.in_label:
            self.in_label -= 1


@pytest.mark.parametrize("who", ["student", "resident", "surgeon", "coordinator", "visitor"])
def test_every_field_has_a_label_and_ids_are_unique(populated: dict[str, Member], who: str) -> None:
    """Screen readers name each field by its label (or aria-label): none may go unnamed, and no
    id may repeat on a page (a label would name the wrong field)."""
    client = Client() if who == "visitor" else client_for(populated[who])
    unnamed, repeated = [], []
    for url, (code, body) in crawl_pages(client).items():
        if code != 200 or not body:
            continue
        page = Controls()
        page.feed(body)
        for control in page.controls:
            named = (
                control.get("wrapped")
                or control.get("aria-label")
                or control.get("aria-labelledby")
                or (control.get("id") and control.get("id") in page.labelled)
            )
            if not named:
                unnamed.append((url, control.get("name")))
        repeated += [(url, i) for i in sorted(set(page.ids)) if page.ids.count(i) > 1]
    assert not unnamed, unnamed
    assert not repeated, repeated
