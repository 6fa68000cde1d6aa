"""JSON in, the pages' own forms for validation: an endpoint fills the form a page would post, so
the API keeps every rule the forms enforce (and their messages) without a second copy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django import forms
from django.db import models

from .errors import ApiError, form_errors


def _as_data(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, models.QuerySet | list | tuple | set):
        return [_as_data(v) for v in value]
    return value


def current_data(form: forms.BaseForm) -> dict[str, Any]:
    """What the unbound form would post back unchanged (its initial values), keyed by field name."""
    data: dict[str, Any] = {}
    for bound in form:
        data[bound.html_name] = _as_data(bound.value())
    return data


def slugs_to_pks(
    model: type[models.Model], field: str, slugs: Iterable[str] | None
) -> list[str] | None:
    """Taxonomy slugs → primary keys for a form; an unknown slug is a 422 naming the field."""
    if slugs is None:
        return None
    wanted = list(dict.fromkeys(slugs))
    found = dict(
        model._default_manager.filter(slug__in=wanted, is_active=True).values_list("slug", "pk")
    )
    unknown = [s for s in wanted if s not in found]
    if unknown:
        raise ApiError(
            422,
            f"Unknown {field}: {', '.join(unknown[:5])}.",
            "invalid",
            errors={field: [f"Unknown value “{s}”." for s in unknown[:5]]},
        )
    return [str(found[s]) for s in wanted]


def slug_to_pk(model: type[models.Model], field: str, slug: str | None) -> str | None:
    if slug is None:
        return None
    if slug == "":
        return ""
    pks = slugs_to_pks(model, field, [slug])
    return pks[0] if pks else ""


def validated(form: forms.BaseForm) -> dict[str, Any]:
    if not form.is_valid():
        raise form_errors(form)
    return dict(form.cleaned_data)
