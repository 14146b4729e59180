"""Settings for Residency Planner, all driven by environment variables.

One module for every environment: development runs with the defaults (SQLite, DEBUG on
through the Makefile), production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL.
A bad or missing value stops the process at start, not at the first request.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    value = os.environ.get(name, default).strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def envint(name: str, default: str) -> int:
    value = os.environ.get(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", "0")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment, or set DEBUG=1 for development."
        )
    SECRET_KEY = "development-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is not set: list the host names the site answers to.")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # The project's apps first, so that applicants' registration/ templates win over the
    # admin's own password-reset pages. Each app is one part of the product (README).
    "programs",
    "applicants",
    "tiering",
    "strategy",
    "tracker",
    "advising",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "csp",
    "django_ratelimit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages go out gzipped (a list page of 450 KB is about 40 KB): whitenoise already serves the
    # static files compressed. Django's gzip adds random bytes against the BREACH attack.
    # Text only: a workbook or an image is already compressed (residency_planner/compression.py).
    "residency_planner.compression.TextGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the cookie set by the switcher (or at log-in from the account's saved
    # choice), else the browser's Accept-Language, else LANGUAGE_CODE. URLs stay unprefixed.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A NUL or another control character in the address (404) or a field (400), before any
    # view or the database sees it (PostgreSQL refuses NUL in text).
    "residency_planner.middleware.RefuseControlCharactersMiddleware",
    # A signed-in user's saved language wins over the cookie and the browser.
    "applicants.language.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "residency_planner.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

WSGI_APPLICATION = "residency_planner.wsgi.application"

# SQLite is the embedded default; DATABASE_URL=postgres://... switches to PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", "60"),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Two requests writing at once wait for each other (up to 20 s) instead of failing with
    # "database is locked"; IMMEDIATE takes the write lock when a transaction starts, so a
    # reader cannot deadlock by upgrading to a writer halfway.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"})

# One machine: a per-process memory cache. Several app servers: CACHE_URL=redis://host:6379/0
# gives them one shared cache (sessions and login-failure records live in the database).
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": CACHE_URL}}
elif CACHE_URL:
    raise ImproperlyConfigured(f"CACHE_URL must be a redis:// URL, got {CACHE_URL!r}")
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The task queue (residency_planner/celery.py): Celery with Redis as the broker. The default is
# the Redis of this machine, so `make run` (which starts a worker next to the server) needs no
# set-up; production names its own (docs/deploy.md). Give the broker's Redis `noeviction`: an
# evicted queue loses tasks.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/1")
if not CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured(
        f"CELERY_BROKER_URL must be a redis:// URL, got {CELERY_BROKER_URL!r}")
# Tasks run in the calling process only when asked (the tests). Even then an upload is read in
# a child process with its own limits (tracker/reading.py).
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", "0")
CELERY_TASK_EAGER_PROPAGATES = True
# Results live in the database (a tracker upload's row), not in the broker.
CELERY_TASK_IGNORE_RESULT = True
# A worker takes one task at a time, so a slow upload does not hold back the mail behind it;
# uploads have their own queue, so a worker can serve them alone (docs/deploy.md).
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ROUTES = {"tracker.tasks.*": {"queue": "uploads"}}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# A broker that is down answers the page in about two seconds, with a message, not a hang.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0,
                                    "interval_step": 0.5, "interval_max": 1}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# A tracker workbook is read in a child process that is killed after this many seconds or when
# it asks for more than this much memory; the whole task stops after TRACKER_TASK_SECONDS.
TRACKER_READ_SECONDS = envint("TRACKER_READ_SECONDS", "5")
TRACKER_READ_MEMORY_MB = envint("TRACKER_READ_MEMORY_MB", "256")
TRACKER_TASK_SECONDS = envint("TRACKER_TASK_SECONDS", "30")
# An upload no worker has finished this long after its task's limit is reported as stopped.
TRACKER_QUEUE_WAIT_SECONDS = envint("TRACKER_QUEUE_WAIT_SECONDS", "120")

# Every e-mail the site sends is counted per address and per client address, in a cache all
# processes share (the broker's Redis unless THROTTLE_CACHE_URL names another): past these, the
# page answers as usual and no e-mail goes out.
MAIL_PER_ADDRESS_PER_HOUR = envint("MAIL_PER_ADDRESS_PER_HOUR", "3")
MAIL_PER_IP_PER_HOUR = envint("MAIL_PER_IP_PER_HOUR", "20")
# Sign-up, "send the link again" and password reset answer no sooner than this after they
# start, so that their time does not tell whether an address has an account
# (applicants/same_time.py); above the password hashing a sign-up does (about 230 ms).
ACCOUNT_ANSWER_MS = envint("ACCOUNT_ANSWER_MS", "500")
THROTTLE_CACHE_URL = os.environ.get("THROTTLE_CACHE_URL", CACHE_URL or CELERY_BROKER_URL)
if THROTTLE_CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES["throttle"] = {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": THROTTLE_CACHE_URL, "KEY_PREFIX": "throttle"}
elif THROTTLE_CACHE_URL == "locmem://":  # one process only: the tests
    CACHES["throttle"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                          "LOCATION": "throttle"}
else:
    raise ImproperlyConfigured(
        f"THROTTLE_CACHE_URL must be a redis:// URL, got {THROTTLE_CACHE_URL!r}")

# The try-it page (no account) is rate-limited per address with django-ratelimit, which counts
# in the default cache. It warns that Django's own Redis backend is "not officially supported"
# (it increments atomically, which is all the counting needs), and refuses the memory cache as
# "not shared": each process then counts on its own, so with WEB_CONCURRENCY workers an address
# gets up to that many times the rate. That is still a limit on one machine; several app servers
# share one count with CACHE_URL. Only these two checks are silenced.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    SILENCED_SYSTEM_CHECKS.append("django_ratelimit.E003")
# Lists computed per minute and address from the try-it form, and page views of that list.
TRY_IT_RATE = os.environ.get("TRY_IT_RATE", "10/m")
TRY_IT_VIEW_RATE = os.environ.get("TRY_IT_VIEW_RATE", "60/m")
# Behind a proxy every request comes from the proxy's address: name the header the proxy sets
# to the client's address (e.g. HTTP_X_REAL_IP), never one a client can send itself.
if os.environ.get("RATELIMIT_IP_META_KEY"):
    RATELIMIT_IP_META_KEY = os.environ["RATELIMIT_IP_META_KEY"]

AUTH_USER_MODEL = "applicants.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "applicants:landing"  # each role's own start page
LOGOUT_REDIRECT_URL = "home"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Failed logins: after AXES_FAILURE_LIMIT failures for one account from one address, that pair is
# locked out for AXES_COOLOFF_HOURS.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_HOURS", "1")
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Failures are what a lock-out counts (AccessAttempt); a row for every successful log-in and
# log-out (AccessLog) would only grow with every applicant's visits, and nothing reads it.
AXES_DISABLE_ACCESS_LOG = True
# The login form names the email field "username" (Django's AuthenticationForm).
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# English by default; Spanish for the Latin American IMGs most of our applicants are. Adding a
# language: README, "Adding a language".
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
# Spanish numbers as Latin America writes them (1,234.5): residency_planner/formats/es.
FORMAT_MODULE_PATH = ["residency_planner.formats"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: printed to the console in development; SMTP from the environment in production.
if DEBUG and not os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
    EMAIL_PORT = envint("EMAIL_PORT", "587")
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "1")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Residency Planner <noreply@localhost>")

# Security headers. With SITE_HTTPS on (the default whenever DEBUG is off) cookies are secure,
# HSTS is sent and plain HTTP is redirected. SITE_HTTPS=0 is only for trying the production
# set-up over plain HTTP on one's own machine (benchmarks, smoke tests).
SITE_HTTPS = envbool("SITE_HTTPS", "0" if DEBUG else "1")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = SITE_HTTPS
CSRF_COOKIE_SECURE = SITE_HTTPS
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "1" if SITE_HTTPS else "0")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "31536000" if SITE_HTTPS else "0")
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "1")
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "1" if SITE_HTTPS else "0")
if envbool("BEHIND_HTTPS_PROXY", "0"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content security policy: everything from our own origin, no inline script, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# The tracker upload refuses workbooks larger than this (bytes).
TRACKER_UPLOAD_MAX_BYTES = envint("TRACKER_UPLOAD_MAX_BYTES", str(5 * 1024 * 1024))
# The catalog import refuses files larger than this (bytes).
CATALOG_IMPORT_MAX_BYTES = envint("CATALOG_IMPORT_MAX_BYTES", str(50 * 1024 * 1024))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "[%(asctime)s] %(message)s",
                             "datefmt": "%d/%b/%Y %H:%M:%S"}},
    # 4xx responses in one line; only 5xx keep their traceback (residency_planner/logs.py).
    "filters": {"one_line_4xx": {"()": "residency_planner.logs.OneLineClientErrors"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain",
                             "filters": ["one_line_4xx"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # django-axes logs every successful login at INFO; failures and lock-outs are warnings.
    "loggers": {
        "axes": {"level": "WARNING"},
        # Django's own console handler would print every django.* line a second time through
        # the root handler: let them reach the root once.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
    },
}
