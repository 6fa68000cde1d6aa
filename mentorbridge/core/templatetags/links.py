"""`{% link 'name' %}`: `{% url 'name' %}` for a URL without arguments, reversed once per process.

The layout's menu reverses a dozen such links on every page (tens of microseconds each). A URL
without arguments depends only on the URL configuration in use and the script prefix, so both
are part of the key: a test that swaps ROOT_URLCONF gets a new resolver, hence new keys.
"""

from __future__ import annotations

from django import template
from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

register = template.Library()

_KEPT = 512
_links: dict[tuple[object, str, str], SafeString] = {}


@register.simple_tag
def link(viewname: str) -> SafeString:
    key = (get_resolver(get_urlconf()), get_script_prefix(), viewname)
    html = _links.get(key)
    if html is None:
        html = conditional_escape(reverse(viewname))  # as {% url %} writes it
        if len(_links) >= _KEPT:
            _links.clear()
        _links[key] = html
    return html
