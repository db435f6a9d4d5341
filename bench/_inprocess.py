"""Django configured inside a benchmark's own process, on a fresh database: for the
scripts that measure in-process (``queue_1m.py``, ``analytics_100k.py``)."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

from _server import PG_SERVER, REPO, pg_admin


def fresh_pg_database(name: str) -> None:
    pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    pg_admin(f'CREATE DATABASE "{name}"')


def configure_django(db: str, tmp: Path, pg_name: str, **extra: str) -> str:
    """Set every variable the portal reads (the developer's .env must not leak in), make
    a fresh database (a SQLite file in ``tmp``, or PostgreSQL ``pg_name``) and set Django
    up in this process. Returns the ``DATABASE_URL``."""
    url = f"sqlite:///{tmp / 'bench.sqlite3'}" if db == "sqlite" else f"{PG_SERVER}/{pg_name}"
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "supportportal.settings", "DEBUG": "False",
        "SECRET_KEY": "bench-" + secrets.token_urlsafe(40), "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": url, "CONN_MAX_AGE": "600", "TIME_ZONE": "Europe/Moscow",
        "SECURE_SSL_REDIRECT": "False", "SESSION_COOKIE_SECURE": "False",
        "CSRF_COOKIE_SECURE": "False", "SECURE_HSTS_SECONDS": "0", "STATIC_MANIFEST": "False",
        "STATIC_ROOT": str(tmp / "static"), "SMS_BACKEND": "file",
        "SMS_FILE_DIR": str(tmp / "sms"), "OTP_FIXED_CODE": "", "LOG_LEVEL": "WARNING",
        # A short key would stop the DEBUG=False start.
        "BITRIX_WEBHOOK_URL": "", "MANAGER_API_KEY": "bench-" + secrets.token_urlsafe(24),
        **extra,
    })
    (tmp / "static").mkdir()
    if db == "postgres":
        fresh_pg_database(pg_name)
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    import django

    django.setup()
    return url
