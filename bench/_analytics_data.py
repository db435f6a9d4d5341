"""The database of ``analytics_100k.py`` and its data: tickets over the last 365 days
with their messages, written with ``bulk_create`` (see that script's docstring)."""

from __future__ import annotations

import random
import secrets
import time
from datetime import timedelta
from pathlib import Path

from _inprocess import configure_django
from _server import PG_SUFFIX

PG_NAME = "portal_bench_analytics" + PG_SUFFIX

CLIENTS = 20_000
MANAGERS = 12
BATCH = 5_000
SEED = 2026
DEPARTMENTS = [("Техническая поддержка", "support", 40), ("Бухгалтерия", "billing", 25),
               ("Продажи", "sales", 15), ("Доставка", "delivery", 12), ("Юристы", "legal", 8)]
TAGS = ["Ошибка", "Вопрос", "Оплата", "Доступ", "Интеграция", "Отчёты", "Документы", "Другое"]
CRITICALITY = {"low": 20, "normal": 55, "high": 20, "critical": 5}
RATINGS = {5: 50, 4: 25, 3: 10, 2: 8, 1: 7}


# --- environment and database ------------------------------------------------------------------
API_KEY = "bench-" + secrets.token_urlsafe(24)  # a short key would stop the DEBUG=False start


def configure(db: str, tmp: Path) -> str:
    """Django in this process on a fresh, migrated database; returns its URL."""
    url = configure_django(db, tmp, PG_NAME, MANAGER_API_KEY=API_KEY)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    return url


def _weighted(rng, table: dict):
    return rng.choices(list(table), weights=list(table.values()))[0]


def generate(count: int) -> tuple[int, float]:
    """``count`` tickets over the last 365 days with their messages; (messages, seconds)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from tickets.models import Client, Department, Message, Tag, Ticket

    started = time.perf_counter()
    rng = random.Random(SEED)
    now = timezone.now()
    departments = [Department.objects.create(name=name, slug=slug)
                   for name, slug, _share in DEPARTMENTS]
    dept_weights = [share for _n, _s, share in DEPARTMENTS]
    tags = [Tag.objects.create(name=name, slug=f"tag-{i}") for i, name in enumerate(TAGS)]
    get_user_model().objects.bulk_create(
        get_user_model()(username=f"manager{i}", first_name=f"Менеджер {i}", is_staff=True)
        for i in range(MANAGERS))
    managers = list(get_user_model().objects.filter(is_staff=True).order_by("pk"))
    Client.objects.bulk_create((Client(id=n, phone=f"+7999{n:07d}", name=f"Клиент {n}",
                                       created_at=now) for n in range(1, CLIENTS + 1)),
                               batch_size=BATCH)
    messages_total = 0
    ages = sorted((rng.uniform(60, 365 * 86400) for _ in range(count)), reverse=True)
    for first in range(1, count + 1, BATCH):
        tickets, messages = [], []
        for pk in range(first, min(first + BATCH, count + 1)):
            created = now - timedelta(seconds=ages[pk - 1])
            age_days = (now - created).total_seconds() / 86400
            assignee = rng.choice(managers) if rng.random() < 0.88 else None
            replier = assignee or rng.choice(managers)
            first_response = created + timedelta(seconds=min(rng.expovariate(1 / 5400),
                                                             3 * 86400))
            if rng.random() > 0.92 or first_response >= now:
                first_response = None
            done = first_response is not None and rng.random() < min(0.95, age_days / 14)
            resolved = None
            if done:
                resolved = first_response + timedelta(seconds=rng.expovariate(1 / 129600))
                resolved = min(resolved, now - timedelta(seconds=1))
                status = rng.choice([Ticket.Status.RESOLVED, Ticket.Status.CLOSED])
            elif first_response is None:
                status = Ticket.Status.NEW
            else:
                status = rng.choice([Ticket.Status.IN_PROGRESS, Ticket.Status.WAITING])
            tickets.append(Ticket(
                id=pk, client_id=rng.randint(1, CLIENTS), title=f"Заявка {pk}",
                description="Описание проблемы.",
                criticality=_weighted(rng, CRITICALITY),
                tag=rng.choice(tags) if rng.random() < 0.88 else None,
                department=rng.choices(departments, weights=dept_weights)[0],
                status=status, assignee=assignee, created_at=created,
                updated_at=resolved or first_response or created,
                first_response_at=first_response, resolved_at=resolved,
                first_response_seconds=(first_response - created).total_seconds()
                if first_response else None,
                resolution_seconds=(resolved - created).total_seconds() if resolved else None,
                rating=_weighted(rng, RATINGS) if done and rng.random() < 0.45 else None,
            ))
            messages.append(Message(ticket_id=pk, author_kind=Message.AuthorKind.CLIENT,
                                    author_name="Клиент", text="Не работает.",
                                    source=Message.Source.PORTAL, created_at=created))
            if rng.random() < 0.35:
                messages.append(Message(
                    ticket_id=pk, author_kind=Message.AuthorKind.MANAGER, author_user=replier,
                    author_name=replier.first_name, text="Внутренняя заметка.",
                    is_internal=True, source=Message.Source.ADMIN,
                    created_at=created + timedelta(seconds=30)))
            if first_response is not None:
                messages.append(Message(
                    ticket_id=pk, author_kind=Message.AuthorKind.MANAGER, author_user=replier,
                    author_name=replier.first_name, text="Смотрим.",
                    source=Message.Source.ADMIN, created_at=first_response))
                if rng.random() < 0.45:
                    messages.append(Message(
                        ticket_id=pk, author_kind=Message.AuthorKind.CLIENT,
                        author_name="Клиент", text="Спасибо, жду.",
                        source=Message.Source.PORTAL,
                        created_at=first_response + timedelta(minutes=5)))
                if rng.random() < 0.3:
                    messages.append(Message(
                        ticket_id=pk, author_kind=Message.AuthorKind.MANAGER,
                        author_user=replier, author_name=replier.first_name,
                        text="Готово.", source=Message.Source.ADMIN,
                        created_at=first_response + timedelta(minutes=30)))
        Ticket.objects.bulk_create(tickets)
        Message.objects.bulk_create(messages, batch_size=BATCH)
        messages_total += len(messages)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:  # as the next deploy would: its migrate runs ANALYZE (analytics/statistics.py)
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
    return messages_total, time.perf_counter() - started
