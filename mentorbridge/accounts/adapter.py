"""Allauth glue: every new account gets a Member profile in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse

from mentorbridge.core.emails import on_site
from mentorbridge.core.permissions import is_coordinator
from mentorbridge.members.models import Member


@dataclass(frozen=True)
class SiteName:
    name: str
    domain: str


# allauth ships no type information (no py.typed), so to mypy its adapter is Any.
class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    @staticmethod
    def _site_links(context: dict[str, Any]) -> None:
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

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Sign-up with a password closes with password sign-in (PASSWORD_LOGIN=false); the
        # society's sign-in has its own adapter (accounts.sso) and stays open.
        return bool(settings.PASSWORD_LOGIN)

    def get_client_ip(self, request: HttpRequest) -> str:
        try:
            ip: str = super().get_client_ip(request)
            return ip
        except ImproperlyConfigured:
            # Fewer X-Forwarded-For entries than TRUSTED_PROXY_COUNT: the request skipped a proxy
            # (or forged the header). Allauth raises, which made a 500; key the rate limit by the
            # leftmost address given instead, so such a caller still gets counted.
            first = request.headers.get("x-forwarded-for", "").split(",")[0].strip()
            return first or str(request.META.get("REMOTE_ADDR", "unknown"))

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=commit)
            if commit:
                Member.objects.get_or_create(user=user)
        return user

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Account emails (password reset, verification, ...) go through the task queue after
        commit, like every other email: a reset for a known address then does the same work in
        the request as one for an unknown address (both queue one message), so the answer's
        timing does not tell which addresses have accounts."""
        from allauth.core import context as allauth_context
        from django.contrib.sites.shortcuts import get_current_site

        from mentorbridge.core.tasks import send_email

        self._site_links(context)
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        message = self.render_mail(template_prefix, email, ctx)
        html = next(
            (
                str(body)
                for body, mime in getattr(message, "alternatives", [])
                if mime == "text/html"
            ),
            "",
        )
        # emails.deliver adds the "[MentorBridge] " prefix that allauth's subject already has.
        subject = message.subject.removeprefix(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX)
        recipients = list(message.to)
        text = str(message.body)
        transaction.on_commit(
            lambda: send_email.enqueue(
                to=recipients, subject=subject, text=text, html=html, attachments=[]
            )
        )

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        member = getattr(request.user, "member", None)
        if is_coordinator(request.user):
            # A coordinator's work starts on Coordinate; their own profile (often without a
            # training stage) is not what they signed in for.
            return reverse("dashboard:coordinate")
        if member is not None and member.missing_fields():
            return "/members/me/edit/"
        url: str = super().get_login_redirect_url(request)
        return url
