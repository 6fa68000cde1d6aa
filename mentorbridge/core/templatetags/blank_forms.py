"""`{% blank_fields form %}`: a form's fields through _field.html, as `{% for field in form %}
{% include "_field.html" %}{% endfor %}` renders them, kept per process for unbound forms.

A page like the workspace shows several empty forms whose widgets were a third of its time. An
unbound form's HTML is a function of its class and of what its fields and widgets hold (labels,
help texts, initial values, choices, attributes): all of that is the key, so two forms render
alike only when they would anyway (a time zone in a help text, a renamed topic: another key).
Bound forms, with their data and errors, are always rendered afresh.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from django import forms, template
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

KEPT = 512
_lock = threading.Lock()
_rendered: OrderedDict[tuple[Any, ...], SafeString] = OrderedDict()
# Where widgets hold their choices: part of the key as (value, label) text, not as objects.
_CHOICES = frozenset({"choices", "_choices"})


def _key(form: forms.BaseForm) -> tuple[Any, ...]:
    fields = []
    for name, field in form.fields.items():
        widget = field.widget
        choices = getattr(widget, "choices", None)
        fields.append(
            (
                name,
                type(field).__qualname__,
                type(widget).__module__,
                type(widget).__qualname__,
                str(field.label),
                str(field.help_text),
                field.required,
                field.disabled,
                field.localize,
                field.show_hidden_initial,
                repr(form.get_initial_for_field(field, name)),
                repr(sorted((k, repr(v)) for k, v in vars(widget).items() if k not in _CHOICES)),
                None if choices is None else repr([(str(v), str(label)) for v, label in choices]),
            )
        )
    return (
        type(form).__module__,
        type(form).__qualname__,
        form.auto_id,
        form.prefix,
        form.use_required_attribute,
        str(form.label_suffix),
        tuple(fields),
    )


def _render(form: forms.BaseForm) -> SafeString:
    page = get_template("_field.html")
    # Each part is the template engine's output, escaped as the include would have it.
    return mark_safe("".join(page.render({"field": field}) for field in form))


@register.simple_tag
def blank_fields(form: forms.BaseForm) -> SafeString:
    if form.is_bound:
        return _render(form)
    key = _key(form)
    with _lock:
        html = _rendered.get(key)
        if html is not None:
            _rendered.move_to_end(key)
            return html
    html = _render(form)
    with _lock:
        _rendered[key] = html
        while len(_rendered) > KEPT:
            _rendered.popitem(last=False)
    return html
