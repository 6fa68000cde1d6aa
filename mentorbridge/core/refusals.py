"""The one kind of refusal a service gives: a reason a person can read, with nothing changed."""

from __future__ import annotations


class Refusal(Exception):
    """A service refused; nothing was changed. The message is written for the member."""
