"""The dashboard page keeps a cycle's figures for a few minutes and says when they were computed;
downloads, the report and "Recompute now" are always current."""

from __future__ import annotations

import datetime as dt

import pytest
from pytest_django import DjangoAssertNumQueries

from mentorbridge.core import clock
from mentorbridge.dashboard.figures import CACHE_SECONDS
from mentorbridge.members.models import Member

from ..conftest import client_for
from ..factories import MemberFactory, enroll
from .fixtures import NOW, small_cycle

pytestmark = pytest.mark.django_db


def enrolled(response: object) -> object:
    return response.context["headline"]["enrolled"]  # type: ignore[attr-defined]


def test_the_page_shows_kept_figures_until_they_expire_and_says_when(
    coordinator: Member, django_assert_max_num_queries: type[DjangoAssertNumQueries]
) -> None:
    small = small_cycle()
    client = client_for(coordinator)
    url = f"/dashboard/cycles/{small.cycle.pk}/"
    with clock.frozen(NOW):
        first = client.get(url)
    assert enrolled(first) == 6
    assert "Figures as of 1 Mar 2026, 12:00 UTC" in first.content.decode()

    enroll(MemberFactory(), small.cycle, "mentee")
    almost = NOW + dt.timedelta(seconds=CACHE_SECONDS - 1)
    with clock.frozen(almost), django_assert_max_num_queries(12):
        kept = client.get(url)  # the figures come from the cache: no aggregate queries
    assert enrolled(kept) == 6
    assert "Figures as of 1 Mar 2026, 12:00 UTC" in kept.content.decode()
    with clock.frozen(almost):
        table = client.get(f"/dashboard/cycles/{small.cycle.pk}/tables/enrollment.csv")
    assert "Mentees enrolled,7" in table.content.decode("utf-8-sig")  # downloads are current

    with clock.frozen(NOW + dt.timedelta(seconds=CACHE_SECONDS)):
        expired = client.get(url)
    assert enrolled(expired) == 7
    assert "Figures as of 1 Mar 2026, 12:05 UTC" in expired.content.decode()


def test_recompute_now_and_a_clock_moved_back_bypass_the_kept_figures(
    coordinator: Member,
) -> None:
    small = small_cycle()
    client = client_for(coordinator)
    url = f"/dashboard/cycles/{small.cycle.pk}/"
    with clock.frozen(NOW):
        client.get(url)
    enroll(MemberFactory(), small.cycle, "mentee")
    with clock.frozen(NOW + dt.timedelta(minutes=1)):
        assert enrolled(client.get(url)) == 6
        assert enrolled(client.get(url + "?fresh=1")) == 7
    enroll(MemberFactory(), small.cycle, "mentee")
    # Figures computed "in the future" (a clock corrected backwards) are not trusted.
    with clock.frozen(NOW):
        assert enrolled(client.get(url)) == 8


def test_figures_are_kept_per_cycle(coordinator: Member) -> None:
    small = small_cycle()
    small.cycle.name = "2024–25"
    small.cycle.save()
    other = small_cycle()
    client = client_for(coordinator)
    with clock.frozen(NOW):
        client.get(f"/dashboard/cycles/{small.cycle.pk}/")
        enroll(MemberFactory(), other.cycle, "mentee")
        assert enrolled(client.get(f"/dashboard/cycles/{other.cycle.pk}/")) == 7
