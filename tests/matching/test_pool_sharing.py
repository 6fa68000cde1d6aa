"""The mentor pool is built once per version and shared by every app process through Django's
cache; each process keeps its own copy, so a page reads neither the cache nor the mentors again."""

from __future__ import annotations

import pickle
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mentorbridge.matching import pool
from mentorbridge.members.models import Institution, Interest
from mentorbridge.programs.models import Cycle, Enrollment

from ..conftest import client_for, stage
from ..factories import MemberFactory, enroll


def mentor(cycle: Cycle, name: str, **kwargs: object) -> Enrollment:
    member = MemberFactory(full_name=name, stage=stage("fellow"), **kwargs)
    member.interests.set([Interest.objects.get(slug="congenital")])
    return enroll(member, cycle, "mentor", capacity=2)


def shared_entry(key: str) -> pool.Pool:
    return pickle.loads(cache.get(key))  # type: ignore[no-any-return]  # noqa: S301 - our cache


def mentor_reads(captured: CaptureQueriesContext) -> list[str]:
    """The queries that load mentors' rows (what building a pool does)."""
    return [q["sql"] for q in captured.captured_queries if "members_member_languages" in q["sql"]]


def test_another_process_reads_the_shared_pool_instead_of_building_it(
    mentee: Enrollment, cycle: Cycle
) -> None:
    mentor(cycle, "Ann Able")
    with CaptureQueriesContext(connection) as first:
        built = pool.pool_for(cycle)
    assert mentor_reads(first)
    assert built.people.names == ["Ann Able"]
    assert shared_entry(built.key).people.names == ["Ann Able"]

    pool.clear_cache()  # what a fresh process starts with: the shared cache still has the entry
    with CaptureQueriesContext(connection) as other:
        shared = pool.pool_for(cycle)
    assert not mentor_reads(other)
    assert shared.people.names == ["Ann Able"] and shared.version == built.version
    with CaptureQueriesContext(connection) as again:
        assert pool.pool_for(cycle) is shared  # then this process's own copy
    assert len(again) == 1  # the version only


def test_a_change_makes_every_process_build_the_new_version_once(
    mentee: Enrollment, cycle: Cycle
) -> None:
    mentor(cycle, "Ann Able")
    before = pool.pool_for(cycle)
    mentor(cycle, "Ben Bold")
    after = pool.pool_for(cycle)
    assert after.version > before.version
    assert sorted(after.people.names) == ["Ann Able", "Ben Bold"]
    pool.clear_cache()
    with CaptureQueriesContext(connection) as other:
        assert sorted(pool.pool_for(cycle).people.names) == ["Ann Able", "Ben Bold"]
    assert not mentor_reads(other)


def test_an_unreadable_shared_entry_is_rebuilt(mentee: Enrollment, cycle: Cycle) -> None:
    mentor(cycle, "Ann Able")
    key = pool.pool_for(cycle).key
    cache.set(key, b"not a pickle")
    pool.clear_cache()
    assert pool.pool_for(cycle).people.names == ["Ann Able"]
    assert shared_entry(key).people.names == ["Ann Able"]


def test_a_process_waits_for_the_one_building_the_pool(
    mentee: Enrollment, cycle: Cycle, monkeypatch: pytest.MonkeyPatch
) -> None:
    mentor(cycle, "Ann Able")
    version = Cycle.objects.get(pk=cycle.pk).pool_version
    ready = pool.build(cycle, version)
    cache.add(f"{ready.key}:building", 1)  # another process is building it
    polls = []

    def sleep(seconds: float) -> None:
        polls.append(seconds)
        if len(polls) == 3:  # ... and stores it while this one waits
            cache.set(ready.key, pickle.dumps(ready))

    monkeypatch.setattr(pool.time, "sleep", sleep)
    with CaptureQueriesContext(connection) as waiting:
        assert pool.pool_for(cycle).people.names == ["Ann Able"]
    assert len(polls) == 3
    assert not mentor_reads(waiting)


def test_a_renamed_interest_shows_renamed(mentee: Enrollment, cycle: Cycle) -> None:
    mentor(cycle, "Ann Able")
    url = f"/matching/enrollments/{mentee.pk}/find/"
    client = client_for(mentee.member)
    assert "Congenital" in client.get(url).content.decode()
    congenital = Interest.objects.get(slug="congenital")
    congenital.name = "Congenital heart disease"
    congenital.save()
    body = client.get(url).content.decode()
    assert '<li class="tag">Congenital heart disease</li>' in body
    assert ">Congenital heart disease</option>" in body  # the filter's options too


def test_the_filter_options_follow_the_pool(mentee: Enrollment, cycle: Cycle) -> None:
    url = f"/matching/enrollments/{mentee.pk}/find/"
    client = client_for(mentee.member)
    mentor(cycle, "Ann Able")
    assert "Mayo Clinic" not in client.get(url).content.decode()
    mayo = Institution.objects.create(name="Mayo Clinic", city="Rochester", region="MN")
    mentor(cycle, "Ben Bold", institution=mayo)
    assert ">Mayo Clinic</option>" in client.get(url).content.decode()


