"""The data of ``queue_1m.py``: a support desk two years old, written in bulk.

Tickets are generated in Python, one tuple per row (one place for the distributions,
both databases), and written with ``COPY`` on PostgreSQL or ``executemany`` on SQLite.
Messages are derived from the tickets in SQL (``INSERT … SELECT`` over a numbers CTE):
1 to 9 per ticket, 5 on average, alternating client and manager, a tenth of the
manager's ones internal notes. On PostgreSQL the tables' secondary indexes are dropped
for the load and rebuilt after it (as ``pg_restore`` does), foreign-key triggers are
off for the load (``session_replication_role = replica``; the rows are consistent by
construction), then ``VACUUM ANALYZE``. SQLite gets ``ANALYZE``.

Shapes (seeded, the same each run):
- ids ascend with ``created_at``, evenly over 730 days (≈1,370 tickets a day);
- open tickets: most of the last 2 days, a third of the last 2 weeks, 5 % up to 60 days,
  1 % older (≈2 % of all); new 30 %, in progress 45 %, waiting on the client 25 %;
- 6 departments (35/25/15/12/8/5 %), 8 tags (12 % none), criticality 20/55/20/5 %;
- 50 managers, skewed (the busiest has ~6× the quietest); 15 % of open tickets unassigned;
- a client per five tickets (200,000 for a million) with scattered phones, skewed (some write often);
- SLA: running tickets have ``sla_due_at`` = created + the target in business hours × 3
  (a rough calendar), ``sla_warn_at`` at 80 % of it, ``sla_breached`` once past due
  (90 %: escalation runs every minute); waiting tickets have the resolution clock
  paused (no due time); done tickets carry the verdicts (85 % / 75 % met);
- ``last_public_by`` / ``last_public_at`` follow whose turn it is;
- titles and descriptions from a vocabulary, plus an error code ``E0000``–``E9999``
  in a tenth of the descriptions (a rare word to search for).
"""

from __future__ import annotations

import random
import time
from datetime import timedelta

DAYS = 730
MANAGERS = 50
SEED = 2026
DEPARTMENTS = [("Техническая поддержка", "support", 35), ("Бухгалтерия", "billing", 25),
               ("Продажи", "sales", 15), ("Доставка", "delivery", 12),
               ("Юристы", "legal", 8), ("Склад", "stock", 5)]
TAGS = ["Ошибка", "Вопрос", "Оплата", "Доступ", "Интеграция", "Отчёты", "Документы", "Другое"]
CRITICALITY = {"low": 20, "normal": 55, "high": 20, "critical": 5}
TARGET_HOURS = {"critical": (1, 8), "high": (4, 16), "normal": (8, 40), "low": (16, 80)}
VERBS = ["Не работает", "Ошибка при", "Вопрос по", "Не приходит", "Проблема с",
         "Как настроить", "Сбой в", "Не открывается", "Медленно работает", "Нужна помощь с"]
NOUNS = ["печать", "оплата", "счёт", "доступ", "интеграция", "отчёт", "выгрузка", "касса",
         "личный кабинет", "уведомления", "доставка", "договор", "акт сверки", "пароль",
         "мобильное приложение", "склад", "возврат", "скидка", "накладная", "терминал"]
PHRASES = ["После обновления", "Со вчерашнего дня", "У всех сотрудников", "Только у меня",
           "При попытке сохранить", "Когда открываю страницу", "Третий раз подряд",
           "Срочно, стоит работа", "Просьба перезвонить", "Прикладываю скриншот"]

TICKET_COLUMNS = [
    "id", "client_id", "title", "description", "criticality", "tag_id", "department_id",
    "status", "assignee_id", "created_at", "updated_at", "first_response_at", "resolved_at",
    "first_response_seconds", "resolution_seconds", "rating", "rating_comment",
    "bitrix_entity_type", "last_public_at", "last_public_by", "first_response_due_at",
    "resolution_due_at", "resolution_left_seconds", "sla_due_at", "sla_warn_at", "sla_breached",
    "sla_first_response_met", "sla_resolution_met",
]


def client_phone(n: int) -> str:
    """A scattered but unique mobile number for client ``n`` (7919 is prime to 10⁹)."""
    return f"+79{(n * 7919) % 1_000_000_000:09d}"


