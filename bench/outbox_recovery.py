"""Recovery after a Bitrix24 outage with lost answers: how soon is everything delivered?

    .venv/bin/python bench/outbox_recovery.py --db sqlite|postgres|both

A fresh database with TICKETS tickets, each with a client message and a
manager reply (3 outbox jobs a ticket). The real worker (``manage.py
bitrix_worker`` in a subprocess, default timings: ``BITRIX_TIMEOUT=10``,
``BITRIX_RETRY_BASE_SECONDS=5``, ``BITRIX_REQUEST_MAX_SECONDS=60``) starts while
the fake Bitrix24 (tests/fakes/bitrix_server.py) carries every call out but
loses its answer (held past the client's timeout) for OUTAGE seconds. Then
Bitrix answers again.

Measured: seconds from recovery until the last job is recorded as delivered.
Goal: ≤ 60 s, and exactly once: one lead per ticket, two comments on it.
Exits 1 on FAIL.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import (  # noqa: E402
    BENCH_REPO,
    PYTHON,
    REPO,
    BenchServer,
    code_version,
    each_database,
    machine_line,
)

sys.path.insert(0, str(BENCH_REPO))
from tests.fakes.bitrix_server import FakeBitrix  # noqa: E402

TICKETS = 20
JOBS_PER_TICKET = 3  # lead_add, client comment, manager comment
OUTAGE = 30.0  # seconds every answer is lost
GOAL_SECONDS = 60.0  # from recovery to the last delivery
DRAIN_TIMEOUT = 240.0  # seconds to wait for the drain after recovery
LOSE_DELAY = 12.0  # the fake holds a lost answer longer than BITRIX_TIMEOUT


def create_jobs(server: BenchServer) -> None:
    server.django()
    from django.db import connections

    from tickets import services
    from tickets.models import Client, Department, Message, Ticket

    department = Department.objects.create(name="Техническая поддержка", slug="support")
    for n in range(1, TICKETS + 1):
        client = Client.objects.create(phone=f"+7999710{n:04d}", name=f"Клиент {n}")
        ticket = services.ticket_create(
            client=client, title=f"Заявка {n}", description="Не приходит счёт.",
            department=department, criticality=Ticket.Criticality.NORMAL)
        services.message_add(ticket=ticket, author_kind=Message.AuthorKind.CLIENT,
                             text=f"Уточнение {n}.", source=Message.Source.PORTAL)
        services.message_add(ticket=ticket, author_kind=Message.AuthorKind.MANAGER,
                             author_name="Ирина", text="Смотрим.", source=Message.Source.ADMIN)
    connections.close_all()


def progress() -> tuple[int, datetime | None]:
    """(pending jobs, when the last job was delivered)."""
    from django.db import connections
    from django.db.models import Max

    from bitrix_integration.models import OutboxJob

    pending = OutboxJob.objects.exclude(state="done").count()
    last = OutboxJob.objects.aggregate(last=Max("done_at"))["last"]
    connections.close_all()
    return pending, last


def exactly_once(portal: FakeBitrix) -> list[str]:
    from django.db import connections

    from tickets.models import Ticket

    problems = []
    for ticket_id, lead_id in Ticket.objects.values_list("pk", "bitrix_entity_id"):
        leads = portal.leads_by_origin(f"ticket-{ticket_id}", "support-portal")
        comments = portal.comments_for(lead_id) if lead_id else []
        if len(leads) != 1 or leads[0]["ID"] != lead_id or len(comments) != 2:
            problems.append(f"ticket {ticket_id}: {len(leads)} leads, {len(comments)} comments")
    connections.close_all()
    return problems


def run(db: str) -> int:
    print(f"== outbox_recovery --db {db}: {TICKETS} tickets × {JOBS_PER_TICKET} jobs, answers "
          f"lost for {OUTAGE:.0f} s, {time.strftime('%Y-%m-%d %H:%M')}, {machine_line()}")
    print(f"code: {code_version()}")
    with FakeBitrix(lose_delay=LOSE_DELAY) as portal:
        env = {"BITRIX_WEBHOOK_URL": portal.url, "BITRIX_TIMEOUT": "10",
               "BITRIX_RETRY_BASE_SECONDS": "5", "BITRIX_REQUEST_MAX_SECONDS": "60",
               "BITRIX_MAX_ATTEMPTS": "10", "BITRIX_RATE_PER_SECOND": "2"}
        with BenchServer(db=db, workers=1, pg_name="portal_bench_recovery",
                         extra_env=env) as server:
            create_jobs(server)
            portal.lose_next(10**6, mode="timeout")
            worker = subprocess.Popen([str(PYTHON), "manage.py", "bitrix_worker"], cwd=REPO,
                                      env=server.env, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE, text=True)
            try:
                time.sleep(OUTAGE)
                portal.stop_losing()
                recovered = datetime.now(tz=UTC)
                deadline = time.monotonic() + DRAIN_TIMEOUT
                pending, last = progress()
                while pending and time.monotonic() < deadline:
                    time.sleep(0.5)
                    pending, last = progress()
            finally:
                worker.send_signal(signal.SIGTERM)
                try:
                    worker.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    worker.kill()
            problems = exactly_once(portal)
            stats = portal.stats()
    after = (last - recovered).total_seconds() if last and not pending else float("inf")
    print(f"requests {stats['requests']}, answers lost {stats['lost']}, carried out "
          f"{stats['performed']}")
    for problem in problems[:10]:
        print(f"  exactly-once: {problem}")
    passed = not pending and after <= GOAL_SECONDS and not problems
    print(f"{'PASS' if passed else 'FAIL'} {db}: last job delivered {after:.1f} s after "
          f"recovery (goal ≤ {GOAL_SECONDS:.0f} s), pending {pending}, exactly once: "
          f"{'yes' if not problems else 'NO'}")
    return 0 if passed else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    args = parser.parse_args()
    if args.db == "both":
        return each_database(__file__, timeout=OUTAGE + DRAIN_TIMEOUT + 600)
    return run(args.db)


if __name__ == "__main__":
    sys.exit(main())
