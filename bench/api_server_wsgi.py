"""WSGI entry for bench/api.py's gunicorn (settings: bench.api_server)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.api_server")
application = get_wsgi_application()
