"""Workspace forms: every field checked, with messages a member can act on."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any, ClassVar

from django import forms
from django.core.validators import URLValidator
from django.utils import timezone

from mentorbridge.core import clock, widgets
from mentorbridge.core.forms import choice_field
from mentorbridge.members.models import Member, Topic

from .models import Agreement, CheckIn, Goal, Meeting, Resource


class AgreementForm(forms.ModelForm[Agreement]):
    class Meta:
        model = Agreement
        fields: ClassVar = ["goals", "meeting_frequency", "communication", "confidentiality"]
        widgets: ClassVar = {
            "goals": forms.Textarea(attrs={"rows": 3}),
            "confidentiality": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts: ClassVar = {
            "meeting_frequency": "For example: a 45-minute video call every month.",
            "communication": "For example: messages here, a reply within three days.",
        }


class MeetingForm(forms.Form):
    """A proposed time, entered in the proposer's own time zone."""

    starts_at = forms.DateTimeField(
        label="Date and time",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    duration_minutes = forms.IntegerField(
        label="Length (minutes)", min_value=10, max_value=240, initial=45
    )
    format = forms.ChoiceField(choices=Meeting.Format.choices)
    location = forms.CharField(label="Link or place (optional)", max_length=300, required=False)

    def __init__(self, *args: Any, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.member = member
        self.fields[
            "starts_at"
        ].help_text = f"In your time zone: {member.time_zone.replace('_', ' ')}."

    def clean_starts_at(self) -> dt.datetime:
        aware = _in_member_zone(self.cleaned_data["starts_at"], self.member)
        if aware <= clock.now():
            raise forms.ValidationError(
                "Pick a time in the future, or log a meeting that already took place instead."
            )
        if aware > clock.now() + dt.timedelta(days=400):
            raise forms.ValidationError("Pick a time within the next year.")
        return aware


def _in_member_zone(value: dt.datetime, member: Member) -> dt.datetime:
    """The wall-clock time a member typed, placed in the member's own time zone."""
    try:
        zone = zoneinfo.ZoneInfo(member.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise forms.ValidationError(
            "Your profile's time zone is not valid; fix it in your profile first."
        ) from None
    # The browser sends a wall-clock time, which Django already made aware in the server's
    # zone; take the wall-clock reading back and place it in the member's own zone.
    wall = timezone.make_naive(value) if timezone.is_aware(value) else value
    # Compare calendar dates before any time-zone arithmetic: a time in year 9999 or year 1
    # overflows when shifted to or from UTC (an OverflowError, a 500, before this check).
    # (The bound is wide: the forms' own messages cover ordinary mistakes.)
    if abs(wall.year - clock.today().year) > 100:
        raise forms.ValidationError("Pick a date within a few years of today.")
    if not _exists(wall, zone):
        raise forms.ValidationError(
            "That time does not exist on that day (the clocks change). Pick another."
        )
    return wall.replace(tzinfo=zone)


class PastMeetingForm(forms.Form):
    """A meeting that already took place without being proposed here first (a call, a corridor)."""

    starts_at = forms.DateTimeField(
        label="When did you meet?",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    minutes = forms.IntegerField(
        label="Length of the meeting (minutes)", min_value=5, max_value=480
    )
    format = forms.ChoiceField(choices=Meeting.Format.choices)
    topics = forms.ModelMultipleChoiceField(
        label="Topics you talked about",
        queryset=Topic.objects.filter(is_active=True),
        required=False,
        widget=widgets.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label="Notes on the meeting (optional)",
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.member = member
        self.fields[
            "starts_at"
        ].help_text = f"In your time zone: {member.time_zone.replace('_', ' ')}."
        # Distinct ids: the workspace shows this form beside the proposal and log forms.
        self.auto_id = "id_past_%s"

    def clean_starts_at(self) -> dt.datetime:
        aware = _in_member_zone(self.cleaned_data["starts_at"], self.member)
        if aware > clock.now():
            raise forms.ValidationError("That time is still to come: propose the meeting instead.")
        return aware


def _exists(wall: dt.datetime, zone: zoneinfo.ZoneInfo) -> bool:
    """False for a wall-clock time skipped by a daylight-saving change (e.g. 02:30 in spring)."""
    there = wall.replace(tzinfo=zone)
    return there.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) == wall


class MeetingLogForm(forms.Form):
    held = forms.TypedChoiceField(
        label="Did the meeting take place?",
        choices=[("yes", "Yes, we met"), ("no", "No, it was missed")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    minutes = forms.IntegerField(
        label="How long (minutes)", min_value=5, max_value=480, required=False
    )
    topics = forms.ModelMultipleChoiceField(
        label="Topics covered",
        queryset=Topic.objects.filter(is_active=True),
        required=False,
        widget=widgets.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label="Notes (optional)",
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("held") and not data.get("minutes"):
            self.add_error("minutes", "Say how long the meeting lasted.")
        return data


def share_topic_choices(*page_forms: forms.Form) -> None:
    """Read the active topics once for all of a page's forms: each rendering of a topics field
    would query them again (the workspace shows the log form once per meeting to log)."""
    field = page_forms[0].fields["topics"]
    assert isinstance(field, forms.ModelMultipleChoiceField) and field.queryset is not None
    # As the field's own iteration makes them, in one plain query (iterating the field counts the
    # rows first, then reads them through a server-side cursor: four round trips).
    options = field.iterator(field)
    choices = [options.choice(topic) for topic in field.queryset]
    for form in page_forms:
        choice_field(form, "topics").choices = choices


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Message",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 5000}),
        help_text="Plain text; links and line breaks are kept.",
    )


class GoalForm(forms.ModelForm[Goal]):
    milestones = forms.CharField(
        label="Milestones (optional, one per line)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = Goal
        fields: ClassVar = ["title", "description", "due_date"]
        widgets: ClassVar = {
            "due_date": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 2}),
        }

    def clean_milestones(self) -> list[str]:
        lines = [
            line.strip()[:200]
            for line in self.cleaned_data["milestones"].splitlines()
            if line.strip()
        ]
        if len(lines) > 20:
            raise forms.ValidationError("Twenty milestones at most; split the goal instead.")
        return lines


class CloseForm(forms.Form):
    reason = forms.CharField(
        label="Why are you closing it? (only the coordinators read this)",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    rematch = forms.BooleanField(
        label="Match me with another mentor in this program", required=False
    )

    def __init__(self, *args: Any, is_mentee: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not is_mentee:
            del self.fields["rematch"]  # only a mentee asks for a new mentor


class ReportForm(forms.Form):
    text = forms.CharField(
        label="What happened?", max_length=3000, widget=forms.Textarea(attrs={"rows": 4})
    )
    block = forms.BooleanField(
        label="Block this person: never match or connect us again", required=False
    )


class CheckInForm(forms.ModelForm[CheckIn]):
    rating = forms.TypedChoiceField(
        label="How is the mentorship going? (1 poor – 5 excellent)",
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    met = forms.TypedChoiceField(
        label="Have you met since the last check-in?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )

    class Meta:
        model = CheckIn
        fields: ClassVar = ["rating", "met", "comments", "recommend"]
        widgets: ClassVar = {"comments": forms.Textarea(attrs={"rows": 3})}
        labels: ClassVar = {"comments": "Anything you want the Task Force to know? (optional)"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        final = self.instance.kind == CheckIn.Kind.FINAL
        self.fields["recommend"].required = final
        self.fields[
            "recommend"
        ].label = "How likely are you to recommend the program to a colleague? (0–10)"
        if not final:
            del self.fields["recommend"]
        # The program's own questions, after the standard ones; answers are optional words.
        self.questions = self.instance.mentorship.program.questions(final=final)
        for n, question in enumerate(self.questions):
            self.fields[f"question_{n}"] = forms.CharField(
                label=question,
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2, "maxlength": 2000}),
            )

    def answers(self) -> dict[str, Any]:
        """The valid form's answers as `services.check_in_answer` stores them: the standard
        fields, and the program's own questions keyed by their wording."""
        standard = ("rating", "met", "comments", "recommend")
        data = {name: self.cleaned_data[name] for name in standard if name in self.fields}
        data["answers"] = {
            question: self.cleaned_data.get(f"question_{n}", "")
            for n, question in enumerate(self.questions)
        }
        return data


class RiskNoteForm(forms.Form):
    """A coordinator's note on an at-risk pair. A form, not the raw POST: its fields refuse a NUL
    character (PostgreSQL cannot store one) and overlong text with a message instead of a 500."""

    note = forms.CharField(label="Note an action", max_length=1000)
    resolve = forms.BooleanField(label="Resolved", required=False)


class ResourceForm(forms.ModelForm[Resource]):
    url = forms.URLField(
        label="Link",
        max_length=500,
        validators=[URLValidator(schemes=["http", "https"])],
        assume_scheme="https",
        help_text="The page members open: https://…",
    )
    topics = forms.ModelMultipleChoiceField(
        queryset=Topic.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        help_text="Workspaces suggest the resource to pairs whose mentee wants these topics.",
    )

    class Meta:
        model = Resource
        fields: ClassVar = ["title", "url", "description", "topics", "is_active"]
        widgets: ClassVar = {"description": forms.Textarea(attrs={"rows": 3})}
        labels: ClassVar = {"is_active": "Suggest it in workspaces"}
