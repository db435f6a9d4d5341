"""The Content-Security-Policy of client pages breaks nothing in a real browser
(Chromium reports every blocked resource or script on the console), and the admin,
which keeps its own scripts, still works."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _csp_reports(page):
    reports = []
    page.on("console", lambda message: reports.append(message.text)
            if "Content Security Policy" in message.text else None)
    return reports


def test_client_pages_load_under_their_csp_with_nothing_blocked(page, catalog, log_in):
    reports = _csp_reports(page)

    response = page.goto("/login/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    log_in(page)
    page.get_by_role("link", name="Новая заявка", exact=True).click()
    page.wait_for_url("**/tickets/new/")
    # The stylesheet applied: the button is styled by portal.css, not the browser default.
    assert page.locator("button.btn").first.evaluate(
        "b => getComputedStyle(b).cursor") == "pointer"

    assert reports == []


def test_an_injected_inline_script_does_not_run_on_a_client_page(page, live_server):
    reports = _csp_reports(page)
    page.goto("/login/")

    page.evaluate("""() => { const s = document.createElement('script');
        s.textContent = 'window.injected = true'; document.body.appendChild(s); }""")

    assert page.evaluate("() => window.injected === undefined")
    assert reports, "Chromium did not report the blocked inline script"


def test_admin_keeps_working_with_its_scripts(page, live_server):
    get_user_model().objects.create_superuser("boss", "boss@example.com", "boss-password-1")
    page.goto("/admin/login/")
    page.get_by_label("Имя пользователя").fill("boss")
    page.get_by_label("Пароль").fill("boss-password-1")
    page.get_by_role("button", name="Войти").click()
    reports = _csp_reports(page)

    response = page.goto("/admin/tickets/department/add/")
    page.get_by_label("Название").press_sequentially("Sklad")

    assert "content-security-policy" not in response.headers
    # Django's admin JavaScript ran: it filled the slug from the name as it was typed.
    expect(page.get_by_label("Код")).to_have_value("sklad")
    assert reports == []
