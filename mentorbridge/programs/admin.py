"""Coordinators edit program rules and cycles here; weights are validated against the score factors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin

from .models import DEFAULT_WEIGHTS, CalendarDate, Cycle, Enrollment, Program


class ProgramForm(forms.ModelForm[Program]):
    class Meta:
        model = Program
        fields = "__all__"  # noqa: DJ007 - coordinators edit every rule of a program

    def clean_weights(self) -> dict[str, float]:
        weights = self.cleaned_data.get("weights") or {}
        if not isinstance(weights, dict):
            raise forms.ValidationError(
                'Weights are an object such as {"interests": 3, "topics": 2}.'
            )
        clean: dict[str, float] = {}
        for name, value in weights.items():
            if name not in DEFAULT_WEIGHTS:
                raise forms.ValidationError(
                    f"Unknown factor “{name}”. Known: {', '.join(DEFAULT_WEIGHTS)}."
                )
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not 0 <= value <= 100
            ):
                raise forms.ValidationError(f"The weight of {name} must be a number from 0 to 100.")
            clean[name] = float(value)
        return clean


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin[Program]):
    form = ProgramForm
    list_display = ["name", "matching_mode", "default_mentor_capacity", "response_days"]
    filter_horizontal = ["mentee_stages", "mentor_stages"]
    prepopulated_fields = {"slug": ("name",)}


class CalendarInline(admin.TabularInline[CalendarDate, Cycle]):
    model = CalendarDate
    extra = 0


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin[Cycle]):
    inlines = [CalendarInline]
    list_display = [
        "name",
        "program",
        "status",
        "enrollment_opens",
        "enrollment_closes",
        "match_date",
        "term_end",
    ]
    list_filter = ["program", "status"]
    search_fields = ["name"]


class EnrollmentAdminForm(forms.ModelForm[Enrollment]):
    class Meta:
        model = Enrollment
        exclude = ["target_programs"]  # noqa: DJ006 - the mentee's own choice, not the admin's

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        capacity, role = data.get("capacity"), data.get("role", self.instance.role)
        if capacity is None or role != Enrollment.Role.MENTOR:
            return data
        if not 1 <= capacity <= 5:
            self.add_error("capacity", "A mentor takes between 1 and 5 mentees.")
        elif self.instance.pk:
            # The admin saves inside a transaction: locking the row keeps an accept that happens
            # meanwhile from taking a seat this capacity no longer has (the database would refuse).
            taken = (
                Enrollment.objects.select_for_update()
                .filter(pk=self.instance.pk)
                .values_list("mentee_count", flat=True)
                .first()
                or 0
            )
            if capacity < taken:
                self.add_error(
                    "capacity",
                    f"This mentor already has {taken} mentee{'s' if taken != 1 else ''}; "
                    "capacity cannot go below that. Close a mentorship first.",
                )
        return data


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin[Enrollment]):
    form = EnrollmentAdminForm
    list_display = ["member", "cycle", "role", "status", "capacity", "mentee_count"]
    list_filter = ["cycle__program", "cycle", "role", "status"]
    search_fields = ["member__full_name", "member__user__email"]
    list_select_related = ["member", "cycle__program"]
    raw_id_fields = ["member", "cycle"]
    filter_horizontal = ["topics"]
    readonly_fields = ["mentee_count"]
    exclude = ["target_programs"]

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        # Deleting an enrollment would orphan mentorships and seat counts; withdraw instead.
        return False
