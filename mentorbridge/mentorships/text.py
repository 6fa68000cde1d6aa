"""Members' plain text, checked and shown the same way wherever it is written: workspace
messages, circle messages, the question board."""

from __future__ import annotations

import nh3
from django.utils.html import escape, linebreaks, urlize

from mentorbridge.core.refusals import Refusal

MAX_MESSAGE = 5000


def render_message(body: str) -> str:
    """Plain text made safe: escaped, links made clickable, then sanitised again for certainty."""
    html = linebreaks(urlize(escape(body), nofollow=True))
    return nh3.clean(
        html, tags={"p", "br", "a"}, attributes={"a": {"href"}}, link_rel="nofollow noopener"
    )


def message_body(body: str) -> str:
    """A message as it is stored: trimmed, never empty, never over the limit."""
    body = body.replace("\x00", "").strip()
    if not body:
        raise Refusal("Write something before sending.")
    if len(body) > MAX_MESSAGE:
        raise Refusal(f"Messages are limited to {MAX_MESSAGE:,} characters.")
    return body
