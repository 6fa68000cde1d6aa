"""Allauth glue: every new account gets a Member profile in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse

from mentorbridge.core.emails import on_site
from mentorbridge.members.models import Member, is_coordinator


@dataclass(frozen=True)
class SiteName:
    name: str
    domain: str


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # Allauth builds its links from the request's host; the product's own emails use
        # SITE_URL. One rule for both (core.emails.on_site, docs/operations.md).
        for key, value in list(context.items()):
            if key.endswith("_url") and isinstance(value, str):
                context[key] = on_site(value)
        context["site_url"] = settings.SITE_URL
        # Allauth's texts also name the request's host ("your account at 10.0.0.5:8201").
        context["current_site"] = SiteName(
            name="MentorBridge", domain=urlsplit(settings.SITE_URL).netloc
        )
        super().send_mail(template_prefix, email, context)

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=commit)
            if commit:
                Member.objects.get_or_create(user=user)
        return user

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        member = getattr(request.user, "member", None)
        if is_coordinator(request.user):
            # A coordinator's work starts on Coordinate; their own profile (often without a
            # training stage) is not what they signed in for.
            return reverse("programs:coordinate")
        if member is not None and member.missing_fields():
            return "/members/me/edit/"
        return super().get_login_redirect_url(request)
