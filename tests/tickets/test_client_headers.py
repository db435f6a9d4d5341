"""Client pages carry a Content-Security-Policy with no inline scripts; an anonymous
visit to the login page writes no session row."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session

pytestmark = pytest.mark.django_db


def _script_sources(policy):
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    return directives.get("script-src", directives.get("default-src", ""))


@pytest.mark.parametrize("path", ["/login/", "/tickets/", "/no-such-page/"])
def test_client_pages_carry_a_csp_without_inline_scripts(logged_in, path):
    response = logged_in.get(path)

    policy = response["Content-Security-Policy"]
    assert "'self'" in _script_sources(policy)
    assert "unsafe-inline" not in _script_sources(policy)
    assert "unsafe-eval" not in _script_sources(policy)
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy


def test_admin_keeps_its_own_behaviour(admin_client):
    response = admin_client.get("/admin/", follow=True)  # lands on the queue

    assert response.status_code == 200
    assert "Content-Security-Policy" not in response


def test_client_templates_have_no_inline_script_or_handler():
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|javascript:", re.I)
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        if "admin" in path.parts:
            continue
        assert not inline.search(path.read_text(encoding="utf-8")), path


@pytest.mark.parametrize("path", ["/login/", "/login/?next=/tickets/new/", "/tickets/new/",
                                  "/login/verify/"])
def test_anonymous_get_creates_no_session_row(client, path):
    client.get(path, follow=True)

    assert Session.objects.count() == 0
    assert settings.SESSION_COOKIE_NAME not in client.cookies or not client.cookies[
        settings.SESSION_COOKIE_NAME].value


def test_next_survives_login_without_a_session_before_the_post(client, sms_outbox):
    page = client.get("/login/", {"next": "/tickets/new/"}).content.decode()
    assert 'name="next" value="/tickets/new/"' in page

    client.post("/login/", {"phone": "+79991234567", "next": "/tickets/new/"})
    code = re.search(r"\b(\d{6})\b", sms_outbox()[-1][1]).group(1)

    assert client.post("/login/verify/", {"code": code})["Location"] == "/tickets/new/"
