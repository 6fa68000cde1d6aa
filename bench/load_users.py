"""Simulated users for bench/load.py (a locustfile; LOAD_PLAN names the plan JSON it wrote).

Each user holds one pre-made logged-in session (bench/load.py's `plan`) and sends its cookie and a
CSRF token of its own on every request. Mixed load: StudentUser, PairUser, CoordinatorUser, with
think time. Capacity runs: one *Capacity class alone, no think time.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import random
import re
import secrets
from typing import Any

from locust import between, constant, task
from locust.contrib.fasthttp import FastHttpUser

PLAN: dict[str, Any] = json.loads(open(os.environ["LOAD_PLAN"]).read())  # noqa: SIM115
_students = itertools.cycle(PLAN["students"])
_pairs = itertools.cycle(PLAN["pairs"])
_coordinators = itertools.count()
MENTOR_LINK = re.compile(r"/matching/enrollments/\d+/request/(\d+)/")


class Member(FastHttpUser):
    abstract = True
    wait_time = between(1, 3)

    def use(self, session: str) -> None:
        csrf = secrets.token_hex(16)  # any 32-character secret: Django checks cookie == token
        self.csrf = csrf
        self.headers = {"Cookie": f"sessionid={session}; csrftoken={csrf}", "X-CSRFToken": csrf}

    def get(self, url: str, name: str, **headers: str) -> Any:
        with self.client.get(
            url, name=name, headers={**self.headers, **headers}, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {url}")
            return response

    def post(self, url: str, name: str, data: dict[str, Any]) -> Any:
        """A form post; success is the redirect the view answers with (not followed)."""
        with self.client.post(
            url,
            name=name,
            data={**data, "csrfmiddlewaretoken": self.csrf},
            headers=self.headers,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"{response.status_code} for {url}")
            return response


class StudentUser(Member):
    """A mentee of the open cycle: browses Find a mentor, filters it, sends a request."""

    weight = 6

    def on_start(self) -> None:
        self.next_student()

    def next_student(self) -> None:
        student = next(_students)
        self.use(student["session"])
        self.find_url = f"/matching/enrollments/{student['enrollment']}/find/"

    @task(6)
    def find(self) -> None:
        self.get(self.find_url, "find a mentor")

    @task(2)
    def filter(self) -> None:
        # The page's filter form swaps the list in with htmx.
        topic = random.choice(PLAN["topics"])
        self.get(
            f"{self.find_url}?topic={topic}",
            "find a mentor (filter, htmx)",
            **{"HX-Request": "true"},
        )

    @task(1)
    def request(self) -> None:
        page = self.get(self.find_url, "find a mentor")
        mentors = MENTOR_LINK.findall(page.text or "")
        if not mentors:
            return
        url = f"{self.find_url[: -len('find/')]}request/{random.choice(mentors[:5])}/"
        self.get(url, "request form")
        self.post(url, "request send", {"message": "I would like to learn about away rotations."})
        self.next_student()  # each student sends one request: well under the open-request limit

    @task(2)
    def notifications(self) -> None:
        self.get("/notifications/", "notifications")


class PairUser(Member):
    """A mentee or mentor of an active pair: workspace, messages, meeting proposals."""

    weight = 4

    def on_start(self) -> None:
        pair = next(_pairs)
        self.use(pair["session"])
        self.workspace = f"/mentorships/{pair['mentorship']}/"

    @task(5)
    def workspace_page(self) -> None:
        self.get(self.workspace, "workspace")

    @task(2)
    def message(self) -> None:
        self.post(self.workspace + "messages/", "message send", {"body": "Thanks, see you soon."})

    @task(1)
    def meeting(self) -> None:
        when = dt.datetime.now() + dt.timedelta(days=random.randint(3, 60))  # noqa: DTZ005
        self.post(
            self.workspace + "meetings/",
            "meeting propose",
            {
                "starts_at": when.strftime("%Y-%m-%dT%H:00"),
                "duration_minutes": "45",
                "format": "video",
                "location": "",
            },
        )

    @task(2)
    def notifications(self) -> None:
        self.get("/notifications/", "notifications")


class CoordinatorUser(Member):
    """A Task Force member: the cycles' dashboards; the first one starts a match run."""

    fixed_count = 1
    wait_time = between(2, 5)

    def on_start(self) -> None:
        self.use(PLAN["coordinator"])
        if next(_coordinators) == 0:
            runs = f"/matching/cycles/{PLAN['match_cycle']}/runs/"
            self.get(runs, "match runs page")
            weights = {f"w_{k}": str(v) for k, v in PLAN["weights"].items()}
            self.post(runs, "match run start", {"objective": "coverage", "seed": "0", **weights})

    @task(3)
    def dashboard(self) -> None:
        self.get(f"/dashboard/cycles/{PLAN['pair_cycle']}/", "dashboard (5,000 pairs)")

    @task(1)
    def match_dashboard(self) -> None:
        self.get(f"/dashboard/cycles/{PLAN['match_cycle']}/", "dashboard (match cycle)")

    @task(1)
    def runs(self) -> None:
        self.get(f"/matching/cycles/{PLAN['match_cycle']}/runs/", "match runs page")


class Capacity(Member):
    abstract = True
    wait_time = constant(0)


class FindCapacity(Capacity):
    def on_start(self) -> None:
        student = next(_students)
        self.use(student["session"])
        self.url = f"/matching/enrollments/{student['enrollment']}/find/"

    @task
    def page(self) -> None:
        self.get(self.url, "find a mentor")


class WorkspaceCapacity(Capacity):
    def on_start(self) -> None:
        pair = next(_pairs)
        self.use(pair["session"])
        self.url = f"/mentorships/{pair['mentorship']}/"

    @task
    def page(self) -> None:
        self.get(self.url, "workspace")


class SignedInPageCapacity(Capacity):
    """One page at one URL, for a pair's member (the pages below differ only in that)."""

    abstract = True
    page_url = page_name = ""

    def on_start(self) -> None:
        self.use(next(_pairs)["session"])

    @task
    def page(self) -> None:
        self.get(self.page_url, self.page_name)


class NotificationsCapacity(SignedInPageCapacity):
    page_url, page_name = "/notifications/", "notifications"


class LayoutCapacity(SignedInPageCapacity):
    page_url, page_name = "/bench/layout", "layout only"


class BareCapacity(SignedInPageCapacity):
    page_url, page_name = "/bench/bare", "bare view"
