"""The parts of Find a mentor's cards that are the same for every viewer, rendered once per
content in each process (the template engine's per-card work was most of the page's rendering).

A part is keyed by every value it shows and its template receives only those values, so it
cannot show anything its key leaves out, and a change (a new name, a place taken) is a new key,
never a stale card: no invalidation. What differs between viewers (the request and ranking
buttons, the CSRF token, the reasons) stays in `_recommendations.html`, rendered per request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

if TYPE_CHECKING:
    from .recommendations import Recommendation

_KEPT = 4096  # distinct parts kept (a pool of 2,000 mentors has as many heads)
_parts: dict[tuple[Any, ...], SafeString] = {}


def _part(template: str, key: tuple[Any, ...], context: dict[str, Any]) -> SafeString:
    html = _parts.get(key)
    if html is None:
        html = render_to_string(template, context)
        if len(_parts) >= _KEPT:
            _parts.clear()
        _parts[key] = html
    return html


def head(rec: Recommendation) -> SafeString:
    """The card's top: the mentor's name and profile link, pronouns, stage, institution, places."""
    enrollment = rec.enrollment
    member = enrollment.member
    institution = member.public_institution
    context = {
        "pk": enrollment.pk,
        "profile_url": rec.profile_url,
        "name": member.display_name,
        "pronouns": member.pronouns,
        "stage": str(member.stage),
        "institution_shown": institution is not None,
        "institution": institution.name if institution is not None else "",
        "places": enrollment.remaining_capacity,
    }
    key = ("head", *context.values())
    return _part("matching/_card_head.html", key, context)


def interests(rec: Recommendation) -> SafeString:
    names = tuple(rec.interests)
    return _part("matching/_card_interests.html", ("interests", names), {"interests": names})
