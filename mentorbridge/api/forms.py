"""The account page's form for a new personal access token."""

from __future__ import annotations

from django import forms

from .models import Scope


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What will use it, so you recognise it later (e.g. “society CRM sync”).",
    )
    scopes = forms.MultipleChoiceField(
        label="Scopes",
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Scope.READ],
    )
    days = forms.TypedChoiceField(
        label="Expires after",
        choices=[(30, "30 days"), (90, "90 days"), (180, "180 days"), (365, "1 year")],
        coerce=int,
        initial=90,
    )
