"""Sign-in through the society's identity provider (OpenID Connect, django-allauth).

Accounts link by an email address the provider says it verified; other addresses are refused. The
provider's claims about a member (training stage, membership category, name) are applied at every
sign-in through it: the society's records are a verified source (docs/sign-in.md).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import redirect

from mentorbridge.members.models import Member, MembershipCategory, TrainingStage
from mentorbridge.members.services import member_stage_verify

logger = logging.getLogger(__name__)

PROVIDER_ID = "society"


def _society_app() -> dict[str, Any] | None:
    providers: dict[str, Any] = settings.SOCIALACCOUNT_PROVIDERS
    apps: list[dict[str, Any]] = providers.get("openid_connect", {}).get("APPS") or []
    return next((app for app in apps if app.get("provider_id") == PROVIDER_ID), None)


def sso_enabled() -> bool:
    """Whether the society's sign-in is configured (SOCIALACCOUNT_PROVIDERS has its app)."""
    return _society_app() is not None


def sso_name() -> str:
    app = _society_app()
    return str(app["name"]) if app else ""


def claims_of(sociallogin: SocialLogin) -> dict[str, Any]:
    """The provider's claims: the ID token's, overridden by userinfo's (which may hold more)."""
    data = sociallogin.account.extra_data or {}
    return {**(data.get("id_token") or {}), **(data.get("userinfo") or {})}


def email_verified(claims: dict[str, Any]) -> bool:
    # Some providers send "true"/"false" as strings; "false" must not count as verified.
    value = claims.get("email_verified")
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _term(model: type[TrainingStage] | type[MembershipCategory], value: Any) -> Any:
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    return model.objects.filter(Q(slug__iexact=text) | Q(name__iexact=text)).first()


@dataclass
class ClaimsApplied:
    stage: TrainingStage | None = None
    category: MembershipCategory | None = None
    name: str = ""
    unknown: list[str] = field(default_factory=list)


def member_claims_apply(*, member: Member, claims: dict[str, Any]) -> ClaimsApplied:
    """Take the training stage, membership category and (if the profile has none) the name from
    the provider's claims. Values that name no term are skipped and logged: a typo in the
    society's directory must not stop a member from signing in."""
    applied = ClaimsApplied()
    with transaction.atomic():
        stage_value = claims.get(settings.SSO_STAGE_CLAIM)
        if stage_value is not None:
            applied.stage = _term(TrainingStage, stage_value)
            if applied.stage is None:
                applied.unknown.append(f"{settings.SSO_STAGE_CLAIM}={stage_value!r}")
            else:
                member_stage_verify(member=member, stage=applied.stage, source="sso")
        category_value = claims.get(settings.SSO_CATEGORY_CLAIM)
        if category_value is not None:
            applied.category = _term(MembershipCategory, category_value)
            if applied.category is None:
                applied.unknown.append(f"{settings.SSO_CATEGORY_CLAIM}={category_value!r}")
            elif member.membership_category_id != applied.category.pk:
                Member.objects.filter(pk=member.pk).update(membership_category=applied.category)
                member.membership_category = applied.category
        name = claims.get("name") or " ".join(
            str(part) for part in (claims.get("given_name"), claims.get("family_name")) if part
        )
        if isinstance(name, str) and name.strip() and not member.full_name:
            applied.name = name.strip()[: Member._meta.get_field("full_name").max_length]
            Member.objects.filter(pk=member.pk, full_name="").update(full_name=applied.name)
            member.full_name = applied.name
    if applied.unknown:
        logger.warning(
            "sign-in claims that name no term, skipped: %s (member %s)",
            ", ".join(applied.unknown),
            member.pk,
        )
    return applied


# allauth ships no type information (no py.typed), so to mypy its adapter is Any.
class SocietyAccountAdapter(DefaultSocialAccountAdapter):  # type: ignore[misc]
    def _refuse(self, request: HttpRequest, message: str) -> None:
        messages.error(request, message)
        raise ImmediateHttpResponse(redirect("account_login"))

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        """Runs after allauth found the account (by the linked provider account, or by verified
        email), before anyone is logged in."""
        claims = claims_of(sociallogin)
        linked = sociallogin.account.pk is not None
        if not linked and not (claims.get("email") and email_verified(claims)):
            # Never link or create an account on an address nobody verified: anyone could type
            # a member's address into their own account at the provider.
            self._refuse(
                request,
                f"{sociallogin.provider.name} did not confirm your email address, so we cannot "
                "sign you in with it. Confirm it there first, or ask the Task Force for help.",
            )
        if sociallogin.is_existing and sociallogin.user is not None:
            # (A local password whose address was never verified is wiped by allauth when it
            # links by email: whoever typed that address at sign-up loses the account.)
            member, _ = Member.objects.get_or_create(user=sociallogin.user)
            member_claims_apply(member=member, claims=claims)

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        # Members of the society may always join through its sign-in, also when password
        # sign-up is off (PASSWORD_LOGIN=false).
        return True

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: Any = None) -> Any:
        with transaction.atomic():
            user = super().save_user(request, sociallogin, form)
            member, _ = Member.objects.get_or_create(user=user)
            member_claims_apply(member=member, claims=claims_of(sociallogin))
        return user

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: Any = None,
        exception: Any = None,
        extra_context: Any = None,
    ) -> None:
        # A bad state, a refused code, a provider that is down: allauth shows its error page;
        # the log says which.
        logger.warning("society sign-in failed: %s %r", error, exception)
