"""Links reversed once per page (core.links) are exactly what reverse() gives for each row."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse

from mentorbridge.core.links import url_former


@pytest.mark.parametrize("pk", [0, 1, 7, 42, 918273645, 10**12])
def test_a_formed_link_is_the_reversed_link(pk: int) -> None:
    assert url_former("members:detail")(pk) == reverse("members:detail", args=[pk])
    ask = url_former("matching:request_new", 2)
    assert ask(pk, 3) == reverse("matching:request_new", args=[pk, 3])
    assert ask(5, pk) == reverse("matching:request_new", args=[5, pk])


def test_what_is_not_an_id_goes_through_reverse() -> None:
    with pytest.raises(NoReverseMatch):
        url_former("members:detail")(-1)
    with pytest.raises(NoReverseMatch):
        url_former("members:detail")("../admin")
    assert url_former("matching:request_new", 2)(4, 9) == "/matching/enrollments/4/request/9/"


def test_the_link_tag_writes_what_the_url_tag_writes() -> None:
    from django.template import engines

    django_engine = engines["django"]
    names = ["home", "programs:index", "members:me", "account_logout", "admin:index"]
    for name in names:
        with_url = django_engine.from_string("{% url '" + name + "' %}").render({})
        with_link = django_engine.from_string(
            "{% load links %}{% link '" + name + "' %}{% link '" + name + "' %}"
        ).render({})
        assert with_link == with_url * 2


def test_the_link_tag_follows_the_script_prefix() -> None:
    from django.template import engines
    from django.urls import get_script_prefix, set_script_prefix

    render = engines["django"].from_string("{% load links %}{% link 'programs:index' %}").render
    before = get_script_prefix()
    try:
        set_script_prefix("/society/")
        assert render({}) == "/society/programs/"
    finally:
        set_script_prefix(before)
    assert render({}) == reverse("programs:index")
