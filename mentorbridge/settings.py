"""MentorBridge settings: one module, every value from the environment, safe development defaults.

Production values are listed in docs/operations.md; `python manage.py check --deploy` is clean with them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

# Django's ModelAdmin, ModelForm, Lookup and the like become subscriptable at run time
# (`admin.ModelAdmin[Member]`), as django-stubs spells them; classes already generic are untouched.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    """A setting from the environment; `NAME_FILE` (a path holding the value) wins, for secrets."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text().strip()
    return os.environ.get(name, default)


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool) -> bool:
    """A yes/no setting. Anything but the usual spellings stops start-up: a typo such as
    `DEBUG=flase` must not quietly mean False (or True)."""
    value = env_str(name, "").strip().lower()
    if not value:
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a yes/no value: use one of "
        f"{', '.join(sorted(_TRUE))} or {', '.join(sorted(_FALSE))}."
    )


def env_int(name: str, default: int) -> int:
    value = env_str(name, "")
    return int(value) if value else default


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
# The development key is only ever used with DEBUG on; production must set SECRET_KEY (checked below).
_DEV_SECRET = "dev-only-insecure-secret-key-change-me-in-production-0123456789"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DEBUG is off (see docs/operations.md).")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "ninja",
    "mentorbridge.core",
    "mentorbridge.accounts",
    "mentorbridge.members",
    "mentorbridge.programs",
    "mentorbridge.matching",
    "mentorbridge.mentorships",
    "mentorbridge.outcomes",
    "mentorbridge.dashboard",
    "mentorbridge.api",
    "mentorbridge.community",
    "mentorbridge.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "mentorbridge.core.middleware.RefuseNullCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "mentorbridge.accounts.middleware.RequireStaffMFAMiddleware",
    "mentorbridge.accounts.middleware.PasswordSignInOffMiddleware",
]

ROOT_URLCONF = "mentorbridge.urls"
WSGI_APPLICATION = "mentorbridge.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "mentorbridge" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mentorbridge.core.context_processors.navigation",
                "mentorbridge.accounts.context_processors.sign_in",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web process and a task worker share the file without
    # "database is locked" errors; IMMEDIATE makes write transactions take the lock up front.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "members:me"
LOGOUT_REDIRECT_URL = "home"

# django-allauth: email is the identity; it must be verified before the first login.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_RATE_LIMITS = {
    # Failed logins lock one account after 5 tries, and one client address only after many more:
    # behind a load balancer or a hospital's NAT many members share an address, and one member's
    # typos (or an attacker's guesses at random emails) must not lock the others out.
    "login_failed": env_str("LOGIN_FAILED_RATE", "5/5m/key,60/5m/ip"),
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
# The client address rate limits are keyed by: the REMOTE_ADDR, or with TRUSTED_PROXY_COUNT=n the
# n-th address from the right of X-Forwarded-For (the one the outermost proxy we run saw), or the
# header a trusted proxy sets (TRUSTED_CLIENT_IP_HEADER, e.g. X-Real-IP). See docs/operations.md.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env_str("TRUSTED_CLIENT_IP_HEADER", "") or None
ACCOUNT_ADAPTER = "mentorbridge.accounts.adapter.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[MentorBridge] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if not DEBUG else "http"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]

