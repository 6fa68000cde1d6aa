"""Access-checked reads of the API app's rows, for its pages and its endpoints alike."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from mentorbridge.core.permissions import is_coordinator

from .models import Webhook


def get_webhook_for_coordinator(user: object, pk: int) -> Webhook:
    """Any webhook, for a coordinator (webhooks belong to the Task Force as a whole: any
    coordinator manages any of them); 'not found' for everybody else."""
    hook = Webhook.objects.filter(pk=pk).first()
    if hook is None or not is_coordinator(user):
        raise Http404("No such webhook.")
    return hook


def webhooks_for_coordinator(user: object) -> QuerySet[Webhook]:
    """Every webhook, newest first, for a coordinator (the Task Force's as a whole, as above);
    none for everybody else, whatever scope or decorator sits in front."""
    if not is_coordinator(user):
        return Webhook.objects.none()
    return Webhook.objects.all()
