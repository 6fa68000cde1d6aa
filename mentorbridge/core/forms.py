"""A form's fields by their real class. `form.fields[name]` is a plain `Field` to mypy, so a view
or form that narrows a choice field's `choices` or a model choice field's `queryset` gets the field
through these: checked at run time, typed for mypy (no ignore comment needed)."""

from __future__ import annotations

from typing import TypeVar

from django import forms
from django.db.models import Model

_M = TypeVar("_M", bound=Model)


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{type(form).__name__}.{name} is a {type(field).__name__}, not a choice")
    return field


def model_choice_field(
    form: forms.BaseForm, name: str, model: type[_M]
) -> forms.ModelChoiceField[_M]:
    """The model choice field (single or multiple) `name`, choosing among `model` rows."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(
            f"{type(form).__name__}.{name} is a {type(field).__name__}, not a model choice"
        )
    if field.queryset is not None and not issubclass(field.queryset.model, model):
        raise TypeError(f"{type(form).__name__}.{name} chooses {field.queryset.model.__name__}")
    return field