# Sign-in through the society's identity provider, OpenID Connect (docs/sign-in.md). Off until
# SSO_ISSUER is set; the client secret normally comes from a file (SSO_CLIENT_SECRET_FILE).
SSO_ISSUER = env_str("SSO_ISSUER", "").rstrip("/")
SSO_CLIENT_ID = env_str("SSO_CLIENT_ID", "")
SSO_CLIENT_SECRET = env_str("SSO_CLIENT_SECRET", "")
SSO_NAME = env_str("SSO_NAME", "the society")  # the button says "Sign in with <SSO_NAME>"
SSO_SCOPES = env_list("SSO_SCOPES", "openid,profile,email")
# Claims that carry the society's own data about a member (names are the provider's choice).
SSO_STAGE_CLAIM = env_str("SSO_STAGE_CLAIM", "training_stage")
SSO_CATEGORY_CLAIM = env_str("SSO_CATEGORY_CLAIM", "membership_category")
# PASSWORD_LOGIN=false: the society's sign-in is the only way in (no password login, reset or
# sign-up; accounts are made at the first sign-in through the society).
PASSWORD_LOGIN = env_bool("PASSWORD_LOGIN", True)
if SSO_ISSUER and not (SSO_CLIENT_ID and SSO_CLIENT_SECRET):
    raise ImproperlyConfigured("SSO_ISSUER needs SSO_CLIENT_ID and SSO_CLIENT_SECRET(_FILE).")
if not PASSWORD_LOGIN and not SSO_ISSUER:
    raise ImproperlyConfigured("PASSWORD_LOGIN=false needs SSO_ISSUER: nobody could sign in.")


def sso_providers(
    *, issuer: str, client_id: str, secret: str, name: str, scopes: list[str]
) -> dict[str, object]:
    """SOCIALACCOUNT_PROVIDERS for one OpenID Connect provider (also used by the tests)."""
    apps = []
    if issuer:
        apps.append(
            {
                "provider_id": "society",
                "name": name,
                "client_id": client_id,
                "secret": secret,
                "settings": {"server_url": issuer},
            }
        )
    return {"openid_connect": {"APPS": apps, "OAUTH_PKCE_ENABLED": True, "SCOPE": scopes}}


SOCIALACCOUNT_PROVIDERS = sso_providers(
    issuer=SSO_ISSUER,
    client_id=SSO_CLIENT_ID,
    secret=SSO_CLIENT_SECRET,
    name=SSO_NAME,
    scopes=SSO_SCOPES,
)
SOCIALACCOUNT_ADAPTER = "mentorbridge.accounts.sso.SocietyAccountAdapter"
# The society's provider is trusted with email addresses it says it verified: such a sign-in
# logs in to the account with that address (a roster import's, or one made with a password) and
# links the two, so the next sign-in finds it even after an email change. Addresses the provider
# did not verify are refused (accounts.sso), never linked.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"  # only provider-verified addresses get this far
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_LOGIN_ON_GET = False  # the button POSTs (with CSRF); a GET shows a confirm page
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = env_int("SSO_TIMEOUT", 10)
MFA_TOTP_ISSUER = "MentorBridge"

# Allauth's rate limits count in the cache; several app processes need a shared one (docs/operations.md).
CACHES = {
    "default": {
        "BACKEND": env_str("CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
        "LOCATION": env_str("CACHE_LOCATION", "mentorbridge"),
    }
}

# Sessions: read from the cache when every app process shares it (Redis in production), so a
# logged-in page does not query the session table; always kept in the database (accounts.sessions).
# A per-process cache (development, tests) keeps them in the database alone: a logout in one
# process must end the session in all of them.
_SHARED_CACHE = not CACHES["default"]["BACKEND"].endswith(("LocMemCache", "DummyCache"))
SESSION_ENGINE = env_str(
    "SESSION_ENGINE",
    "mentorbridge.accounts.sessions" if _SHARED_CACHE else "django.contrib.sessions.backends.db",
)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "MentorBridge <mentorship@example.org>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Background jobs: the Tasks API. "immediate" runs a task in the request (development, tests);
# "database" queues it for `python manage.py db_worker` (production, several workers).
_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[env_str("TASKS_BACKEND", "immediate")]}}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "mentorbridge" / "static"]
# WhiteNoise (STATICFILES_BACKEND in production) compresses every file with gzip and Brotli at
# collectstatic: keep only the hashed copies and leave source maps uncompressed, which took
# `make serve`'s start from about a minute of CPU to a fraction of it.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env_str(
            "STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Security: strict in production, convenient in development.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Largest request body Django reads into memory: guards every form against oversized input.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
