"""Screenshots of the client pages, the same way every time (before/after a change).

    .venv/bin/python docs/screens/take.py after          # → docs/screens/after-client-*.png
    .venv/bin/python docs/screens/take.py before --only list

Starts the portal on a throwaway SQLite database filled by ``seed_demo``, logs in as
the demo client (DEBUG with ``OTP_FIXED_CODE``, for this database only), and shoots each
client page at 390×844 (a phone) and 1280×900 with Debian's Chromium (as the browser
tests do). PNGs are reduced to a small palette so they stay a few tens of KB.
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
SIZES = {"390": {"width": 390, "height": 844}, "1280": {"width": 1280, "height": 900}}
CODE = "0000"
MAX_HEIGHT = 2400  # a long page is cut here: enough to judge it, small enough to commit


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env):
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["migrate", "--noinput", "-v0"], ["seed_demo"]):
        subprocess.run(manage + command, env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    port = free_port()
    server = subprocess.Popen(manage + ["runserver", "--noreload", f"127.0.0.1:{port}"],
                              env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/healthz", timeout=1)
            return server, url
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start")


def save(page, name):
    path = OUT / f"{name}.png"
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    image = Image.open(path).convert("RGB")
    if image.height > MAX_HEIGHT:
        image = image.crop((0, 0, image.width, MAX_HEIGHT))
    image.quantize(colors=48, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
    print(f"{path.relative_to(ROOT)}  {path.stat().st_size // 1024} KB")


def shoot(browser, url, prefix, size, only):
    context = browser.new_context(base_url=url, viewport=SIZES[size], locale="ru-RU",
                                  device_scale_factor=1)
    page = context.new_page()

    def want(name):
        return not only or name in only

    page.goto("/login/")
    if want("login"):
        save(page, f"{prefix}-client-login-{size}")
    page.get_by_label("Номер телефона").fill("+7 999 123-45-67")
    page.get_by_role("button", name="Получить код").click()
    page.wait_for_url("**/login/verify/")
    if want("verify"):
        save(page, f"{prefix}-client-verify-{size}")
    page.get_by_label("Код из SMS").fill(CODE)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url("**/tickets/")
    if want("list"):
        save(page, f"{prefix}-client-list-{size}")
    page.goto("/tickets/new/")
    if want("new"):
        save(page, f"{prefix}-client-new-{size}")
    if want("new-errors"):
        page.get_by_role("button", name="Отправить заявку").click()
        save(page, f"{prefix}-client-new-errors-{size}")
    for name, title, tab in (("card", "Не печатаются счета", "open"),
                             ("card-resolved", "акт сверки", "done")):
        if want(name):
            page.goto(f"/tickets/?status={tab}")
            page.get_by_text(title).first.click()
            page.wait_for_url("**/tickets/*/**")
            save(page, f"{prefix}-client-{name}-{size}")
    if want("notifications"):
        page.goto("/notifications/")
        save(page, f"{prefix}-client-notifications-{size}")
    context.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("prefix", help="before or after")
    parser.add_argument("--only", nargs="*", default=[],
                        help="login verify list new new-errors card card-resolved notifications")
    parser.add_argument("--size", choices=sorted(SIZES), nargs="*", default=sorted(SIZES))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DEBUG": "True", "OTP_FIXED_CODE": CODE, "SMS_BACKEND": "console",
               "DATABASE_URL": f"sqlite:///{tmp}/screens.sqlite3", "LOG_LEVEL": "WARNING",
               "STATIC_MANIFEST": "False",
               # What a company sets (README): the login page shows it.
               "PORTAL_COMPANY_NAME": "ООО «Ромашка»", "PORTAL_SUPPORT_PHONE": "+7 800 555-35-35",
               "PORTAL_PRIVACY_URL": "https://example.ru/privacy"}
        server, url = start_server(env)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True,
                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
                for size in args.size:
                    shoot(browser, url, args.prefix, size, args.only)
                browser.close()
        finally:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
