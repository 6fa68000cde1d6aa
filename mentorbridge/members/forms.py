"""Profile forms. Every field validates with a message a member can act on."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils import timezone

from mentorbridge.core.forms import choice_field, model_choice_field

from .models import (
    Institution,
    Interest,
    Language,
    MeetingFormat,
    Member,
    MembershipCategory,
    PrivateIdentity,
    StageChange,
    Topic,
    TrainingStage,
    time_zone_names,
)

YES_NO_UNSURE = [("", "Not sure"), ("true", "Yes"), ("false", "No")]


def _yes_no(value: Any) -> bool | None:
    return {"true": True, "false": False, True: True, False: False}.get(value)


class ProfileForm(forms.ModelForm[Member]):
    time_zone = forms.ChoiceField(
        choices=[(name, name.replace("_", " ")) for name in time_zone_names()],
        help_text="Meeting times are shown to you in this time zone.",
    )
    home_has_ct_program = forms.TypedChoiceField(
        label="Does your school or institution have a cardiothoracic surgery program?",
        choices=YES_NO_UNSURE,
        coerce=_yes_no,
        empty_value=None,
        required=False,
    )
    meeting_formats = forms.MultipleChoiceField(
        label="How you like to meet",
        choices=MeetingFormat.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Member
        fields: ClassVar = [
            "full_name",
            "pronouns",
            "stage",
            "membership_category",
            "institution",
            "home_has_ct_program",
            "time_zone",
            "languages",
            "interests",
            "topics_wanted",
            "topics_offered",
            "bio",
            "goals",
            "meeting_formats",
            "meeting_frequency",
            "phone",
        ]
        labels: ClassVar = {
            "full_name": "Full name",
            "stage": "Training stage",
            "membership_category": "Society membership category",
            "interests": "Subspecialty interests",
            "topics_wanted": "Guidance you would like",
            "topics_offered": "Guidance you can offer",
            "bio": "Short bio",
            "goals": "Your goals",
            "meeting_frequency": "How often you would like to meet",
            "phone": "Phone (optional)",
        }
        help_texts: ClassVar = {
            "goals": "What you hope a mentor can help with, in your own words.",
            "topics_offered": "Residents, fellows and surgeons: what you could help a mentee with.",
        }
        widgets: ClassVar = {
            "languages": forms.CheckboxSelectMultiple,
            "interests": forms.CheckboxSelectMultiple,
            "topics_wanted": forms.CheckboxSelectMultiple,
            "topics_offered": forms.CheckboxSelectMultiple,
            "bio": forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
            "goals": forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
        }

    def __init__(self, *args: Any, member: Member, **kwargs: Any) -> None:
        kwargs["instance"] = member
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        self.fields["stage"].required = True
        model_choice_field(self, "stage", TrainingStage).queryset = TrainingStage.objects.active()
        model_choice_field(
            self, "membership_category", MembershipCategory
        ).queryset = MembershipCategory.objects.active()
        model_choice_field(
            self, "institution", Institution
        ).queryset = Institution.objects.visible_to(member)
        model_choice_field(self, "languages", Language).queryset = Language.objects.active()
        model_choice_field(self, "interests", Interest).queryset = Interest.objects.active()
        model_choice_field(self, "topics_wanted", Topic).queryset = Topic.objects.active()
        model_choice_field(self, "topics_offered", Topic).queryset = Topic.objects.active()
        if member.stage is not None and "mentor" not in member.roles():
            # A student mentors nobody: the question is for residents, fellows and surgeons.
            del self.fields["topics_offered"]
        self.pending_stage_change = (
            StageChange.objects.pending().select_related("to_stage").filter(member=member).first()
        )
        if self.pending_stage_change is not None:
            # Show what the member asked for, so saving other fields keeps the request open.
            self.initial["stage"] = self.pending_stage_change.to_stage_id
            current = member.stage.name if member.stage else "no stage"
            self.fields["stage"].help_text = (
                f"Waiting for a coordinator to confirm {self.pending_stage_change.to_stage.name} "
                f"(asked {self.pending_stage_change.requested_at:%-d %b %Y}). Until then your "
                f"profile, programs and mentors follow {current}. Pick {current} again to "
                "withdraw the request."
            )
        else:
            self.fields["stage"].help_text = (
                "Moving into a resident, fellow or surgeon stage, or between students, "
                "trainees and surgeons, waits for a coordinator to confirm it."
            )
        if self.instance.home_has_ct_program is not None:
            self.initial["home_has_ct_program"] = (
                "true" if self.instance.home_has_ct_program else "false"
            )

    def clean_full_name(self) -> str:
        name = " ".join(self.cleaned_data["full_name"].split())
        if len(name) < 2:
            raise forms.ValidationError(
                "Please enter your name as you would like mentors to see it."
            )
        return name

    def clean_phone(self) -> str:
        phone: str = self.cleaned_data["phone"].strip()
        digits = [c for c in phone if c.isdigit()]
        if phone and (len(digits) < 7 or any(c not in "+0123456789 ()-." for c in phone)):
            raise forms.ValidationError("Enter a phone number with digits, spaces, + ( ) - only.")
        return phone


class PrivateIdentityForm(forms.ModelForm[PrivateIdentity]):
    """Optional answers; saved only with consent, cleared when consent is withdrawn."""

    underrepresented_in_medicine = forms.TypedChoiceField(
        label="I identify as under-represented in medicine",
        choices=YES_NO_UNSURE[:1] + YES_NO_UNSURE[1:],
        coerce=_yes_no,
        empty_value=None,
        required=False,
    )
    first_generation = forms.TypedChoiceField(
        label="I am a first-generation college or medical student",
        choices=YES_NO_UNSURE,
        coerce=_yes_no,
        empty_value=None,
        required=False,
    )
    international_graduate = forms.TypedChoiceField(
        label="I am an international medical graduate",
        choices=YES_NO_UNSURE,
        coerce=_yes_no,
        empty_value=None,
        required=False,
    )

    class Meta:
        model = PrivateIdentity
        fields: ClassVar = [
            "consent",
            "gender",
            "underrepresented_in_medicine",
            "first_generation",
            "international_graduate",
        ]
        labels: ClassVar = {
            "consent": (
                "I agree that MentorBridge stores these answers and uses them only for the "
                "matching preferences I ask for. They are never shown to other members."
            ),
            "gender": "Gender",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "underrepresented_in_medicine").choices = YES_NO_UNSURE
        for name in ("underrepresented_in_medicine", "first_generation", "international_graduate"):
            value = getattr(self.instance, name)
            if value is not None:
                self.initial[name] = "true" if value else "false"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        answered = bool(data.get("gender")) or any(
            data.get(name) is not None
            for name in (
                "underrepresented_in_medicine",
                "first_generation",
                "international_graduate",
            )
        )
        if answered and not data.get("consent"):
            raise forms.ValidationError(
                "Tick the consent box to save these private answers, or leave them blank."
            )
        return data

    def save(self, commit: bool = True) -> PrivateIdentity:
        identity: PrivateIdentity = super().save(commit=False)
        if identity.consent:
            identity.consent_at = identity.consent_at or timezone.now()
        else:
            identity.consent_at = None
            identity.gender = ""
            identity.underrepresented_in_medicine = None
            identity.first_generation = None
            identity.international_graduate = None
        if commit:
            identity.save()
        return identity


class InstitutionProposalForm(forms.ModelForm[Institution]):
    class Meta:
        model = Institution
        fields: ClassVar = ["name", "city", "region", "country", "has_ct_program"]
        labels: ClassVar = {"has_ct_program": "It has a cardiothoracic surgery program"}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for field in ("name", "city", "country"):
            if field in data:
                data[field] = " ".join(data[field].split())
        name, city, country = data.get("name"), data.get("city"), data.get("country")
        if name and city and country:
            existing = Institution.objects.filter(
                name__iexact=name, city__iexact=city, country__iexact=country
            ).first()
            if existing is not None:
                raise forms.ValidationError(
                    f"{existing.name} in {existing.city} is already listed: pick it in your profile."
                )
        return data


class StageChangeDecisionForm(forms.Form):
    """A coordinator's answer to a pending stage change (a form: the note refuses NUL and length)."""

    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("refuse", "Refuse")])
    note = forms.CharField(max_length=500, required=False)
