"""The account page's form for a new personal access token, and the Webhooks page's forms."""

from __future__ import annotations

from django import forms

from .models import Scope, WebhookDelivery, WebhookEvent
from .webhooks import WebhookError, webhook_url_for_registration


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What will use it, so you recognise it later (e.g. “society CRM sync”).",
    )
    scopes = forms.MultipleChoiceField(
        label="Scopes",
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Scope.READ],
    )
    days = forms.TypedChoiceField(
        label="Expires after",
        choices=[(30, "30 days"), (90, "90 days"), (180, "180 days"), (365, "1 year")],
        coerce=int,
        initial=90,
    )


class WebhookForm(forms.Form):
    url = forms.CharField(
        label="URL",
        max_length=500,
        help_text="The http or https address of your system that accepts POSTs (a public "
        "address; https in production).",
    )
    events = forms.MultipleChoiceField(
        label="Events",
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_url(self) -> str:
        """The service's own check, here too, so a wrong URL and a missing event are both
        reported on the first submit (webhook_create checks again, for the API)."""
        try:
            return webhook_url_for_registration(self.cleaned_data["url"])
        except WebhookError as error:
            raise forms.ValidationError(str(error)) from None


class DeliveryFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Show",
        choices=[("", "All deliveries"), *WebhookDelivery.Status.choices],
        required=False,
    )
