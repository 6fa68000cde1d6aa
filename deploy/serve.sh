#!/usr/bin/env bash
# `make serve`: the production shape on this machine. Every setting comes from the environment;
# the defaults below suit a loopback run (see docs/operations.md for a real deployment).
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBUG=false
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mentorbridge}"
export CACHE_BACKEND="${CACHE_BACKEND:-django.core.cache.backends.redis.RedisCache}"
export CACHE_LOCATION="${CACHE_LOCATION:-redis://127.0.0.1:6379/0}"
export TASKS_BACKEND="${TASKS_BACKEND:-database}"
export STATICFILES_BACKEND="${STATICFILES_BACKEND:-whitenoise.storage.CompressedManifestStaticFilesStorage}"
export LOG_FORMAT="${LOG_FORMAT:-json}"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost}"
export BIND="${BIND:-127.0.0.1:8080}"
export SITE_URL="${SITE_URL:-http://$BIND}"
export WEB_WORKERS="${WEB_WORKERS:-4}"
TASK_WORKERS="${TASK_WORKERS:-2}"
# One BLAS thread per process: every web and task process is its own, and OpenBLAS's thread pool
# spinning on a busy machine made Find a mentor's first scoring table 4-5 times slower.
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}" OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
# Plain HTTP on loopback: no HTTPS redirect and no Secure-only cookies. Behind a TLS load balancer
# leave these unset (on) and set BEHIND_PROXY=true.
export SECURE_SSL_REDIRECT="${SECURE_SSL_REDIRECT:-false}"
export SESSION_COOKIE_SECURE="${SESSION_COOKIE_SECURE:-false}"
export CSRF_COOKIE_SECURE="${CSRF_COOKIE_SECURE:-false}"
export SECURE_HSTS_SECONDS="${SECURE_HSTS_SECONDS:-0}"
if [ -z "${SECRET_KEY:-}" ] && [ -z "${SECRET_KEY_FILE:-}" ]; then
  # A key of this machine's own, kept so sessions survive a restart.
  [ -f .serve-secret-key ] || (umask 077 && head -c 48 /dev/urandom | base64 > .serve-secret-key)
  export SECRET_KEY_FILE="$PWD/.serve-secret-key"
fi

.venv/bin/python manage.py ensure_database
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py collectstatic --noinput --verbosity 0
if [ -n "${SEED:-}" ]; then .venv/bin/python manage.py seed_demo --size "$SEED"; fi
echo "Serving MentorBridge (production shape) at http://$BIND with $WEB_WORKERS web and $TASK_WORKERS task workers"
exec .venv/bin/honcho --procfile deploy/Procfile --app-root . start --concurrency "worker=$TASK_WORKERS" "$@"
