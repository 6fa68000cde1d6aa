"""core.forms: a form's field by its real class, checked at run time (issue 13: the typed way to
narrow a field's choices or queryset, instead of `# type: ignore[attr-defined]`)."""

from __future__ import annotations

import pytest
from django import forms

from mentorbridge.core.forms import choice_field, model_choice_field
from mentorbridge.members.models import Language, Topic


class _Form(forms.Form):
    name = forms.CharField()
    size = forms.ChoiceField(choices=[("s", "Small")])
    topic = forms.ModelChoiceField(queryset=Topic.objects.none())
    topics = forms.ModelMultipleChoiceField(queryset=Topic.objects.none())


def test_the_field_itself_comes_back_so_narrowing_it_changes_the_form() -> None:
    form = _Form()
    choice_field(form, "size").choices = [("l", "Large")]
    model_choice_field(form, "topics", Topic).queryset = Topic.objects.filter(slug="x")
    assert list(form.fields["size"].choices) == [("l", "Large")]
    assert "slug" in str(form.fields["topics"].queryset.query)
    assert model_choice_field(form, "topic", Topic) is form.fields["topic"]


def test_a_field_of_another_class_is_refused() -> None:
    form = _Form()
    with pytest.raises(TypeError, match=r"_Form\.name is a CharField, not a choice"):
        choice_field(form, "name")
    with pytest.raises(TypeError, match="not a model choice"):
        model_choice_field(form, "size", Topic)


def test_a_model_choice_of_another_model_is_refused() -> None:
    with pytest.raises(TypeError, match=r"_Form\.topic chooses Topic"):
        model_choice_field(_Form(), "topic", Language)
