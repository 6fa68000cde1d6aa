"""The resource library: the Task Force curates guides and links by topic; workspaces suggest them."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.core.validators import URLValidator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentorbridge.core.audit import audit_record
from mentorbridge.core.permissions import coordinator_required
from mentorbridge.members.models import Topic

from .models import Resource


class ResourceForm(forms.ModelForm[Resource]):
    url = forms.URLField(
        label="Link",
        max_length=500,
        validators=[URLValidator(schemes=["http", "https"])],
        assume_scheme="https",
        help_text="The page members open: https://…",
    )
    topics = forms.ModelMultipleChoiceField(
        queryset=Topic.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        help_text="Workspaces suggest the resource to pairs whose mentee wants these topics.",
    )

    class Meta:
        model = Resource
        fields: ClassVar = ["title", "url", "description", "topics", "is_active"]
        widgets: ClassVar = {"description": forms.Textarea(attrs={"rows": 3})}
        labels: ClassVar = {"is_active": "Suggest it in workspaces"}


def _resource(pk: int) -> Resource:
    resource = Resource.objects.filter(pk=pk).first()
    if resource is None:
        raise Http404("No such resource.")
    return resource


@require_GET
@coordinator_required
def resource_list(request: HttpRequest) -> HttpResponse:
    resources = Resource.objects.prefetch_related("topics")
    return render(request, "mentorships/resources.html", {"resources": resources})


@require_http_methods(["GET", "POST"])
@coordinator_required
def resource_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    resource = _resource(pk) if pk is not None else None
    form = ResourceForm(request.POST or None, instance=resource)
    if request.method == "POST":
        if form.is_valid():
            with transaction.atomic():
                saved = form.save()
                audit_record(
                    actor=request.user,
                    target=saved,
                    kind="change" if resource else "add",
                    message=f"{'Edited' if resource else 'Added'} resource “{saved.title}”",
                )
            messages.success(request, f"“{saved.title}” is saved.")
            return redirect("mentorships:resources")
        status = 400
    else:
        status = 200
    context: dict[str, Any] = {"form": form, "resource": resource}
    return render(request, "mentorships/resource_form.html", context, status=status)


@require_POST
@coordinator_required
def resource_remove(request: HttpRequest, pk: int) -> HttpResponse:
    resource = _resource(pk)
    with transaction.atomic():
        audit_record(
            actor=request.user,
            target=resource,
            kind="delete",
            message=f"Removed resource “{resource.title}”",
        )
        resource.delete()
    messages.success(request, f"“{resource.title}” is removed from the library.")
    return redirect("mentorships:resources")
