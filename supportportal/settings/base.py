"""Settings of the portal itself (the channels: ``channels.py``): everything comes from the environment through one ``environ.Env``.

Fail closed: ``DEBUG`` is off unless asked for (``make run`` writes a ``.env``
that asks), and then ``SECRET_KEY`` is required; every HTTPS switch defaults
to its secure value and can be turned off one by one for plain http on
loopback. Other defaults suit a laptop (SQLite next to the code).
``.env.example`` lists every variable.
"""

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from supportportal.storage import attachments_storage_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # never overrides variables already set
# An empty variable (``SECURE_SSL_REDIRECT=`` in .env) means "use the default".
for _name in [name for name, value in os.environ.items() if value == ""]:
    del os.environ[_name]

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

# Fail closed: DEBUG is off unless asked for, and then SECRET_KEY is required.
# The laptop asks for it in the .env `make run` writes from .env.example.
DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production (DEBUG=False) refuses to start "
            "without it: set SECRET_KEY to a long random string."
        )
    SECRET_KEY = "django-insecure-development-only-key"  # noqa: S105
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "phonenumber_field",
    "supportportal",  # the project's own system checks (supportportal/checks.py)
    "tickets",
    "delivery",
    "bitrix_integration",
    "analytics",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tickets.middleware.ClientMiddleware",
    "tickets.middleware.ContentSecurityPolicyMiddleware",
    # Last: its 413 page gets the client's header and the CSP; nothing above reads the body.
    "supportportal.limits.RequestBodyLimitMiddleware",
]

ROOT_URLCONF = "supportportal.urls"
WSGI_APPLICATION = "supportportal.wsgi.application"

TEMPLATES = [
    {
        # Client and error pages (templates/jinja2/). First, so Django's error
        # views find 404.html here.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "supportportal.templating.environment",
            "context_processors": ["django.contrib.messages.context_processors.messages",
                                   "notifications.context.telegram_hint"],
        },
    },
    {
        # Django's admin (and its overrides in templates/admin/).
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work beside a writer; IMMEDIATE takes the write lock at
    # BEGIN, so concurrent writers queue on the busy timeout instead of
    # failing with "database is locked" halfway through a transaction.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("SQLITE_BUSY_TIMEOUT", default=20),
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Prepared statements: parameters bound on the server, and a query a connection has
    # run 5 times is prepared (psycopg's threshold; Django turns it off by default for
    # poolers). PostgreSQL then skips parsing and planning each page's few queries: half
    # its CPU per client page (bench/README.md). Off behind a pooler that cannot keep
    # them (PgBouncer in transaction mode before 1.21).
    if env.bool("DB_PREPARED_STATEMENTS", default=True):
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            {"server_side_binding": True, "prepare_threshold": 5})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The open-tickets index carries INCLUDE columns for PostgreSQL's index-only counts;
# SQLite builds it without them, which is what we want there (tickets/models/tickets.py).
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# --- Sessions, security ---------------------------------------------------
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 24 * 30)
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    # Only behind our own TLS proxy that sets this header on every request.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# How many proxies of ours stand in front of the app; their X-Forwarded-For
# entries are trusted, nothing a client could forge is.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time ----------------------------------------------------
LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский")]
# The portal's own catalog: only the Russian plural forms («2 минуты», «5 минут»).
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Moscow")
USE_I18N = True
USE_TZ = True
PHONENUMBER_DEFAULT_REGION = "RU"
PHONENUMBER_DEFAULT_FORMAT = "E164"

# --- Static files ---------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATIC_MANIFEST = env.bool("STATIC_MANIFEST", default=not DEBUG)
# Without the manifest (laptop, tests) whitenoise serves straight from the
# source folders, so nothing has to be collected first.
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
ATTACHMENTS_DIR = env.path("ATTACHMENTS_DIR", default=BASE_DIR / "var" / "attachments")
# Files attached to tickets: a private folder (default), or a private S3-compatible bucket
# for several servers. Never served from a public URL: an authorised view streams them.
ATTACHMENTS_STORAGE = env.str("ATTACHMENTS_STORAGE", default="local")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "attachments": attachments_storage_config(env, local_dir=ATTACHMENTS_DIR),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Attachments and request bodies ---------------------------------------------
ATTACHMENT_MAX_MB = env.int("ATTACHMENT_MAX_MB", default=10)
ATTACHMENT_MAX_FILES = 5
# Days the files of a closed ticket are kept (attachments_prune); empty = for ever.
ATTACHMENT_RETENTION_DAYS = env.int("ATTACHMENT_RETENTION_DAYS", default=None)
if ATTACHMENT_RETENTION_DAYS is not None and ATTACHMENT_RETENTION_DAYS < 0:
    raise ImproperlyConfigured("ATTACHMENT_RETENTION_DAYS: days, 0 or more (or empty: keep).")
