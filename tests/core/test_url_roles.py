"""Every URL the project has × every kind of actor × GET and POST, filled with someone else's ids.

The URL list comes from the resolver, so a new page is covered the day it is added, and the test
fails until `url_expectations.EXPECTATIONS` says who may use it. For each case: never a 5xx; a GET
changes nothing in the database (row counts, highest ids, latest timestamps and null counts of every
table); a refused request changes nothing either and shows none of the victims' private text.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import functools
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import connection, models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.http import int_to_base36

from mentorbridge.api.models import Webhook, WebhookDelivery
from mentorbridge.core import clock
from mentorbridge.core.models import Notification
from mentorbridge.dashboard.models import RosterUpload
from mentorbridge.matching import runs, services
from mentorbridge.matching.models import MatchRun, MentorshipRequest
from mentorbridge.members.models import Member, PrivateIdentity, StageChange
from mentorbridge.members.services import stage_change_request
from mentorbridge.mentorships import services as workspace
from mentorbridge.mentorships.models import AtRisk, CheckIn, Goal, Meeting, Mentorship, Resource
from mentorbridge.programs.models import Cycle, Enrollment

from ..community.world import CommunityVictims, community_victims
from ..conftest import client_for, stage
from ..factories import MemberFactory, enroll, make_cycle, make_mentorship
from .url_expectations import EXPECTATIONS, Expect

ACTORS = [
    "anonymous",
    "student",
    "resident",
    "surgeon",
    "outsider",
    "coordinator",
    "coordinator_no_totp",
]
# Refusals: to a login or TOTP page, a bad request, forbidden, not found, wrong method.
REFUSED = {302, 400, 403, 404, 405}
# The JSON API refuses with 401 (no credentials) and 422 (a body that is not what it takes).
REFUSED |= {401, 422}
# Paths a coordinator without TOTP may still use (accounts.middleware.RequireStaffMFAMiddleware).
OPEN_WITHOUT_TOTP = ("/accounts/", "/static/", "/healthz", "/api/")
# Tables a request may write without it being a change of state: the session store.
NOT_STATE = {Session}
# Text only the victims' pair may read; it must never appear in a page served to anyone else.
SECRETS = [
    "SECRET-MESSAGE-7f3a",
    "SECRET-GOAL-7f3a",
    "SECRET-REQUEST-7f3a",
    "SECRET-QUESTION-7f3a",
    "victim.mentee@example.org",
    "victim.mentor@example.org",
]
# Every admin view goes through one staff check (AdminSite.admin_view): members who are not staff
# are all refused by the same code, so the admin's 125 URLs are tried as the outsider among them.
SAME_AS_OUTSIDER_IN_ADMIN = {"student", "resident", "surgeon"}
# Arguments Django's admin uses; other arguments must come from the URL's expectation.
ADMIN_ARGS: dict[str, Any] = {
    "object_id": "1",
    "id": 1,
    "app_label": "members",
    "content_type_id": 1,
}


ROUTE = "route:"


@dataclass
class Pattern:
    name: str
    regex: str
    kwargs: list[str]


def url_patterns() -> list[Pattern]:
    """Every named URL pattern of the project, with its namespace and argument names."""
    found: list[Pattern] = []

    def walk(entries: list[Any], namespace: str, prefix: str, outer: list[str]) -> None:
        for entry in entries:
            if isinstance(entry, URLResolver):
                ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                # Arguments may sit on an include (allauth's oidc/<provider_id>/...).
                args = outer + list(entry.pattern.regex.groupindex)
                walk(entry.url_patterns, ns, prefix + str(entry.pattern), args)
            elif isinstance(entry, URLPattern):
                if not entry.name and namespace == "admin:":
                    continue  # the admin's own redirects to a change page
                names = outer + list(entry.pattern.regex.groupindex)
                route = prefix + str(entry.pattern)
                if not entry.name:
                    # A third party's unnamed pattern (allauth's legacy /accounts/social/
                    # redirects) is known by its route: "route:accounts/social/signup/".
                    assert not namespace and not names, f"unnamed URL pattern {route}: name it"
                    found.append(Pattern(f"{ROUTE}{route}", route, names))
                    continue
                found.append(Pattern(f"{namespace}{entry.name}", route, names))

    walk(get_resolver().url_patterns, "", "", [])
    return found


def expectation(name: str) -> Expect | None:
    if name in EXPECTATIONS:
        return EXPECTATIONS[name]
    for key, value in EXPECTATIONS.items():
        if any(c in key for c in "*?[") and fnmatch.fnmatchcase(name, key):
            return value
    return None


@dataclass
class World:
    """Objects that belong to a pair of victims and a victim mentee with a pending request."""

    cycle: Cycle
    victim_mentee: Member
    victim_mentor: Member
    mentee_enrollment: Enrollment
    mentor_enrollment: Enrollment
    mentorship: Mentorship
    goal: Goal
    meeting: Meeting
    check_in: CheckIn
    request: MentorshipRequest
    run: MatchRun
    risk: AtRisk
    resource: Resource
    stage_change: StageChange
    victim_uidb36: str
    forged_token: str
    roster_upload: RosterUpload
    community: CommunityVictims
    webhook: Webhook


def build_world(coordinator: Member, actors: dict[str, Member]) -> World:
    cycle = make_cycle()
    victim_mentee = MemberFactory(
        full_name="Vic Mentee", stage=stage("ms3"), user__email="victim.mentee@example.org"
    )
    victim_mentor = MemberFactory(
        full_name="Val Mentor",
        stage=stage("pgy-4-resident"),
        user__email="victim.mentor@example.org",
    )
    PrivateIdentity.objects.create(member=victim_mentee, consent=True, gender="woman")
    mentorship = make_mentorship(victim_mentee, victim_mentor, cycle)
    workspace.message_post(mentorship=mentorship, by=victim_mentee, body="SECRET-MESSAGE-7f3a")
    goal = workspace.goal_add(
        mentorship=mentorship, by=victim_mentee, title="SECRET-GOAL-7f3a", milestones=["One"]
    )
    meeting = workspace.meeting_propose(
        mentorship=mentorship,
        by=victim_mentor,
        starts_at=clock.now() + dt.timedelta(days=3),
        duration_minutes=30,
        format="video",
    )
    check_in = CheckIn.objects.create(
        mentorship=mentorship, member=victim_mentee, due_at=clock.now()
    )
    risk = AtRisk.objects.create(mentorship=mentorship, reason=AtRisk.Reason.choices[0][0])
    # A second victim mentee asks the victim mentor (a request nobody else may answer).
    asker = MemberFactory(full_name="Ada Asker", stage=stage("ms2"))
    asker_enrollment = enroll(asker, cycle, "mentee")
    mentor_enrollment = Enrollment.objects.get(member=victim_mentor, cycle=cycle)
    request = services.request_send(
        mentee_enrollment=asker_enrollment,
        mentor_enrollment=mentor_enrollment,
        message="SECRET-REQUEST-7f3a",
    )
    Notification.objects.create(member=victim_mentee, title="For the victim only", url="/")
    # The actors take part in the cycle too, so their own pages have something on them.
    enroll(actors["student"], cycle, "mentee")
    enroll(actors["resident"], cycle, "mentor", capacity=2)
    run = runs.match_run_create(cycle=cycle, by=coordinator.user, objective="coverage")
    runs.match_run_execute(run_id=run.pk)
    # The victim student asks to become a surgeon: a pending change only coordinators decide.
    stage_change = stage_change_request(member=victim_mentee, stage=stage("senior-surgeon"))
    assert stage_change is not None
    real = services.answer_token(request, "accept")
    return World(
        cycle=cycle,
        victim_mentee=victim_mentee,
        victim_mentor=victim_mentor,
        mentee_enrollment=Enrollment.objects.get(member=victim_mentee, cycle=cycle),
        mentor_enrollment=mentor_enrollment,
        mentorship=mentorship,
        goal=goal,
        meeting=meeting,
        check_in=check_in,
        request=request,
        run=run,
        risk=risk,
        resource=Resource.objects.create(title="A guide", url="https://example.org/guide"),
        stage_change=stage_change,
        victim_uidb36=int_to_base36(victim_mentee.user.pk),
        forged_token=real[:-4] + ("AAAA" if not real.endswith("AAAA") else "BBBB"),
        roster_upload=RosterUpload.objects.create(
            filename="roster.csv",
            content=b"Name,Email,Training stage\nRoy Roster,roy.roster@example.org,MS1\n",
            mapping={"name": 0, "email": 1, "stage": 2},
        ),
        community=community_victims(
            coordinator=coordinator, mentee=victim_mentee, mentor=victim_mentor
        ),
        webhook=_webhook(),
    )


def _webhook() -> Webhook:
    hook = Webhook.objects.create(
        url="https://crm.example.org/hook", events=["mentorship.started"], secret="whsec_victim"
    )
    WebhookDelivery.objects.create(webhook=hook, event="mentorship.started", last_status_code=500)
    return hook


def fingerprint() -> dict[str, str]:
    """Per table: rows, highest id, each date column's latest value and each nullable column's
    null count; in one query, since it runs after every request."""
    with connection.cursor() as cursor:
        cursor.execute(_fingerprint_sql())
        return dict(cursor.fetchall())


@functools.cache
def _fingerprint_sql() -> str:
    qn = connection.ops.quote_name
    selects = []
    for model in apps.get_models():
        if model in NOT_STATE or model._meta.proxy:
            continue
        parts = ["COUNT(*)", f"MAX(CAST({qn(model._meta.pk.column)} AS TEXT))"]
        for f in model._meta.concrete_fields:
            if isinstance(f, models.DateTimeField | models.DateField):
                parts.append(f"MAX({qn(f.column)})")
            if f.null:
                parts.append(f"SUM(CASE WHEN {qn(f.column)} IS NULL THEN 1 ELSE 0 END)")
        text = " || ',' || ".join(f"COALESCE(CAST({p} AS TEXT), '')" for p in parts)
        selects.append(f"SELECT '{model._meta.label}', {text} FROM {qn(model._meta.db_table)}")  # noqa: S608 (names from the models)
    return " UNION ALL ".join(selects)


def changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {label for label in before if before[label] != after[label]}


def fill(pattern: Pattern, expect: Expect, world: World) -> str:
    given = expect.ids(world)
    kwargs = {}
    for name in pattern.kwargs:
        if name in given:
            kwargs[name] = given[name]
        elif pattern.name.startswith("admin:") and name in ADMIN_ARGS:
            kwargs[name] = ADMIN_ARGS[name]
        else:
            raise AssertionError(
                f"{pattern.name}: say in url_expectations.py how to fill argument {name!r}"
            )
    if pattern.name.startswith(ROUTE):
        return "/" + pattern.regex
    return reverse(pattern.name, kwargs=kwargs)


def may(actor: str, allowed: frozenset[str], path: str) -> bool:
    if actor == "coordinator_no_totp" and not path.startswith(OPEN_WITHOUT_TOTP):
        return False
    return actor in allowed or (actor == "coordinator_no_totp" and "coordinator" in allowed)


def test_every_url_has_an_expectation() -> None:
    missing = sorted({p.name for p in url_patterns() if expectation(p.name) is None})
    assert not missing, (
        f"URLs with no entry in tests/core/url_expectations.py: {missing} "
        "(say who may GET and POST them; see docs/architecture.md)"
    )
    unused = sorted(
        key
        for key in EXPECTATIONS
        if not any(p.name == key or fnmatch.fnmatchcase(p.name, key) for p in url_patterns())
    )
    assert not unused, f"Entries for URLs that no longer exist: {unused}"


@pytest.fixture
def coordinator_no_totp(db: None) -> Member:
    from django.contrib.auth.models import Group

    from mentorbridge.accounts.roles import sync_coordinator_group
    from mentorbridge.core.permissions import COORDINATORS_GROUP

    member = MemberFactory(full_name="Nora NoTotp", stage=None, user__email="nora@example.org")
    sync_coordinator_group()
    member.user.is_staff = True
    member.user.save()
    member.user.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    return member


@pytest.mark.parametrize("actor", ACTORS)
def test_each_url_for_each_actor_refuses_or_serves_without_leaking(
    actor: str,
    student: Member,
    resident: Member,
    surgeon: Member,
    outsider: Member,
    coordinator: Member,
    coordinator_no_totp: Member,
) -> None:
    members = {
        "student": student,
        "resident": resident,
        "surgeon": surgeon,
        "outsider": outsider,
        "coordinator": coordinator,
        "coordinator_no_totp": coordinator_no_totp,
    }
    world = build_world(coordinator, members)
    failures: list[str] = []
    cases = 0
    client = Client() if actor == "anonymous" else client_for(members[actor])
    user_id = None if actor == "anonymous" else str(members[actor].user.pk)
    before = fingerprint()
    for pattern in url_patterns():
        expect = expectation(pattern.name)
        assert expect is not None, f"{pattern.name} has no expectation (see the test above)"
        if pattern.name.startswith("admin:") and actor in SAME_AS_OUTSIDER_IN_ADMIN:
            continue
        path = fill(pattern, expect, world)
        for method in ("GET", "POST"):
            if user_id and client.session.get("_auth_user_id") != user_id:
                # Some URLs (log out) end the session they are called in: log in again.
                client = client_for(members[actor])
                before = fingerprint()
            allowed = may(actor, expect.get if method == "GET" else expect.post, path)
            response = client.get(path) if method == "GET" else client.post(path, {})
            after = fingerprint()
            writes = changed(before, after)
            before = after
            cases += 1
            where = f"{actor} {method} {path} ({pattern.name}) -> {response.status_code}"
            if response.status_code >= 500:
                failures.append(f"{where}: server error")
                continue
            if method == "GET" and writes - expect.get_writes:
                failures.append(f"{where}: a GET changed {sorted(writes)}")
            if not allowed:
                if response.status_code not in REFUSED:
                    failures.append(f"{where}: expected a refusal")
                elif response.status_code == 302 and not _to_login(response["Location"]):
                    failures.append(f"{where}: redirected to {response['Location']}")
                if writes:
                    failures.append(f"{where}: a refused request changed {sorted(writes)}")
            body = b"".join(response) if response.streaming else response.content  # type: ignore[attr-defined]
            may_read = allowed and actor == "coordinator"
            for secret in SECRETS:
                if secret.encode() in body and not may_read:
                    failures.append(f"{where}: shows {secret!r}")
    assert cases > 100
    assert not failures, "\n".join(failures)


def _to_login(location: str) -> bool:
    return bool(
        re.search(r"/accounts/(login|2fa/totp/activate|reauthenticate)|/admin/login", location)
    )


@pytest.mark.parametrize("debug", [False, True])
def test_every_url_refuses_an_oversized_body_and_too_many_fields_changing_nothing(
    debug: bool,
    settings: Any,
    student: Member,
    resident: Member,
    surgeon: Member,
    outsider: Member,
    coordinator: Member,
    coordinator_no_totp: Member,
) -> None:
    # Issue 15: a 50 MB part was spooled whatever its type, and 1,001 query fields made a 500 with
    # DEBUG on. Both are refused before any view, on every URL the project has.
    from django.urls import Resolver404, resolve

    settings.DEBUG = debug
    members = {
        "student": student,
        "resident": resident,
        "surgeon": surgeon,
        "outsider": outsider,
        "coordinator": coordinator,
        "coordinator_no_totp": coordinator_no_totp,
    }
    world = build_world(coordinator, members)
    client = client_for(student)
    too_many = "&".join(f"f{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    before = fingerprint()
    failures: list[str] = []
    for pattern in url_patterns():
        expect = expectation(pattern.name)
        assert expect is not None
        path = fill(pattern, expect, world)
        try:
            limit = max(
                settings.REQUEST_BODY_MAX_BYTES,
                int(getattr(resolve(path).func, "upload_max_bytes", 0)),
            )
        except Resolver404:
            limit = settings.REQUEST_BODY_MAX_BYTES
        big = client.post(path, "x", content_type="text/plain", CONTENT_LENGTH=str(limit + 1))
        if big.status_code != 413:
            failures.append(
                f"POST {path} ({pattern.name}) with {limit + 1} bytes -> {big.status_code}"
            )
        crowded = client.get(f"{path}?{too_many}")
        if crowded.status_code != 400:
            failures.append(
                f"GET {path} ({pattern.name}) with too many fields -> {crowded.status_code}"
            )
    assert not changed(before, fingerprint())
    assert not failures, "\n".join(failures)