def client_count(tickets: int) -> int:
    """200,000 clients for a million tickets: five tickets a client on average."""
    return max(1, tickets // 5)


def _open_share(age_days: float) -> float:
    return 0.9 if age_days < 2 else 0.35 if age_days < 14 else 0.05 if age_days < 60 else 0.01


def ticket_rows(count, *, now, departments, tags, managers):
    """Tuples in TICKET_COLUMNS order, ids 1…count ascending with ``created_at``."""
    rng = random.Random(SEED)
    clients = client_count(count)
    step = DAYS * 86400 / count
    crit_codes, crit_weights = list(CRITICALITY), list(CRITICALITY.values())
    dept_weights = [share for _n, _s, share in DEPARTMENTS]
    for pk in range(1, count + 1):
        created = now - timedelta(seconds=(count - pk) * step + rng.uniform(0, step))
        age_days = (now - created).total_seconds() / 86400
        criticality = rng.choices(crit_codes, crit_weights)[0]
        first_hours, resolution_hours = TARGET_HOURS[criticality]
        is_open = rng.random() < _open_share(age_days)
        assignee = managers[min(int(rng.random() ** 1.8 * MANAGERS), MANAGERS - 1)]
        if is_open and rng.random() < 0.15:
            assignee = None
        status = (rng.choices(["new", "in_progress", "waiting"], [30, 45, 25])[0] if is_open
                  else rng.choices(["resolved", "closed"], [30, 70])[0])
        replied = status != "new"
        first_seconds = min(rng.expovariate(1 / 5400), 2 * 86400) if replied else None
        first_at = created + timedelta(seconds=first_seconds) if replied else None
        if first_at and first_at > now:
            first_at, first_seconds = now, (now - created).total_seconds()
        resolved_at = resolution_seconds = rating = None
        fr_met = res_met = None
        due = warn = fr_due = res_due = left = None
        breached = False
        if not is_open:
            resolved_at = min(first_at + timedelta(seconds=rng.expovariate(1 / 86400)), now)
            resolution_seconds = (resolved_at - created).total_seconds()
            rating = rng.choices([5, 4, 3, 2, 1], [50, 25, 10, 8, 7])[0] \
                if rng.random() < 0.4 else None
            fr_met, res_met = rng.random() < 0.85, rng.random() < 0.75
            breached = not (fr_met and res_met)
            last_by, last_at = ("manager" if rng.random() < 0.7 else "client"), resolved_at
        elif status == "waiting":
            left = rng.uniform(0.2, 1.0) * resolution_hours * 3600
            fr_met = True
            last_by, last_at = "manager", first_at
        else:
            target = (first_hours if status == "new" else resolution_hours) * 3 * 3600
            due = created + timedelta(seconds=target * rng.uniform(0.8, 1.2))
            warn = due - timedelta(seconds=0.2 * target)
            breached = due < now and rng.random() < 0.9
            fr_due, res_due = (due, None) if status == "new" else (None, due)
            if status == "in_progress":
                fr_met = True
            client_last = status == "new" or rng.random() < 0.6
            last_by = "client" if client_last else "manager"
            last_at = created if status == "new" else first_at + timedelta(
                minutes=rng.uniform(1, 600) if client_last else 0)
            last_at = min(last_at, now)
        desc = f"{rng.choice(PHRASES)}. {rng.choice(VERBS)} {rng.choice(NOUNS)}: " \
               f"{rng.choice(PHRASES).lower()}."
        if rng.random() < 0.1:
            desc += f" Код ошибки E{rng.randrange(10000):04d}."
        yield (
            pk, 1 + int(rng.random() ** 2 * clients) % clients,
            f"{rng.choice(VERBS)} {rng.choice(NOUNS)}", desc, criticality,
            rng.choice(tags) if rng.random() < 0.88 else None,
            rng.choices(departments, dept_weights)[0], status,
            assignee, created, resolved_at or last_at or created, first_at, resolved_at,
            first_seconds, resolution_seconds, rating, "", "", last_at, last_by, fr_due,
            res_due, left, due, warn, breached, fr_met, res_met,
        )


def _messages_sql(vendor: str) -> str:
    at = ("t.created_at + n.k * interval '20 minutes'" if vendor == "postgresql" else
          "strftime('%%Y-%%m-%%d %%H:%%M:%%f', t.created_at, '+' || (n.k * 20) || ' minutes')")
    manager = "n.k %% 2 = 0"  # %% : the statement has a parameter
    return f"""
        WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 9)
        INSERT INTO tickets_message (ticket_id, author_kind, author_name, author_user_id,
                                     text, is_internal, source, created_at)
        SELECT t.id,
               CASE WHEN {manager} THEN 'manager' ELSE 'client' END,
               CASE WHEN {manager} THEN 'Менеджер' ELSE 'Клиент' END,
               CASE WHEN {manager} THEN COALESCE(t.assignee_id, %s) END,
               CASE WHEN {manager} THEN 'Посмотрели, отвечаем по шагам.'
                    ELSE 'Спасибо, проверю и напишу.' END,
               ({manager} AND (t.id + n.k) %% 10 = 0),
               CASE WHEN {manager} THEN 'admin' ELSE 'portal' END,
               {at}
        FROM tickets_ticket t JOIN n ON n.k <= 1 + (t.id * 7919) %% 9
    """


def _secondary_indexes(cursor, table):
    cursor.execute("""SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s
                      AND indexname NOT IN (SELECT conname FROM pg_constraint)""", [table])
    return cursor.fetchall()


def generate(count: int, log=print) -> dict:
    """Departments, tags, managers, clients, ``count`` tickets and their messages;
    ``{"tickets", "messages", "seconds", "managers": [ids]}``."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from tickets.models import Department, Tag

    started, now = time.perf_counter(), timezone.now()
    departments = [Department.objects.create(name=n, slug=s).pk for n, s, _w in DEPARTMENTS]
    tags = [Tag.objects.create(name=name, slug=f"tag-{i}").pk for i, name in enumerate(TAGS)]
    User = get_user_model()
    User.objects.bulk_create(User(username=f"manager{i:02d}", first_name="Менеджер",
                                  last_name=f"{i:02d}", is_staff=True) for i in range(MANAGERS))
    managers = list(User.objects.filter(is_staff=True).order_by("pk").values_list("pk",
                                                                                  flat=True))
    pg = connection.vendor == "postgresql"
    tickets = ticket_rows(count, now=now, departments=departments, tags=tags,
                          managers=managers)
    clients = ((n, client_phone(n), f"Клиент {n}", now) for n in range(1, client_count(count) + 1))
    with connection.cursor() as cursor:
        dropped = []
        if pg:
            cursor.execute("SET session_replication_role = replica")
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for table in ("tickets_client", "tickets_ticket", "tickets_message"):
                for name, definition in _secondary_indexes(cursor, table):
                    dropped.append(definition)
                    cursor.execute(f'DROP INDEX "{name}"')
        for table, columns, rows in (("tickets_client", ["id", "phone", "name", "created_at"],
                                      clients),
                                     ("tickets_ticket", TICKET_COLUMNS, tickets)):
            mark = time.perf_counter()
            _write(cursor, pg, table, columns, rows)
            log(f"  {table}: {time.perf_counter() - mark:.1f}s")
        mark = time.perf_counter()
        cursor.execute(_messages_sql(connection.vendor), [managers[0]])
        cursor.execute("SELECT COUNT(*) FROM tickets_message")
        messages = cursor.fetchone()[0]
        log(f"  tickets_message: {messages:,} in {time.perf_counter() - mark:.1f}s")
        mark = time.perf_counter()
        for definition in dropped:
            cursor.execute(definition)
        if pg:
            cursor.execute("SET session_replication_role = DEFAULT")
            for table in ("tickets_client", "tickets_ticket", "tickets_message"):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"(SELECT MAX(id) FROM {table}))")
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")
        log(f"  indexes rebuilt, statistics: {time.perf_counter() - mark:.1f}s")
    return {"tickets": count, "messages": messages, "managers": managers,
            "departments": departments, "seconds": time.perf_counter() - started}


def _write(cursor, pg, table, columns, rows, batch=10_000):
    if pg:
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    from django.db import connection

    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
    adapt = connection.ops.adapt_datetimefield_value
    chunk = []
    for row in rows:
        chunk.append([adapt(v) if hasattr(v, "tzinfo") else v for v in row])
        if len(chunk) >= batch:
            cursor.executemany(sql, chunk)
            chunk = []
    if chunk:
        cursor.executemany(sql, chunk)
