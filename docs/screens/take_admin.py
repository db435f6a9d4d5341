"""Screenshots of the manager's pages, taken the same way before and after a change.

    .venv/bin/python docs/screens/take_admin.py before   # or: after

A fresh SQLite database in var/screens/ gets `seed_demo` plus a dozen tickets from
several clients (long titles, every status, some overdue or at risk); a dev server
on 127.0.0.1:8765 serves it; Chromium (/usr/bin/chromium, as in the browser tests)
logs in as the demo manager and photographs what a manager sees without scrolling:
the first screen after login, the queue at 1280 and 1920 px, a ticket card and the
analytics page (1280 px and a 390 px phone). PNGs go to docs/screens/<prefix>-*.png,
reduced to a palette so each stays a few tens of KB.
"""

import os
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
DB = ROOT / "var" / "screens" / "db.sqlite3"
PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"

CLIENTS = [("+79161234501", "Ольга Петрова"), ("+79261234502", "ООО «Ромашка», бухгалтерия"),
           ("+77011234503", ""), ("+79031234504", "Сергей")]
TICKETS = [  # client index, title, criticality, status, SLA: hours to due (None = none)
    (0, "Не проходит оплата картой в личном кабинете, ошибка 502 при подтверждении",
     "critical", "new", -2),
    (1, "Нужны закрывающие документы за ноябрь", "normal", "in_progress", 0.5),
    (2, "Как сменить номер телефона для входа?", "low", "new", 10),
    (3, "Сломалась выгрузка отчёта https://reports.example.ru/export/2026/11/very/long/path"
        "?format=xlsx&department=all", "high", "waiting", None),
    (0, "Повторное списание по счёту № 4411", "high", "in_progress", 3),
    (1, "Добавить второго пользователя", "low", "waiting", None),
    (2, "Не приходит SMS с кодом", "critical", "in_progress", -0.5),
    (3, "Вопрос по договору оферты", "normal", "new", 20),
    (0, "Старый вопрос, уже решён", "normal", "resolved", None),
    (1, "Закрытая заявка", "low", "closed", None),
]


def extra_data():
    """Runs inside Django: more tickets than seed_demo makes, in every state."""
    import django

    django.setup()
    from django.utils import timezone

    from tickets import services
    from tickets.models import Client, Department, Message, Ticket

    if Ticket.objects.count() > 3:
        return
    departments = list(Department.objects.order_by("pk"))
    clients = [Client.objects.get_or_create(phone=p, defaults={"name": n})[0] for p, n in CLIENTS]
    now = timezone.now()
    for i, (who, title, criticality, status, due) in enumerate(TICKETS):
        ticket = services.ticket_create(
            client=clients[who], title=title, department=departments[i % len(departments)],
            description=f"{title}. Подробности: всё началось вчера вечером, повторяется.",
            criticality=criticality)
        if status != "new":
            services.message_add(ticket=ticket, author_kind=Message.AuthorKind.MANAGER,
                                 author_name="Ирина Смирнова", text="Смотрим.",
                                 source=Message.Source.ADMIN)
            services.ticket_change_status(ticket=ticket, status=status, source="admin")
        if status == "in_progress" and i % 2:
            services.message_add(ticket=ticket, author_kind=Message.AuthorKind.CLIENT,
                                 text="Есть новости?", source=Message.Source.PORTAL)
        if due is not None:  # what the SLA clock stores (tickets.services.sla)
            Ticket.objects.filter(pk=ticket.pk).update(
                sla_due_at=now + timedelta(hours=due),
                sla_warn_at=now + timedelta(hours=due) - timedelta(hours=1),
                sla_breached=due < 0, created_at=now - timedelta(hours=5 - i * 0.3))


def shrink(path):
    from PIL import Image

    image = Image.open(path).convert("RGB")
    image.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def shoot(prefix):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-gpu"])

        def page_at(width, height=900):
            context = browser.new_context(viewport={"width": width, "height": height},
                                          locale="ru-RU", base_url=BASE)
            page = context.new_page()
            page.goto("/admin/login/")
            page.fill("#id_username", "manager")
            page.fill("#id_password", "manager-demo-password")
            page.click("[type=submit]")
            page.wait_for_load_state()
            return page

        def save(page, name):
            path = OUT / f"{prefix}-{name}.png"
            page.screenshot(path=str(path))
            shrink(path)
            print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KB")

        page = page_at(1280)
        save(page, "first-screen-1280")  # wherever login lands
        page.goto("/admin/tickets/ticket/")
        save(page, "queue-1280")
        page.goto("/admin/tickets/ticket/4/change/")
        save(page, "card-1280")
        page.goto("/admin/analytics/")
        save(page, "analytics-1280")
        wide = page_at(1920, 1080)
        wide.goto("/admin/tickets/ticket/")
        save(wide, "queue-1920")
        phone = page_at(390, 844)
        phone.goto("/admin/analytics/")
        save(phone, "analytics-390")
        browser.close()


def main():
    prefix = sys.argv[1] if len(sys.argv) > 1 else "after"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{DB}", "DEBUG": "True",
           "DJANGO_SETTINGS_MODULE": "supportportal.settings"}
    DB.parent.mkdir(parents=True, exist_ok=True)
    DB.unlink(missing_ok=True)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "seed_demo"], cwd=ROOT, env=env, check=True)
    subprocess.run([sys.executable, __file__, "--extra-data"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen([*manage, "runserver", f"127.0.0.1:{PORT}", "--noreload"],
                              cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    try:
        for _ in range(50):
            try:
                urllib.request.urlopen(f"{BASE}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        shoot(prefix)
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    if sys.argv[1:] == ["--extra-data"]:
        sys.path.insert(0, str(ROOT))
        extra_data()
    else:
        main()
