"""A member's own data page: download it as JSON, or delete it."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from mentorbridge.members.selectors import member_for_user

from . import privacy, services


class DeleteForm(forms.Form):
    password = forms.CharField(
        label="Your password, to confirm", widget=forms.PasswordInput, strip=False
    )
    confirm = forms.BooleanField(
        label="I understand my profile, messages and answers are removed for good"
    )

    def __init__(self, *args: Any, user: AbstractBaseUser | AnonymousUser, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password


@require_http_methods(["GET", "POST"])
@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    member = member_for_user(request.user)
    form = DeleteForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            privacy.member_delete(member=member)
            logout(request)
            messages.success(request, "Your data was deleted. Thank you for taking part.")
            return redirect("home")
        return render(request, "dashboard/my_data.html", {"form": form}, status=400)
    return render(request, "dashboard/my_data.html", {"form": form})


@require_GET
@login_required
def my_data_download(request: HttpRequest) -> HttpResponse:
    member = member_for_user(request.user)
    data = privacy.member_data(member)
    services.export_record(user=request.user, what="own data", fmt="json", target=member)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="my-mentorbridge-data.json"'
    return response
