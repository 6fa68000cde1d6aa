"""WSGI entry point for gunicorn and other servers."""

import os

# What Find a mentor imports on first use (the text model's SVD): imported here for the reason
# below.
import sklearn.decomposition  # noqa: F401
from django.core.wsgi import get_wsgi_application
from django.db import connections
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorbridge.settings")
application = get_wsgi_application()
# Import every view now rather than in the first request: the URL map pulls in NumPy, SciPy,
# OR-Tools and pandas, seconds of CPU that on a busy machine pushed the first requests past
# gunicorn's timeout (workers were killed at start under load). With gunicorn's preload_app this
# happens once, in the master, before the workers fork. No connection may be shared by the forks.
get_resolver().url_patterns  # noqa: B018 - evaluated for its imports
connections.close_all()
