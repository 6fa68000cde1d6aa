"""Allauth glue: every new account gets a Member profile in the same transaction."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.db import transaction
from django.http import HttpRequest

from mentorbridge.members.models import Member


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=commit)
            if commit:
                Member.objects.get_or_create(user=user)
        return user

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        member = getattr(request.user, "member", None)
        if member is not None and member.missing_fields():
            return "/members/me/edit/"
        return super().get_login_redirect_url(request)
