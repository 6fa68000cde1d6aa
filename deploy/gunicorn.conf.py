"""gunicorn's settings for MentorBridge, each from the environment (deploy/serve.sh sets them)."""

import os

bind = os.environ.get("BIND", "127.0.0.1:8080")
workers = int(os.environ.get("WEB_WORKERS", "4"))
# Threads let a worker overlap database waits; 1 is gunicorn's plain sync worker.
threads = int(os.environ.get("WEB_THREADS", "1"))
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
# Load the app (and every view, mentorbridge/wsgi.py) once in the master, then fork: workers start,
# and restart after max_requests, in milliseconds instead of seconds of imports each.
preload_app = True
graceful_timeout = 20
# Recycle workers now and then so a slow leak never grows without bound.
max_requests = 5000
max_requests_jitter = 500
# The app logs one JSON line per request itself (mentorbridge.core.requestlog).
accesslog = None
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "mentorbridge"
# gunicorn's control socket defaults to one path per user, which several instances on one machine
# (make serve, the fault tests, the benchmark) would share; we do not use it.
control_socket_disable = True
