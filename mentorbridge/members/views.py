"""Profile pages: your own profile (view, edit), other members' public profiles, institutions."""

from __future__ import annotations

from typing import ClassVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from mentorbridge.core.models import EmailSettings
from mentorbridge.core.permissions import is_coordinator
from mentorbridge.core.refusals import refusal_shown

from . import services
from .forms import InstitutionProposalForm, PrivateIdentityForm, ProfileForm
from .models import Institution, PrivateIdentity, StageChange
from .selectors import get_member_for_viewer, member_for_user


@require_GET
@login_required
def me(request: HttpRequest) -> HttpResponse:
    member = member_for_user(request.user)
    identity = PrivateIdentity.objects.filter(member=member).first()
    pending = StageChange.objects.pending().select_related("to_stage").filter(member=member).first()
    return render(
        request,
        "members/me.html",
        {
            "member": member,
            "identity": identity,
            "missing": member.missing_fields(),
            "pending_stage_change": pending,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def edit(request: HttpRequest) -> HttpResponse:
    member = member_for_user(request.user)
    identity = PrivateIdentity.objects.filter(member=member).first() or PrivateIdentity(
        member=member
    )
    if request.method == "POST":
        profile_form = ProfileForm(request.POST, member=member)
        identity_form = PrivateIdentityForm(request.POST, instance=identity, prefix="private")
        if profile_form.is_valid() and identity_form.is_valid():
            services.profile_update(profile_form=profile_form, identity_form=identity_form)
            messages.success(request, "Your profile is saved.")
            pending = StageChange.objects.pending().filter(member=member).first()
            if pending is not None:
                messages.info(
                    request,
                    f"Your new training stage, {pending.to_stage}, waits for a coordinator to "
                    "confirm it. Until then you keep the programs and mentors of your current one.",
                )
            return redirect("members:me")
        messages.error(request, "Some answers need another look; see the messages below.")
        # The instance was mutated by validation; reload so nothing half-valid is shown as saved.
        member.refresh_from_db()
    else:
        profile_form = ProfileForm(member=member)
        identity_form = PrivateIdentityForm(instance=identity, prefix="private")
    return render(
        request,
        "members/edit.html",
        {
            "profile_form": profile_form,
            "identity_form": identity_form,
            "member": member,
            # Fields with an error, across both forms (the banner counts what it asks to fix).
            "error_count": len(profile_form.errors) + len(identity_form.errors),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = member_for_user(request.user)
    member = get_member_for_viewer(viewer, pk)
    if member.pk == viewer.pk:
        return redirect("members:me")
    return render(request, "members/detail.html", {"member": member})


@require_GET
@login_required
def institution_options(request: HttpRequest) -> HttpResponse:
    """htmx: the institution <option>s matching a search, for the profile form's select."""
    member = member_for_user(request.user)
    text = request.GET.get("q", "")[:100]
    institutions = Institution.objects.visible_to(member).search(text)[:50]
    selected = request.GET.get("institution", "")
    return render(
        request,
        "members/_institution_options.html",
        {"institutions": institutions, "selected": selected},
    )


@require_http_methods(["GET", "POST"])
@login_required
def propose_institution(request: HttpRequest) -> HttpResponse:
    member = member_for_user(request.user)
    form = InstitutionProposalForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            institution = services.institution_propose(member=member, form=form)
            messages.success(
                request,
                f"Thank you. {institution.name} is on your profile now and awaits a "
                "coordinator's approval before others see it.",
            )
            return redirect("members:edit")
        return render(request, "members/propose_institution.html", {"form": form}, status=400)
    return render(request, "members/propose_institution.html", {"form": form})


class EmailSettingsForm(forms.ModelForm[EmailSettings]):
    class Meta:
        model = EmailSettings
        fields: ClassVar = ["meetings", "messages", "reminders", "task_force"]


@require_http_methods(["GET", "POST"])
@login_required
def email_settings(request: HttpRequest) -> HttpResponse:
    """Which optional emails the member gets; the in-app notifications are always there."""
    member = member_for_user(request.user)
    # Unsaved until the member saves the form: a GET writes nothing.
    current = EmailSettings.objects.filter(member=member).first() or EmailSettings(member=member)
    form = EmailSettingsForm(request.POST or None, instance=current)
    if not is_coordinator(request.user):
        del form.fields["task_force"]
    if request.method == "POST":
        if form.is_valid():
            with refusal_shown(request, form=form):
                services.email_settings_save(
                    member=member,
                    meetings=form.cleaned_data["meetings"],
                    messages=form.cleaned_data["messages"],
                    reminders=form.cleaned_data["reminders"],
                    task_force=form.cleaned_data.get("task_force"),
                )
                messages.success(request, "Your email settings are saved.")
                return redirect("email_settings")
        return render(request, "core/email_settings.html", {"form": form}, status=400)
    return render(request, "core/email_settings.html", {"form": form})
