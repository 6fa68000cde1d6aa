"""Request and match-run forms."""

from __future__ import annotations

import math
from typing import Any

from django import forms

from .engine import factors


class RequestForm(forms.Form):
    message = forms.CharField(
        label="Your message",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": 2000}),
        help_text="A few sentences: who you are, why this mentor, and what you would like to talk about first.",
    )

    def clean_message(self) -> str:
        message: str = self.cleaned_data["message"].strip()
        if len(message) < 20:
            raise forms.ValidationError(
                "Write at least a couple of sentences (20 characters or more)."
            )
        return message


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Reason (optional, shared with the mentee)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
    )


SHOWN_PAGE = 20  # mentors per "Show more"
MAX_SHOWN = 200  # past this, the filters narrow the list faster than scrolling does


class FindForm(forms.Form):
    """Filters on the recommendations page; every field optional, wrong values ignored with a message."""

    q = forms.CharField(label="Search", required=False, max_length=100)
    interest = forms.IntegerField(required=False, min_value=1)
    topic = forms.IntegerField(required=False, min_value=1)
    institution = forms.IntegerField(required=False, min_value=1)
    region = forms.CharField(required=False, max_length=100)
    language = forms.IntegerField(required=False, min_value=1)
    stage = forms.IntegerField(required=False, min_value=1)
    # How many of the best mentors to show: "Show more" adds a page at a time, up to MAX_SHOWN.
    shown = forms.IntegerField(required=False, min_value=1, max_value=MAX_SHOWN)

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if k != "shown" and v not in (None, "")}

    def shown_count(self) -> int:
        """The number of mentors to show: a whole number of pages, at least one."""
        asked = (self.cleaned_data.get("shown") if self.is_valid() else None) or SHOWN_PAGE
        return math.ceil(asked / SHOWN_PAGE) * SHOWN_PAGE


class MatchRunForm(forms.Form):
    objective = forms.ChoiceField(
        label="What should the run optimise?",
        choices=[
            ("total", "Highest total compatibility — the best pairs overall"),
            ("coverage", "Most mentees matched — then the best pairs among those"),
            ("maximin", "Fairest — make the weakest pair as good as possible"),
            ("stable", "Stable matching — no mentee and mentor would both rather be together"),
        ],
        widget=forms.RadioSelect,
        initial="coverage",
    )
    seed = forms.IntegerField(
        label="Seed",
        min_value=0,
        max_value=2**31 - 1,
        initial=0,
        help_text="Tie-breaking; the same seed and inputs give the same result.",
    )
    fixed_pairs = forms.CharField(
        label="Pairs to keep fixed (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One pair per line: mentee email, mentor email.",
    )
    forbidden_pairs = forms.CharField(
        label="Pairs to forbid (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One pair per line: mentee email, mentor email.",
    )

    def __init__(self, *args: Any, weights: dict[str, float], cycle: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cycle = cycle
        self.weight_names = list(weights)
        for name, value in weights.items():
            factor = factors.BY_NAME.get(name)
            label = factor.label if factor else name.replace("_", " ").capitalize()
            help_text = factor.rewards if factor else ""
            self.fields[f"w_{name}"] = forms.FloatField(
                label=label,
                help_text=help_text,
                min_value=0,
                max_value=100,
                initial=value,
                widget=forms.NumberInput(attrs={"step": "0.5"}),
            )

    def _parse_pairs(self, field: str) -> list[tuple[int, int]]:
        from mentorbridge.programs.models import Enrollment

        pairs = []
        for number, line in enumerate(self.cleaned_data[field].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip().lower() for p in line.replace(";", ",").split(",")]
            if len(parts) != 2 or not all(parts):
                raise forms.ValidationError(f"Line {number}: write “mentee email, mentor email”.")
            mentee = Enrollment.objects.filter(
                cycle=self.cycle, role="mentee", member__user__email__iexact=parts[0]
            ).first()
            mentor = Enrollment.objects.filter(
                cycle=self.cycle, role="mentor", member__user__email__iexact=parts[1]
            ).first()
            if mentee is None:
                raise forms.ValidationError(
                    f"Line {number}: {parts[0]} is not enrolled as a mentee in this cycle."
                )
            if mentor is None:
                raise forms.ValidationError(
                    f"Line {number}: {parts[1]} is not enrolled as a mentor in this cycle."
                )
            pairs.append((mentee.pk, mentor.pk))
        return pairs

    def clean_fixed_pairs(self) -> list[tuple[int, int]]:
        return self._parse_pairs("fixed_pairs")

    def clean_forbidden_pairs(self) -> list[tuple[int, int]]:
        return self._parse_pairs("forbidden_pairs")

    def weights(self) -> dict[str, float]:
        return {name: float(self.cleaned_data[f"w_{name}"]) for name in self.weight_names}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.weight_names and all(data.get(f"w_{n}") == 0 for n in self.weight_names):
            raise forms.ValidationError("At least one weight must be above zero.")
        return data
