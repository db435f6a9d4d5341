"""Test environment, set before Django's settings are read.

Loaded as a pytest plugin (``-p tests.testenv`` in pyproject.toml) because
pytest-django imports the settings before any conftest.py is read.

Tests run with production-like settings (DEBUG=False) but over plain http,
with SMS written to files and plain static storage (no collectstatic).
"""

import os
import tempfile

os.environ["DEBUG"] = "False"
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-" + "x" * 40)
for switch in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
               "SECURE_HSTS_SECONDS", "STATIC_MANIFEST"):
    os.environ[switch] = "0" if switch == "SECURE_HSTS_SECONDS" else "False"
os.environ["SMS_BACKEND"] = "file"
os.environ["SMS_FILE_DIR"] = tempfile.mkdtemp(prefix="portal-sms-")
os.environ["OTP_FIXED_CODE"] = ""
os.environ["STATIC_ROOT"] = tempfile.mkdtemp(prefix="portal-static-")
os.environ["TRUSTED_PROXY_COUNT"] = "0"
os.environ["ATTACHMENTS_DIR"] = tempfile.mkdtemp(prefix="portal-attachments-")
# A laptop .env's demo keys must not reach tests that run with DEBUG=False; tests
# that need a key set it themselves.
for key in ("MANAGER_API_KEY", "BITRIX_INBOUND_KEY", "BITRIX_EVENT_TOKEN",
            "TELEGRAM_WEBHOOK_SECRET"):
    os.environ[key] = ""
os.environ.setdefault("LOG_LEVEL", "WARNING")
# Playwright's sync API runs an event loop in this thread; the ORM calls made
# by live_server tests are still synchronous. Tests only, never deployment.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
