from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from .models import Outcome


class OutcomeForm(forms.ModelForm[Outcome]):
    class Meta:
        model = Outcome
        fields: ClassVar = [
            "match",
            "matched_program",
            "publications",
            "presentations",
            "away_rotations",
            "awards",
            "leadership_roles",
            "consent",
        ]
        widgets: ClassVar = {
            "awards": forms.Textarea(attrs={"rows": 2}),
            "leadership_roles": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, is_mentor: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not is_mentor:
            del self.fields["leadership_roles"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("matched_program") and not data.get("match"):
            self.add_error("match", "Say how you matched, or leave the program empty.")
        return data
