"""Settings for bench/load.py's server: the project's own, with bench/load_urls.py as the URL map
(the project's URLs plus one bare Django view, the floor the key pages are compared against)."""

from __future__ import annotations

from mentorbridge.settings import *  # noqa: F403

ROOT_URLCONF = "bench.load_urls"
