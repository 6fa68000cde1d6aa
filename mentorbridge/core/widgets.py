"""Form widgets that render like Django's own, for less."""

from __future__ import annotations

from django import forms


class CheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Django's checkbox list, each option rendered by one template (core/widgets/) instead of
    four nested includes: the same HTML (tests/core/test_widgets.py compares them) in less time,
    which counts where a page shows a checkbox per topic in several forms. The class keeps
    Django's name: templates tell widgets apart by it (`field.widget_type`)."""

    option_template_name = "core/widgets/checkbox_option.html"
