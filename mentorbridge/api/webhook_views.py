"""The Task Force's webhook pages: register a URL and its events, see each delivery and the
receiver's answer, rotate the signing secret, stop, resume or delete. The same services as the
API's /coordinator/webhooks (api.webhooks)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from mentorbridge.core.permissions import coordinator_required
from mentorbridge.core.refusals import Refusal, refusal_shown

from . import webhooks as services
from .forms import DeliveryFilterForm, WebhookForm
from .models import Webhook, WebhookDelivery
from .selectors import get_webhook_for_coordinator, webhooks_for_coordinator


@never_cache
@require_http_methods(["GET", "POST"])
@coordinator_required
def webhooks(request: HttpRequest) -> HttpResponse:
    form = WebhookForm(request.POST or None)
    created = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created = services.webhook_create(
                    by=request.user,
                    url=form.cleaned_data["url"],
                    events=form.cleaned_data["events"],
                )
            except services.WebhookError as error:
                form.add_error("url", str(error))
                status = 400
            except Refusal as refused:
                form.add_error(None, str(refused))
                status = 400
            else:
                form = WebhookForm()
        else:
            status = 400
    return render(
        request,
        "api/webhooks.html",
        {"form": form, "created": created, "hooks": webhooks_for_coordinator(request.user)[:200]},
        status=status,
    )


@never_cache
@require_http_methods(["GET"])
@coordinator_required
def webhook_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_webhook_for_coordinator(request.user, pk))


def _detail(
    request: HttpRequest, hook: Webhook, *, new_secret: str = "", status: int = 200
) -> HttpResponse:
    filters = DeliveryFilterForm(request.GET or None)
    deliveries = WebhookDelivery.objects.filter(webhook=hook)
    if filters.is_valid() and filters.cleaned_data["status"]:
        deliveries = deliveries.filter(status=filters.cleaned_data["status"])
    page = Paginator(deliveries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "api/webhook.html",
        {"hook": hook, "page": page, "filters": filters, "new_secret": new_secret},
        status=status,
    )


@never_cache
@require_POST
@coordinator_required
def webhook_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    hook = get_webhook_for_coordinator(request.user, pk)
    with refusal_shown(request):
        hook = services.webhook_secret_rotate(webhook=hook, by=request.user)
        # Shown on this answer only (no redirect: the secret must not sit in a message or a URL).
        return _detail(request, hook, new_secret=hook.secret)
    return redirect("api_webhooks")


@require_POST
@coordinator_required
def webhook_active(request: HttpRequest, pk: int) -> HttpResponse:
    active = request.POST.get("active") == "1"
    hook = get_webhook_for_coordinator(request.user, pk)
    with refusal_shown(request):
        services.webhook_set_active(webhook=hook, active=active, by=request.user)
        messages.success(
            request,
            "Deliveries resumed." if active else "Stopped: no deliveries until you resume it.",
        )
        return redirect("api_webhook", hook.pk)
    return redirect("api_webhooks")


@require_POST
@coordinator_required
def webhook_delete(request: HttpRequest, pk: int) -> HttpResponse:
    hook = get_webhook_for_coordinator(request.user, pk)
    with refusal_shown(request):
        services.webhook_delete(webhook=hook, by=request.user)
        messages.success(request, f"Deleted the webhook for {hook.url} and its delivery history.")
    return redirect("api_webhooks")
