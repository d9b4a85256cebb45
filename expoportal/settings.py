"""Settings for Expo Portal.

One file for every environment: whatever differs between environments is read from an
environment variable (see README.md, "Configuration").
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from expoportal.release import code_fingerprint

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. For local development run `make run`, which sets DEBUG=1."
        )
    # Only ever used with DEBUG on, on a developer's machine.
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_countries",
    "django_filters",
    "django_tables2",
    "import_export",
    "simple_history",
    "axes",
    # The project's own apps, lowest layer first (README.md, "Layout").
    "core",
    "editions",
    "projects",
    "portal",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "expoportal.middleware.DatabaseUnavailableMiddleware",
    "expoportal.middleware.NotFoundPageMiddleware",
    # Last, as django-axes asks: turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "expoportal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "expoportal.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}

# A query that runs longer than this is cancelled by PostgreSQL (the page becomes a 503) instead of
# holding a worker. 0 turns the limit off, e.g. for a long one-off migration.
DB_STATEMENT_TIMEOUT_MS = int(os.environ.get("DB_STATEMENT_TIMEOUT_MS", "5000"))
# A server that accepts the connection but never answers (overloaded, half-dead, behind a firewall that
# drops its packets) would otherwise hold the worker for psycopg's 130 s, until gunicorn kills it with a
# 500 after 30: give up after this many seconds and answer 503. libpq and psycopg count at least 2.
DB_CONNECT_TIMEOUT_SECONDS = int(os.environ.get("DB_CONNECT_TIMEOUT_SECONDS", "3"))
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = DB_CONNECT_TIMEOUT_SECONDS
    # No JIT compilation: it starts when a plan's estimated cost passes jit_above_cost, as a sort of a search's
    # matches planned with index walks switched off does (projects/search_pages.py), and compiling took 250 ms
    # of a query whose own work was 90 ms. A page's queries take milliseconds, where compiling never pays.
    server_options = ["-c jit=off"]
    if DB_STATEMENT_TIMEOUT_MS:
        server_options.append(f"-c statement_timeout={DB_STATEMENT_TIMEOUT_MS}")
    DATABASES["default"]["OPTIONS"]["options"] = " ".join(server_options)
elif DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Two saves at once: SQLite lets only one transaction write. A transaction that began by reading and
    # then wants to write while another writes fails at once with "database is locked" (the 503 page);
    # one that takes the write lock when it begins (IMMEDIATE) waits for the other to commit, up to the
    # timeout, then sees its changes, so a stale change form is refused as on PostgreSQL. WAL lets pages
    # keep reading while someone writes; synchronous stays FULL, so a saved change survives a power cut.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE",
        timeout=20,
        init_command="PRAGMA journal_mode=WAL;",
    )
# On PostgreSQL each process keeps the cache's data tokens between requests and LISTENs for their changes on a
# connection of its own (core/caching/notices.py): a page from the cache then costs no query. 0 reads them on
# every request instead (one round trip each, one connection less per process).
DATA_TOKENS_LISTEN = env_bool("DATA_TOKENS_LISTEN", True)

# Two caches (core/caching/__init__.py): "default" holds the aggregates every page reads, a bounded number of
# entries (a few per edition); "questions" holds what each visitor's question adds, one whole page per address
# and one set of facet counts per search word or value range, so many distinct questions cull one another and
# never the aggregates. With Redis both are the one cache every worker shares (Redis evicts by its own
# maxmemory policy); otherwise each worker keeps its own, with sizes set here rather than Django's default of
# 300 entries. A page is 25-50 kB (160 kB at 200 rows), so 2,000 pages take about 100 MB a worker, 320 MB at most.
if os.environ.get("REDIS_URL"):
    CACHES = {
        alias: {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
        for alias in ("default", "questions")
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "aggregates",
                    "OPTIONS": {"MAX_ENTRIES": 5_000}},
        "questions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "questions",
                      "OPTIONS": {"MAX_ENTRIES": 2_000}},
    }  # fmt: skip

# A new release never reads what an older one cached (expoportal/release.py).
_release_prefix = os.environ.get("RELEASE") or code_fingerprint(BASE_DIR)
for _alias in CACHES.values():
    _alias["KEY_PREFIX"] = _release_prefix

# How long a browser or a reverse proxy may serve a public page or open-data answer without asking again
# (core/caching/http.py): an edit shows through a proxy once it has passed.
PUBLIC_MAX_AGE_SECONDS = int(os.environ.get("PUBLIC_MAX_AGE_SECONDS", "60"))

# django-axes first: it refuses a locked-out login before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("PLAIN_STATIC_STORAGE")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGIN_URL = "admin:login"
# Where a sign-in lands without a safe ?next= (an outside address is ignored): not Django's /accounts/profile/.
LOGIN_REDIRECT_URL = "admin:index"

# django-tables2: our own template keeps the look of the site and adds aria-sort.
DJANGO_TABLES2_TEMPLATE = "includes/_table.html"

# django-import-export: one transaction per import, so a bad row imports nothing.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "without_traceback": {
            "()": "django.utils.log.CallbackFilter",
            "callback": "ext://expoportal.logs.without_traceback",
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # A request with a Host header not in ALLOWED_HOSTS is refused (400) and logged as one line, not a traceback.
    "loggers": {"django.security.DisallowedHost": {"filters": ["without_traceback"]}},
}

# Security. Cookies are Secure whenever DEBUG is off. The settings that only make sense behind HTTPS
# (redirect to HTTPS, HSTS preload/subdomains) are switched on by their environment variables, so
# that tests, a loopback load test and a plain-HTTP trial run keep working; README.md, "Security",
# lists the production values, and `manage.py check --deploy` fails without them.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT")
# Load balancers probe the health endpoint over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# HSTS is only ever sent on HTTPS responses, so a default of one year is harmless over HTTP.
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
# Set BEHIND_PROXY=1 only when a proxy that sets X-Forwarded-Proto (and X-Forwarded-For) is the sole
# way in; otherwise a client could claim HTTPS or another address.
BEHIND_PROXY = env_bool("BEHIND_PROXY")
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy: everything from this site only; no inline script or style anywhere
# (the admin of Django 6 needs none either). A chart that needs styles ships them in a file.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# django-axes: five failed sign-ins for one user name from one address lock that pair out for an
# hour (AXES_COOLOFF_HOURS); a successful sign-in clears the count.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_CLIENT_IP_CALLABLE = "expoportal.middleware.client_ip"