# Largest request body accepted at all, whatever its content type (files included; see
# core.middleware). Not above DATA_UPLOAD_MAX_MEMORY_SIZE: the limit check reads the body.
REQUEST_BODY_MAX_BYTES = min(
    env_int("REQUEST_BODY_MAX_BYTES", DATA_UPLOAD_MAX_MEMORY_SIZE), DATA_UPLOAD_MAX_MEMORY_SIZE
)

# LOG_FORMAT=json (make serve, production): one JSON object per line, each with the request id;
# every request is one line of "mentorbridge.request" (method, path, status, duration, user id).
# Server errors also go to ADMINS by email (Django's mail_admins handler, when DEBUG is off).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "mentorbridge.core.requestlog.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": env_str("LOG_FORMAT", "text"),
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "mentorbridge.request": {
            "level": env_str("REQUEST_LOG_LEVEL", "WARNING" if DEBUG else "INFO")
        },
    },
}

ADMINS = [("Ops", a) for a in env_list("ADMIN_EMAILS", "")]

# The JSON API (docs/api.md): requests per token (or per signed-in member) per minute, counted in
# the cache above, so several app processes share the count when CACHE_BACKEND is Redis.
API_RATE_LIMIT = env_int("API_RATE_LIMIT", 300)
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 365)
# Webhook URLs must resolve to public addresses (no 127.0.0.1, 10.x, 169.254.x, ...): the app
# servers post to them. true: allow internal ones (a receiver on this machine or in your network;
# the tests' receivers on 127.0.0.1).
WEBHOOK_ALLOW_INTERNAL_URLS = env_bool("WEBHOOK_ALLOW_INTERNAL_URLS", False)

# Content Security Policy (django-csp): scripts only from our own origin (or inline with the
# request's nonce, `{{ request.csp_nonce }}`), never inline handlers; nothing from other origins.
# Inline `style` attributes are allowed (style-src-attr) but not inline <style> elements: htmx's
# indicator <style> is turned off in base.html (htmx-config) and its rules live in site.css.
from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "style-src-elem": [SELF],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}


def csp_allow_sso(policy: dict[str, Any], issuer: str) -> None:
    """The login page's "Sign in with ..." form is answered by a redirect to the provider, which
    Chromium checks against form-action: the provider's origin must be allowed there."""
    if issuer:
        parts = issuer.split("/")
        origin = "/".join(parts[:3])
        if origin not in policy["DIRECTIVES"]["form-action"]:
            policy["DIRECTIVES"]["form-action"].append(origin)


csp_allow_sso(CONTENT_SECURITY_POLICY, SSO_ISSUER)
MIDDLEWARE += [
    "csp.middleware.CSPMiddleware",
    "mentorbridge.core.headers.PermissionsPolicyMiddleware",
]
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# The emailed accept/decline link is a credential: throttle it per address and per link.
ACCOUNT_RATE_LIMITS["request_answer"] = env_str("REQUEST_ANSWER_RATE", "30/m/ip,10/m/key")
# First of all, so the request id and the duration cover every other middleware.
MIDDLEWARE.insert(0, "mentorbridge.core.requestlog.RequestLogMiddleware")
# /healthz reports the task queue as stalled when the oldest ready task waited longer than this.
HEALTHZ_TASK_STALL_SECONDS = env_int("HEALTHZ_TASK_STALL_SECONDS", 300)

# The site's words for django-allauth's pages ("Log in / Join"): mentorbridge/locale/en.
LOCALE_PATHS = [BASE_DIR / "mentorbridge" / "locale"]

# A task RUNNING for longer than this is taken to have lost its worker (manage.py recover_tasks).
TASK_LEASE_SECONDS = env_int("TASK_LEASE_SECONDS", 900)
# For the file email backend (a directory that gets one file per message): fault tests, staging.
if env_str("EMAIL_FILE_PATH"):
    EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH")
