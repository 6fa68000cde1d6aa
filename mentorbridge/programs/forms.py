"""Enrollment and cycle forms."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django import forms

from mentorbridge.core import clock
from mentorbridge.core.forms import model_choice_field
from mentorbridge.members.models import Institution, Language, Member, PrivateIdentity, Topic

from .models import Cycle, Enrollment


class MenteeEnrollmentForm(forms.ModelForm[Enrollment]):
    class Meta:
        model = Enrollment
        fields: ClassVar = [
            "goals",
            "topics",
            "target_programs",
            "institution_preference",
            "same_region",
            "language",
            "language_insisted",
            "same_gender",
            "shared_background",
        ]
        labels: ClassVar = {
            "goals": "Your goals for this cycle",
            "topics": "Topics you want guidance on",
            "target_programs": "Programs you are targeting (optional)",
            "institution_preference": "Mentor's institution",
            "same_region": "I would like a mentor in my region (for in-person and away-rotation advice)",
            "language": "A mentor who speaks (optional)",
        }
        help_texts: ClassVar = {
            "same_gender": "Uses the gender in your private answers; never shown to anyone. It "
            "counts when the Task Force matches the cycle; Find a mentor does not use it, so "
            "nobody can read a mentor's private answers from that list.",
            "shared_background": "Uses your private answers (under-represented in medicine, "
            "first generation, international graduate); never shown to anyone. Like gender, it "
            "counts in the Task Force's matching, not in Find a mentor.",
            "target_programs": "Tick as many as you like; type in the box to find a program.",
            "language_insisted": "Mentors who do not speak it are left out of your "
            "recommendations and of the coordinators' matching.",
        }
        widgets: ClassVar = {
            "goals": forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
            "topics": forms.CheckboxSelectMultiple,
            # Checkboxes work with a keyboard and without JavaScript; filter-list.js adds a
            # search box above them.
            "target_programs": forms.CheckboxSelectMultiple(attrs={"data-filter-list": "1"}),
        }

    def __init__(self, *args: Any, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.member = member
        self.fields["goals"].required = True
        self.fields["topics"].required = True
        model_choice_field(self, "topics", Topic).queryset = Topic.objects.active()
        model_choice_field(
            self, "target_programs", Institution
        ).queryset = Institution.objects.filter(is_approved=True, has_ct_program=True)
        model_choice_field(self, "language", Language).queryset = Language.objects.active()
        if not self.instance.pk:
            self.initial.setdefault("goals", member.goals)
            self.initial.setdefault("topics", list(member.topics_wanted.all()))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("language_insisted") and not data.get("language"):
            self.add_error("language_insisted", "Choose the language first.")
        identity = PrivateIdentity.objects.filter(member=self.member, consent=True).first()
        if data.get("same_gender") and not (identity and identity.gender):
            self.add_error(
                "same_gender",
                "Add your gender to your private answers (My profile → Edit) to use this preference.",
            )
        if data.get("shared_background") and not (
            identity
            and (
                identity.underrepresented_in_medicine
                or identity.first_generation
                or identity.international_graduate
            )
        ):
            self.add_error(
                "shared_background",
                "Add your background to your private answers (My profile → Edit) to use this preference.",
            )
        return data


class MentorEnrollmentForm(forms.ModelForm[Enrollment]):
    capacity = forms.TypedChoiceField(
        label="How many mentees can you take this cycle?",
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
    )

    class Meta:
        model = Enrollment
        fields: ClassVar = ["capacity", "topics", "hours_per_month"]
        labels: ClassVar = {
            "topics": "Topics you can offer",
            "hours_per_month": "Hours a month you can give (about)",
        }
        widgets: ClassVar = {"topics": forms.CheckboxSelectMultiple}

    def __init__(
        self, *args: Any, member: Member, default_capacity: int = 2, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topics"].required = True
        model_choice_field(self, "topics", Topic).queryset = Topic.objects.active()
        self.fields["hours_per_month"].required = True
        if not self.instance.pk:
            self.initial.setdefault("capacity", default_capacity)
            self.initial.setdefault("hours_per_month", 2)
            self.initial.setdefault("topics", list(member.topics_offered.all()))

    def clean_hours_per_month(self) -> int:
        hours = self.cleaned_data["hours_per_month"]
        if hours < 1:
            raise forms.ValidationError(
                "Plan at least an hour a month; that is plenty for most pairs."
            )
        return int(hours)


class CycleForm(forms.ModelForm[Cycle]):
    class Meta:
        model = Cycle
        fields: ClassVar = [
            "program",
            "name",
            "enrollment_opens",
            "enrollment_closes",
            "match_date",
            "term_end",
        ]
        widgets: ClassVar = {
            "enrollment_opens": forms.DateInput(attrs={"type": "date"}),
            "enrollment_closes": forms.DateInput(attrs={"type": "date"}),
            "match_date": forms.DateInput(attrs={"type": "date"}),
            "term_end": forms.DateInput(attrs={"type": "date"}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("enrollment_opens"), data.get("enrollment_closes")
        match, end = data.get("match_date"), data.get("term_end")
        if opens and closes and closes < opens:
            self.add_error("enrollment_closes", "Enrollment must close after it opens.")
        if opens and match and match < opens:
            self.add_error("match_date", "The match date cannot come before enrollment opens.")
        if match and end and end <= match:
            self.add_error("term_end", "The term must end after the match date.")
        # Dates far from today are typing mistakes (and year 9999 overflows date arithmetic later).
        earliest, latest = (
            dt.date(clock.today().year - 5, 1, 1),
            dt.date(clock.today().year + 10, 12, 31),
        )
        for name in ("enrollment_opens", "enrollment_closes", "match_date", "term_end"):
            value = data.get(name)
            if value and not earliest <= value <= latest:
                self.add_error(name, f"Enter a date between {earliest.year} and {latest.year}.")
        return data
