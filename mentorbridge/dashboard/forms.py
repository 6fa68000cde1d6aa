"""Forms of the Task Force's side: the roster file, its column mapping, an invitation's password."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation

from .roster import FIELDS, MAX_BYTES


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label="Member list (CSV or XLSX)",
        help_text=(
            "Columns: name, email, membership category, training stage, institution, and "
            f"optionally the society's member id. Up to {MAX_BYTES // 1_048_576} MB."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1_048_576:.0f} MB; the limit is "
                f"{MAX_BYTES // 1_048_576} MB. Split it into smaller files."
            )
        return upload


class MappingForm(forms.Form):
    """Which column of the file holds each roster field (guessed from the headers)."""

    def __init__(self, *args: Any, headers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "— not in the file —")] + [
            (str(i), header or f"Column {i + 1}") for i, header in enumerate(headers)
        ]
        for name, label, required in FIELDS:
            self.fields[name] = forms.TypedChoiceField(
                label=label,
                choices=choices,
                required=required,
                coerce=int,
                empty_value=None,
            )

    def mapping(self) -> dict[str, int | None]:
        chosen = {name: self.cleaned_data.get(name) for name, _, _ in FIELDS}
        return chosen

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        used = [v for v in data.values() if v is not None]
        if len(used) != len(set(used)):
            raise forms.ValidationError("Each column can hold only one field.")
        return data


class SetPasswordForm(forms.Form):
    password1 = forms.CharField(label="New password", widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(
        label="New password (again)", widget=forms.PasswordInput, strip=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        one, two = data.get("password1"), data.get("password2")
        if one and two and one != two:
            raise forms.ValidationError("The two passwords differ.")
        if one:
            password_validation.validate_password(one, self.user)
        return data
