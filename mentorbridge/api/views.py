"""The account page where members create and revoke personal access tokens for the API."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from mentorbridge.core.permissions import is_coordinator
from mentorbridge.core.refusals import refusal_shown

from . import services
from .forms import TokenForm
from .models import AccessToken


def _user_id(request: HttpRequest) -> int:
    return int(request.user.pk or 0)  # login_required: always a signed-in user


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    created = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with refusal_shown(request, form=form) as outcome:
                created = services.token_create(
                    user=request.user,
                    name=form.cleaned_data["name"],
                    scopes=form.cleaned_data["scopes"],
                    days=form.cleaned_data["days"],
                )
                form = TokenForm()
            if outcome.refused:
                status = 400
        else:
            status = 400
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "created": created,
            "tokens": AccessToken.objects.filter(user_id=_user_id(request))[:100],
            "is_coordinator": is_coordinator(request.user),
            "has_totp": services.has_totp(request.user),
        },
        status=status,
    )


@require_POST
@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = AccessToken.objects.filter(user_id=_user_id(request), pk=pk).first()
    if token is None:
        raise Http404("No such token.")
    services.token_revoke(token=token)
    messages.success(request, f"“{token.name}” is revoked: it no longer works.")
    return redirect("api_tokens")
