"""core.widgets render exactly what Django's own widgets render."""

from __future__ import annotations

from django import forms

from mentorbridge.core import widgets


def test_the_checkbox_list_renders_like_djangos() -> None:
    choices = [(1, "Away rotations & sub-internships"), (2, "Interviews"), (3, "<b>Research</b>")]

    def form(widget: type[forms.Widget], **kwargs: object) -> forms.Form:
        class Form(forms.Form):
            topics = forms.MultipleChoiceField(choices=choices, widget=widget, required=False)

        return Form(**kwargs)  # type: ignore[arg-type]

    for kwargs in (
        {},
        {"initial": {"topics": [2, 3]}},
        {"auto_id": False},
        {"auto_id": "id_past_%s"},
        {"data": {"topics": ["1"]}},
    ):
        ours = form(widgets.CheckboxSelectMultiple, **kwargs)["topics"]
        django = form(forms.CheckboxSelectMultiple, **kwargs)["topics"]
        assert str(ours) == str(django)
        assert ours.widget_type == django.widget_type == "checkboxselectmultiple"