# Bodies (supportportal/limits.py: larger is a 413 before anything reads them): with
# files, five of ATTACHMENT_MAX_MB and 1 MB for the form; without files, that 1 MB.
REQUEST_BODY_MAX_BYTES = (ATTACHMENT_MAX_FILES * ATTACHMENT_MAX_MB + 1) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024  # a larger upload waits in a temporary file
# clamd's unix socket (e.g. /run/clamav/clamd.ctl): every upload is scanned; empty = no scan.
CLAMD_SOCKET = env.str("CLAMD_SOCKET", default="")
CLAMD_TIMEOUT = env.float("CLAMD_TIMEOUT", default=30)

# --- One-time codes -------------------------------------------------------
# Unset in production (DEBUG=False) is a system check error, never the console.
SMS_BACKEND = env.str("SMS_BACKEND", default="console" if DEBUG else "")
SMS_FILE_DIR = env.path("SMS_FILE_DIR", default=BASE_DIR / "var" / "sms")
SMS_TIMEOUT = env.float("SMS_TIMEOUT", default=10)
SMSRU_API_ID = env.str("SMSRU_API_ID", default="")
SMSC_LOGIN = env.str("SMSC_LOGIN", default="")
SMSC_PASSWORD = env.str("SMSC_PASSWORD", default="")
SMS_SENDER = env.str("SMS_SENDER", default="")
OTP_TTL_SECONDS = env.int("OTP_TTL_SECONDS", default=300)
OTP_MAX_ATTEMPTS = env.int("OTP_MAX_ATTEMPTS", default=5)
OTP_RESEND_SECONDS = env.int("OTP_RESEND_SECONDS", default=60)
OTP_PHONE_HOURLY_LIMIT = env.int("OTP_PHONE_HOURLY_LIMIT", default=5)
OTP_IP_HOURLY_LIMIT = env.int("OTP_IP_HOURLY_LIMIT", default=20)  # an IPv6 /64 is one address
OTP_IP_FAILED_HOURLY_LIMIT = env.int("OTP_IP_FAILED_HOURLY_LIMIT", default=30)  # wrong codes
# Codes the whole portal sends in an hour: far above a support portal's logins
# (tens an hour at peak), and an SMS-pumping run stops at about 200 SMS an hour.
OTP_GLOBAL_HOURLY_LIMIT = env.int("OTP_GLOBAL_HOURLY_LIMIT", default=200)
OTP_ALLOWED_REGIONS = env.list("OTP_ALLOWED_REGIONS", default=["RU", "KZ", "BY"])
OTP_FIXED_CODE = env.str("OTP_FIXED_CODE", default="")

# --- What the client pages say about the company (empty = not shown) ---------------
PORTAL_COMPANY_NAME = env.str("PORTAL_COMPANY_NAME", default="")
PORTAL_SUPPORT_PHONE = env.str("PORTAL_SUPPORT_PHONE", default="")  # e.g. +7 800 555-35-35
# The personal data policy (152-FZ) the login page's consent line links to.
PORTAL_PRIVACY_URL = env.str("PORTAL_PRIVACY_URL", default="")

# --- Writes per client (every channel: portal, Telegram) -------------------
CLIENT_TICKETS_HOURLY_LIMIT = env.int("CLIENT_TICKETS_HOURLY_LIMIT", default=10)
CLIENT_COMMENTS_HOURLY_LIMIT = env.int("CLIENT_COMMENTS_HOURLY_LIMIT", default=60)
CLIENT_FILES_HOURLY_LIMIT = env.int("CLIENT_FILES_HOURLY_LIMIT", default=30)
CLIENT_UPLOAD_MB_HOURLY_LIMIT = env.int("CLIENT_UPLOAD_MB_HOURLY_LIMIT", default=100)

# --- Manager API ------------------------------------------------------------
# Key bots and scripts send in X-Manager-Key; empty = the API answers 401 to all.
MANAGER_API_KEY = env.str("MANAGER_API_KEY", default="")

# --- Logging --------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django": {"level": "INFO", "propagate": True}},
}