def test_find_a_mentor_makes_a_bounded_number_of_queries(
    mentee: Enrollment, cycle: Cycle, django_assert_max_num_queries: object
) -> None:
    for k in range(25):
        mentor(cycle, f"Mentor {k}")
    url = f"/matching/enrollments/{mentee.pk}/find/"
    client = client_for(mentee.member)
    client.get(url)  # the pool is built on the first visit
    # Session, user, member, enrollment, the mentee's table (2), seats, blocks, the mentors shown,
    # requests sent, a mentor already, the ranking, unread notifications (29 before).
    with django_assert_max_num_queries(14):  # type: ignore[operator]
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(14):  # type: ignore[operator]
        assert client.get(url, HTTP_HX_REQUEST="true").status_code == 200


def test_find_a_mentor_with_production_sessions_reads_no_session_row(
    mentee: Enrollment, cycle: Cycle, settings: Any, django_assert_max_num_queries: object
) -> None:
    settings.SESSION_ENGINE = "mentorbridge.accounts.sessions"  # as with Redis (settings.py)
    for k in range(3):
        mentor(cycle, f"Mentor {k}")
    url = f"/matching/enrollments/{mentee.pk}/find/"
    client = client_for(mentee.member)
    client.get(url)
    with django_assert_max_num_queries(13):  # type: ignore[operator]
        assert client.get(url).status_code == 200


def test_the_mentor_cards_reverse_no_link_each(
    mentee: Enrollment, cycle: Cycle, monkeypatch: pytest.MonkeyPatch
) -> None:
    """{% url %} costs tens of microseconds: the cards' links are formed from patterns reversed
    once per page (core.links), so more cards reverse no more links."""
    import django.urls

    calls: list[str] = []
    real = django.urls.reverse

    def counted(viewname: str, *args: Any, **kwargs: Any) -> str:
        calls.append(viewname)
        return real(viewname, *args, **kwargs)

    monkeypatch.setattr(django.urls, "reverse", counted)  # {% url %} imports it as it renders
    url = f"/matching/enrollments/{mentee.pk}/find/"
    client = client_for(mentee.member)
    reversed_for = []
    for shown in (1, 20):
        while Enrollment.objects.filter(cycle=cycle, role="mentor").count() < shown:
            mentor(cycle, f"Mentor {Enrollment.objects.count()}")
        client.get(url)
        calls.clear()
        page = client.get(url).content.decode()
        assert page.count("Ask to be my mentor</a>") == shown
        reversed_for.append(len(calls))
    assert reversed_for[0] == reversed_for[1]


def test_find_a_mentor_answers_when_the_shared_cache_is_down(
    mentee: Enrollment, cycle: Cycle, monkeypatch: pytest.MonkeyPatch
) -> None:
    mentor(cycle, "Ann Able")

    def down(*args: object, **kwargs: object) -> None:
        raise ConnectionError("the cache is down")

    client = client_for(mentee.member)  # logged in before (with Redis, login needs the cache)
    for name in ("get", "add", "set", "delete"):
        monkeypatch.setattr(pool.cache, name, down)
    response = client.get(f"/matching/enrollments/{mentee.pk}/find/")
    assert response.status_code == 200
    assert "Ann Able" in response.content.decode()


def test_a_card_part_rendered_once_still_shows_every_change(
    mentee: Enrollment, cycle: Cycle, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cards' parts the same for every viewer are rendered once per content (matching.cards):
    a change the pool's version does not follow (pronouns, places left) is a new part."""
    from mentorbridge.matching import cards

    ann = mentor(cycle, "Ann Able")
    url = f"/matching/enrollments/{mentee.pk}/find/"
    client = client_for(mentee.member)
    page = client.get(url).content.decode()
    assert "Ann Able</a></h2>" in page and "2 places left" in page
    rendered: list[str] = []
    real = cards.render_to_string

    def counted(template: str, context: dict[str, Any]) -> str:
        rendered.append(template)
        return real(template, context)

    monkeypatch.setattr(cards, "render_to_string", counted)
    assert _without_tokens(client.get(url).content.decode()) == _without_tokens(page)
    assert rendered == []  # the same card: nothing rendered again
    member = ann.member
    member.pronouns = "she/her"
    member.save()
    ann.capacity = 1
    ann.save()
    page = client.get(url).content.decode()
    assert 'Ann Able</a> <span class="small muted">(she/her)</span></h2>' in page
    assert "1 place left" in page
    assert rendered == ["matching/_card_head.html"]


def _without_tokens(page: str) -> str:
    import re

    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
    page = re.sub(r'"X-CSRFToken": "[^"]+"', "", page)
    return re.sub(r'nonce="[^"]+"', "", page)
