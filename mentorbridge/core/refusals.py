"""The one kind of refusal a service gives (a reason a person can read, with nothing changed), and
the one helper by which a view shows it to the person who asked."""

from __future__ import annotations

from types import TracebackType

from django import forms
from django.contrib import messages
from django.http import HttpRequest


class Refusal(Exception):
    """A service refused; nothing was changed. The message is written for the member."""


class Shown:
    """What `refusal_shown` caught: `refused` is the refusal, or None when the block ran through."""

    def __init__(
        self, request: HttpRequest, form: forms.BaseForm | None, field: str | None
    ) -> None:
        self.request = request
        self.form = form
        self.field = field
        self.refused: Refusal | None = None

    def __enter__(self) -> Shown:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        if not isinstance(exc, Refusal):
            return False  # success, or a real error that must surface
        self.refused = exc
        if self.form is not None:
            self.form.add_error(self.field, str(exc))
        else:
            messages.error(self.request, str(exc))
        return True


def refusal_shown(
    request: HttpRequest, *, form: forms.BaseForm | None = None, field: str | None = None
) -> Shown:
    """Run a service call so that a `Refusal` becomes a message for the user, and the view goes on.

        with refusal_shown(request):
            services.request_withdraw(request=mentorship_request, by=member)
            messages.success(request, "Request withdrawn.")
            return redirect(...)       # the success path
        return redirect(...)           # reached only when refused

    The refusal goes to the messages shown on the next page (base.html renders them), or, with
    `form`, into the form's errors (those of `field`, if given) on the page rendered again. Any
    other exception passes through.
    """
    return Shown(request, form, field)
