"""core.refusals.refusal_shown: a service's refusal becomes a message (or a form error); nothing else
is swallowed."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.http import HttpRequest
from django.test import RequestFactory

from mentorbridge.core.refusals import Refusal, refusal_shown


class NameForm(forms.Form):
    name = forms.CharField()


def _request() -> HttpRequest:
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    return request


def test_it_turns_a_refusal_into_an_error_message_and_skips_the_rest() -> None:
    request = _request()
    reached = False
    with refusal_shown(request) as outcome:
        raise Refusal("This mentor has no seat left.")
        reached = True  # type: ignore[unreachable]
    assert not reached
    assert isinstance(outcome.refused, Refusal)
    assert [(m.level_tag, str(m)) for m in get_messages(request)] == [
        ("error", "This mentor has no seat left.")
    ]


def test_it_leaves_a_block_that_ran_through_alone() -> None:
    request = _request()
    with refusal_shown(request) as outcome:
        pass
    assert outcome.refused is None
    assert list(get_messages(request)) == []


def test_it_puts_the_refusal_on_the_form_when_given_one() -> None:
    request = _request()
    form = NameForm({"name": "x"})
    assert form.is_valid()
    with refusal_shown(request, form=form):
        raise Refusal("Choose another name.")
    with refusal_shown(request, form=form, field="name"):
        raise Refusal("That name is taken.")
    assert form.non_field_errors() == ["Choose another name."]
    assert form.errors["name"] == ["That name is taken."]
    assert list(get_messages(request)) == []


def test_it_lets_other_errors_through() -> None:
    with pytest.raises(ZeroDivisionError), refusal_shown(_request()):
        _ = 1 / 0
