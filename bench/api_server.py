"""Settings for bench/api.py's gunicorn: the project's own, with bench/api_urls.py as the URL map
(the project's URLs plus one bare django-ninja endpoint)."""

from __future__ import annotations

from mentorbridge.settings import *  # noqa: F403

ROOT_URLCONF = "bench.api_urls"
