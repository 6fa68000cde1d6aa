"""The resource library: the Task Force curates guides and links by topic; workspaces suggest them."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentorbridge.accounts.models import User
from mentorbridge.core.permissions import coordinator_required
from mentorbridge.core.refusals import refusal_shown

from . import services
from .forms import ResourceForm
from .models import Resource
from .selectors import get_resource_for_coordinator


@require_GET
@coordinator_required
def resource_list(request: HttpRequest) -> HttpResponse:
    resources = Resource.objects.prefetch_related("topics")
    return render(request, "mentorships/resources.html", {"resources": resources})


@require_http_methods(["GET", "POST"])
@coordinator_required
def resource_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    resource = get_resource_for_coordinator(request.user, pk) if pk is not None else None
    form = ResourceForm(request.POST or None, instance=resource)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            with refusal_shown(request, form=form):
                saved = services.resource_save(form=form, by=cast(User, request.user))
                messages.success(request, f"“{saved.title}” is saved.")
                return redirect("mentorships:resources")
    context: dict[str, Any] = {"form": form, "resource": resource}
    return render(request, "mentorships/resource_form.html", context, status=status)


@require_POST
@coordinator_required
def resource_remove(request: HttpRequest, pk: int) -> HttpResponse:
    resource = get_resource_for_coordinator(request.user, pk)
    with refusal_shown(request):
        services.resource_remove(resource=resource, by=cast(User, request.user))
        messages.success(request, f"“{resource.title}” is removed from the library.")
    return redirect("mentorships:resources")
