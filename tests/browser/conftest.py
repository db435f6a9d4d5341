"""Browser fixtures: Debian's Chromium driven by Playwright against ``live_server``.

Playwright cannot download its own browsers here, so the tests launch the
system Chromium (``/usr/bin/chromium`` or ``CHROMIUM_PATH``) and skip, with a
reason, only when it is not installed.

``live_server`` is session-scoped, threaded and transactional: everything a
test writes through the ORM is committed and seen by the server threads, and
the tables are flushed after each test.
"""

import asyncio
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connections
from django.test import Client as HttpClient
from playwright.sync_api import sync_playwright

from tickets.models import Department, Tag

from .helpers import (
    CLIENT_PHONE_E164,
    CLIENT_PHONE_TYPED,
    enter_code,
    latest_code,
    managers_group,
    request_code,
)

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Fail fast: every page here is served from loopback in milliseconds.
ACTION_TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def _playwright_session():
    """Playwright and Chromium, started once; ``(browser, event_loop)``."""
    if not Path(CHROMIUM_PATH).is_file():
        pytest.skip(f"Chromium not found at {CHROMIUM_PATH}: apt-get install chromium "
                    "(or set CHROMIUM_PATH)")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS
        )
    except BaseException:
        playwright.stop()
        raise
    # Between its calls Playwright's sync API leaves its event loop marked as
    # running in this thread (asyncio._set_running_loop); see _playwright_loop.
    loop = asyncio.get_running_loop()
    asyncio._set_running_loop(None)
    yield browser, loop
    asyncio._set_running_loop(loop)
    try:
        browser.close()
    finally:
        playwright.stop()
        asyncio._set_running_loop(None)


@pytest.fixture(scope="session")
def browser(_playwright_session):
    """Headless Chromium for the whole session."""
    return _playwright_session[0]


@pytest.fixture(autouse=True)
def _playwright_loop(request):
    """Keep Playwright's event loop marked as running only while a browser test runs.

    Playwright's sync API marks its loop as running in the main thread between
    calls. Outside the browser tests that would break later tests (asyncio.run,
    async_to_sync), and it changes which database connections the main thread
    sees: Django keeps them in an asgiref ``Local(thread_critical=True)``, which
    gives code "inside a running loop" a second set. So: the database and the
    live server are set up before the loop is marked (one set for setup,
    flush and teardown), the connections the test opened inside the loop are
    closed at its end, and then the mark is cleared. Otherwise one of them
    stays open and dropping the PostgreSQL test database fails with "being
    accessed by other users".
    """
    if "browser" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")
    request.getfixturevalue("live_server")
    loop = request.getfixturevalue("_playwright_session")[1]
    asyncio._set_running_loop(loop)
    try:
        yield
    finally:
        connections.close_all()
        asyncio._set_running_loop(None)


@pytest.fixture
def _live_server_closes_db_connections(live_server, monkeypatch):
    """The live server answers each browser connection in a thread that lives as
    long as Chromium keeps the socket alive. With persistent connections
    (``CONN_MAX_AGE`` > 0, the PostgreSQL default in settings) such a thread
    would hold a database session after the test, and dropping the test
    database at the end of the run fails ("being accessed by other users").
    Close the connection after every request instead."""
    monkeypatch.setitem(connections.settings[DEFAULT_DB_ALIAS], "CONN_MAX_AGE", 0)


@pytest.fixture
def new_page(browser, live_server, _live_server_closes_db_connections):
    """``new_page(**context_options)``: a page in a fresh context (own cookies).

    Relative URLs go to the live server; Russian locale; desktop viewport
    unless the options say otherwise. Contexts are closed after the test.
    """
    contexts = []

    def make(**options):
        options.setdefault("base_url", live_server.url)
        options.setdefault("locale", "ru-RU")
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(**options)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        # Chromium asks for /favicon.ico in the background; keep those requests
        # away from the server, whose threads share one in-memory SQLite
        # connection with the test.
        context.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A desktop page in a fresh context."""
    return new_page()


@pytest.fixture
def staff_page(new_page, live_server):
    """``staff_page(user, **context_options)``: a page whose context carries ``user``'s
    admin session (logged in by the test client, not through the login form)."""

    def make(user, **options):
        http = HttpClient()
        http.force_login(user)
        page = new_page(**options)
        page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                                   "value": http.cookies[settings.SESSION_COOKIE_NAME].value}])
        return page

    return make


@pytest.fixture
def manager_page(staff_page):
    """``manager_page(**context_options)``: a page logged in as Ирина Смирнова, a staff
    user of «Менеджеры»."""
    user = get_user_model().objects.create_user(
        username="irina", first_name="Ирина", last_name="Смирнова", is_staff=True)
    user.groups.add(managers_group())
    return lambda **options: staff_page(user, **options)


@pytest.fixture
def catalog(live_server):
    """Departments and tags the new-ticket form offers (committed: live_server is
    transactional). Inactive entries must not be offered."""
    return {
        "support": Department.objects.create(name="Техническая поддержка", slug="support"),
        "billing": Department.objects.create(name="Бухгалтерия", slug="billing"),
        "archive": Department.objects.create(name="Архив", slug="archive", is_active=False),
        "bug": Tag.objects.create(name="Ошибка", slug="bug"),
        "question": Tag.objects.create(name="Вопрос", slug="question"),
    }


@pytest.fixture
def log_in(sms_outbox):
    """``log_in(page)``: the whole phone + SMS code login; ends on /tickets/."""

    def run(page, phone=CLIENT_PHONE_TYPED, phone_e164=CLIENT_PHONE_E164):
        request_code(page, phone)
        enter_code(page, latest_code(sms_outbox, phone_e164))
        page.wait_for_url("**/tickets/")

    return run
