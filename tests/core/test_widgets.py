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


def test_blank_fields_render_like_the_loop_and_only_alike_forms_share_html() -> None:
    from django.template import engines

    from mentorbridge.core.templatetags.blank_forms import blank_fields

    loop = engines["django"].from_string(
        '{% for field in form %}{% include "_field.html" %}{% endfor %}'
    )

    class Form(forms.Form):
        when = forms.DateTimeField(help_text="In your time zone: UTC.")
        kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], initial="b")
        topics = forms.MultipleChoiceField(
            choices=[(1, "One")], widget=widgets.CheckboxSelectMultiple, required=False
        )

    first = Form()
    assert blank_fields(first) == loop.render({"form": first})
    assert blank_fields(Form()) == blank_fields(first)
    other_zone = Form()
    other_zone.fields["when"].help_text = "In your time zone: Europe/Paris."
    assert "Europe/Paris" in blank_fields(other_zone)
    renamed = Form()
    renamed.fields["topics"].choices = [(1, "One, renamed")]  # type: ignore[attr-defined]
    assert "One, renamed" in blank_fields(renamed)
    bound = Form({"kind": "zzz"})  # data and errors: never shared
    assert blank_fields(bound) == loop.render({"form": bound})
    assert "errorlist" in blank_fields(bound)
