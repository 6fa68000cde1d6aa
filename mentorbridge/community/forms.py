"""Community forms: each field checked, with messages a member can act on."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.db.models import QuerySet

from mentorbridge.core.forms import choice_field, model_choice_field
from mentorbridge.members.models import Member, Topic, time_zone_names
from mentorbridge.mentorships.forms import MeetingLogForm
from mentorbridge.programs.models import Cycle, Program

from .circles import CIRCLE_FIELDS
from .models import CIRCLE_MAX_MENTEES, CIRCLE_MIN_MENTEES, Circle, FlashEvent, Question


class FlashEventForm(forms.ModelForm[FlashEvent]):
    time_zone = forms.ChoiceField(
        choices=[], help_text="The event's own zone: everyone sees times converted from it."
    )

    class Meta:
        model = FlashEvent
        fields: ClassVar = [
            "program",
            "name",
            "location",
            "description",
            "date",
            "start_time",
            "end_time",
            "time_zone",
            "rounds",
            "round_minutes",
            "break_minutes",
            "tables",
            "seats_per_table",
            "mentee_cap",
        ]
        widgets: ClassVar = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "time_zone").choices = [
            (z, z.replace("_", " ")) for z in time_zone_names()
        ]
        model_choice_field(self, "program", Program).empty_label = None


class VolunteerForm(forms.Form):
    rounds = forms.TypedMultipleChoiceField(
        label="Rounds I host a table in",
        coerce=int,
        choices=[],
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, event: FlashEvent, zone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        import zoneinfo

        tz = zoneinfo.ZoneInfo(zone)
        choice_field(self, "rounds").choices = [
            (k, f"Round {k} · {start.astimezone(tz):%H:%M}")
            for k, start in enumerate(event.round_starts(), start=1)
        ]


class SignupForm(forms.Form):
    """Up to five mentors the mentee would like to meet, best first (all optional)."""

    def __init__(self, *args: Any, hosts: list[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "No preference")] + [
            (str(m.pk), f"{m.display_name}{f' · {m.stage}' if m.stage else ''}") for m in hosts
        ]
        labels = ["First choice", "Second choice", "Third choice", "Fourth choice", "Fifth choice"]
        for k in range(min(FlashEvent.max_preferences, max(len(hosts), 1))):
            self.fields[f"choice_{k}"] = forms.TypedChoiceField(
                label=labels[k],
                choices=choices,
                coerce=int,
                # Django takes any empty value; django-stubs allows only str | None.
                empty_value=0,  # type: ignore[arg-type]
                required=False,
            )

    def preferences(self) -> list[int]:
        return [v for k, v in sorted(self.cleaned_data.items()) if v]


class WishForm(forms.Form):
    direct = forms.BooleanField(
        label="I will take them as my mentee right away (if they wish it too)", required=False
    )


class QuestionForm(forms.ModelForm[Question]):
    class Meta:
        model = Question
        fields: ClassVar = ["title", "body", "topics", "anonymous"]
        widgets: ClassVar = {
            "body": forms.Textarea(attrs={"rows": 5}),
            "topics": forms.CheckboxSelectMultiple,
        }
        labels: ClassVar = {"title": "Your question", "body": "Details"}
        help_texts: ClassVar = {
            "anonymous": "Other members will see “a member” instead of your name. The Task Force "
            "still sees who asked, to keep the board safe.",
            "title": "One sentence, e.g. “Is the integrated I-6 pathway right for me?”",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "topics", Topic).queryset = Topic.objects.active()
        self.fields["topics"].required = False


class AnswerForm(forms.Form):
    body = forms.CharField(
        label="Your answer", max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )


class ReportForm(forms.Form):
    reason = forms.CharField(label="What is wrong with it?", max_length=500)


class SearchForm(forms.Form):
    q = forms.CharField(label="Search questions", max_length=200, required=False)
    topic = forms.ModelChoiceField(
        label="Topic", queryset=Topic.objects.none(), required=False, empty_label="All topics"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "topic", Topic).queryset = Topic.objects.active()


class CircleForm(forms.ModelForm[Circle]):
    """A leader's proposal; the cycles offered are those of the leader's programs still running."""

    cycle = forms.ModelChoiceField(queryset=Cycle.objects.none(), empty_label=None)

    class Meta:
        model = Circle
        # The fields circles.circle_propose writes, so the two cannot drift apart.
        fields: ClassVar = ["cycle", *CIRCLE_FIELDS]
        widgets: ClassVar = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts: ClassVar = {
            "max_mentees": f"Between {CIRCLE_MIN_MENTEES} and {CIRCLE_MAX_MENTEES}.",
            "description": "Who it is for and what you will cover: mentees read this to apply.",
        }

    def __init__(self, *args: Any, cycles: QuerySet[Cycle], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "cycle", Cycle).queryset = cycles  # labelled by str(cycle)
        model_choice_field(self, "topic", Topic).queryset = Topic.objects.filter(is_active=True)


class CircleApplicationForm(forms.Form):
    note = forms.CharField(
        label="A short note to the leader",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
        help_text="Why you would like to join, in a few sentences.",
    )


class CircleDecisionForm(forms.Form):
    note = forms.CharField(
        label="Note to the leader (needed to decline)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CircleCheckInForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="How is the circle going for you?",
        choices=[(str(n), f"{n} of 5") for n in range(5, 0, -1)],
        coerce=int,
    )
    comments = forms.CharField(
        label="Anything to add? (optional; the leader and coordinators read it)",
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.auto_id = "id_checkin_%s"


class CircleMeetingLogForm(MeetingLogForm):
    """The pair's log form, less what a circle does not record per meeting (topics, notes)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["topics"]
        del self.fields["notes"]
