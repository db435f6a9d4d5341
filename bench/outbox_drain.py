"""Outbox drain: 1,000 jobs to a fake Bitrix24 that enforces 2 requests/s.

    .venv/bin/python bench/outbox_drain.py --db sqlite
    .venv/bin/python bench/outbox_drain.py --db postgres
    .venv/bin/python bench/outbox_drain.py --db both

A fresh database (temp SQLite file, or PostgreSQL ``portal_bench_outbox``,
dropped after) with ``BITRIX_WEBHOOK_URL`` pointing at the fake portal of
``tests/fakes/bitrix_server.py`` (leaky bucket: drains 2 requests/s, refuses
above 50 queued, as on standard plans). 250 clients each create a ticket
through the real services, write a message, get a manager reply and a status
change: 250 × (crm.lead.add + 2 × crm.timeline.comment.add + crm.lead.update)
= 1,000 outbox jobs. Then the real worker runs — ``manage.py bitrix_sync
--once`` in a subprocess, with the default RateLimiter at
``BITRIX_RATE_PER_SECOND=2`` — again while jobs remain, for at most
DRAIN_TIMEOUT seconds.

Goal: ≥ 80 operations/s (80 % of the 100 that 50-call batches at 2 requests/s
allow), no request refused, no sustained rate above 2 requests/s (10-second
window), and every job done exactly once: one lead per ticket, each call
carried out once by the fake. Exits 1 on FAIL.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
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

TICKETS = 250
JOBS_PER_TICKET = 4  # lead_add, client comment, manager comment, status update
RATE = 2  # requests/s: the worker's limiter and the fake's bucket drain
BUCKET = 50
GOAL_OPS = 80.0
SUSTAINED_WINDOW = 10.0  # seconds
SUSTAINED_TOLERANCE = 0.1  # requests/s over RATE allowed in that window (one early arrival)
DRAIN_TIMEOUT = 120.0  # seconds for the whole drain
PASS_TIMEOUT = 120.0  # seconds for one bitrix_sync run
STATUS_MAP = "in_progress=IN_PROCESS,resolved=CONVERTED"


def create_jobs(server: BenchServer) -> float:
    """TICKETS tickets with their messages and a status change, through the real services."""
    server.django()
    from django.db import connections

    from bitrix_integration.models import OutboxJob
    from tickets import services
    from tickets.models import Client, Department, Message, Ticket

    department = Department.objects.create(name="Техническая поддержка", slug="support")
    started = time.perf_counter()
    for n in range(1, TICKETS + 1):
        client = Client.objects.create(phone=f"+7999700{n:04d}", name=f"Клиент {n}")
        ticket = services.ticket_create(
            client=client, title=f"Заявка {n}: не приходит счёт",
            description="Описание проблемы.\nВторая строка.", department=department,
            criticality=Ticket.Criticality.NORMAL)
        services.message_add(ticket=ticket, author_kind=Message.AuthorKind.CLIENT,
                             text=f"Уточнение к заявке {n}.", source=Message.Source.PORTAL)
        services.message_add(ticket=ticket, author_kind=Message.AuthorKind.MANAGER,
                             author_name="Ирина", text="Смотрим, ответим сегодня.",
                             source=Message.Source.ADMIN)
        services.ticket_change_status(ticket=ticket, status=Ticket.Status.IN_PROGRESS,
                                      source=Message.Source.ADMIN, actor_name="Ирина")
    seconds = time.perf_counter() - started
    count = OutboxJob.objects.filter(state=OutboxJob.State.PENDING).count()
    connections.close_all()  # the worker subprocess has the database to itself
    if count != TICKETS * JOBS_PER_TICKET:
        raise SystemExit(f"FAIL: {count} pending jobs, expected {TICKETS * JOBS_PER_TICKET}")
    return seconds


def pending_jobs() -> int:
    from django.db import connections

    from bitrix_integration.models import OutboxJob

    count = OutboxJob.objects.filter(state=OutboxJob.State.PENDING).count()
    connections.close_all()
    return count


def drain(server: BenchServer) -> tuple[float, float, list[str]]:
    """Run ``bitrix_sync --once`` until nothing is pending; (wall seconds, start, output lines)."""
    lines: list[str] = []
    started_mono = ended = time.monotonic()
    deadline = started_mono + DRAIN_TIMEOUT
    for _ in range(20):  # bounded: each run normally drains everything
        left = deadline - time.monotonic()
        if left <= 0:
            lines.append(f"gave up after {DRAIN_TIMEOUT:.0f}s")
            break
        try:
            result = subprocess.run([str(PYTHON), "manage.py", "bitrix_sync", "--once"],
                                    cwd=REPO, env=server.env, capture_output=True, text=True,
                                    timeout=min(PASS_TIMEOUT, left), check=False)
        except subprocess.TimeoutExpired:
            ended = time.monotonic()
            lines.append(f"bitrix_sync --once still running after {min(PASS_TIMEOUT, left):.0f}s:"
                         " killed")
            break
        ended = time.monotonic()
        lines.append(f"exit {result.returncode}: {result.stdout.strip()} "
                     f"{result.stderr.strip()[-300:]}".strip())
        if pending_jobs() == 0:
            break
        time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))
    return ended - started_mono, started_mono, lines


def check_exactly_once(portal: FakeBitrix) -> list[str]:
    from django.db import connections
    from django.db.models import Count

    from bitrix_integration.models import OutboxJob
    from tickets.models import Ticket

    problems = []
    states = dict(OutboxJob.objects.values_list("state").annotate(n=Count("id")))
    if states != {"done": TICKETS * JOBS_PER_TICKET}:
        problems.append(f"job states {states}")
    performed = portal.stats()["performed"]
    expected = {"crm.lead.add": TICKETS, "crm.timeline.comment.add": 2 * TICKETS,
                "crm.lead.update": TICKETS}
    for method, count in expected.items():
        if performed.get(method, 0) != count:
            problems.append(f"{method} carried out {performed.get(method, 0)} times, "
                            f"expected {count}")
    for ticket_id, lead_id in Ticket.objects.values_list("pk", "bitrix_entity_id"):
        leads = portal.leads_by_origin(f"ticket-{ticket_id}", "support-portal")
        if len(leads) != 1 or leads[0]["ID"] != lead_id:
            problems.append(f"ticket {ticket_id}: {len(leads)} leads, linked to {lead_id}")
        elif (len(portal.comments_for(lead_id)) != 2
              or leads[0].get("STATUS_ID") != "IN_PROCESS"):
            problems.append(f"ticket {ticket_id}: lead {lead_id} has "
                            f"{len(portal.comments_for(lead_id))} comments, "
                            f"STATUS_ID {leads[0].get('STATUS_ID')}")
        if len(problems) > 10:
            break
    connections.close_all()
    return problems


def run(db: str) -> int:
    jobs = TICKETS * JOBS_PER_TICKET
    print(f"== outbox_drain --db {db}: {jobs} jobs ({TICKETS} tickets × {JOBS_PER_TICKET}), "
          f"fake Bitrix24 bucket {RATE} req/s / {BUCKET} queued, worker "
          f"BITRIX_RATE_PER_SECOND={RATE}, {time.strftime('%Y-%m-%d %H:%M')}, {machine_line()}")
    print(f"code: {code_version()}")
    with FakeBitrix(drain_rate=RATE, bucket_size=BUCKET) as portal:
        env = {"BITRIX_WEBHOOK_URL": portal.url, "BITRIX_RATE_PER_SECOND": str(RATE),
               "BITRIX_TIMEOUT": "10", "BITRIX_RETRY_BASE_SECONDS": "5",
               "BITRIX_MAX_ATTEMPTS": "10", "BITRIX_STATUS_MAP": STATUS_MAP}
        with BenchServer(db=db, workers=1, pg_name="portal_bench_outbox",
                         extra_env=env) as server:
            create_seconds = create_jobs(server)
            print(f"data: {jobs} outbox jobs written by the real services in "
                  f"{create_seconds:.1f}s")
            portal.reset_counters()
            wall, started_mono, lines = drain(server)
            left = pending_jobs()
            problems = check_exactly_once(portal)
            stats = portal.stats()
            log = list(portal.log)

    for line in lines:
        print(f"  bitrix_sync: {line}")
    times = [entry["at"] for entry in log]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    batch_sizes = [entry["calls"] for entry in log if entry["method"] == "batch"]
    singles = len(log) - len(batch_sizes)
    done = jobs - left
    ops = done / wall if wall else 0.0
    peak_1s = portal.peak_rate(1.0)
    sustained = portal.peak_rate(SUSTAINED_WINDOW)
    print(f"requests: {len(log)} ({len(batch_sizes)} batch, {singles} single), statuses "
          f"{stats['http_statuses']}, refused (503 QUERY_LIMIT_EXCEEDED) {stats['refused']}, "
          f"peak bucket level {stats['peak_bucket']:.2f}")
    if batch_sizes:
        print(f"  batch sizes: min {min(batch_sizes)}, mean {statistics.fmean(batch_sizes):.1f}, "
              f"max {max(batch_sizes)}")
    if times:
        first, last = times[0] - started_mono, times[-1] - started_mono
        print(f"  time split: start-up to first request {first:.2f}s, sending "
              f"{last - first:.2f}s, last request to worker exit {wall - last:.2f}s")
    if gaps:
        print(f"  gaps between requests: mean {statistics.fmean(gaps):.3f}s, min {min(gaps):.3f}s,"
              f" max {max(gaps):.3f}s (limiter interval {1 / RATE:.3f}s)")
    print(f"  peak request rate: {peak_1s:.0f} in the busiest 1 s window, "
          f"{sustained:.2f}/s over the busiest {SUSTAINED_WINDOW:.0f} s window")
    for problem in problems[:10]:
        print(f"  exactly-once: {problem}")
    passed = (ops >= GOAL_OPS and stats["refused"] == 0 and not problems and left == 0
              and sustained <= RATE + SUSTAINED_TOLERANCE)
    print(f"{'PASS' if passed else 'FAIL'} {db}: {done}/{jobs} jobs in {wall:.1f}s = "
          f"{ops:.1f} ops/s (goal ≥ {GOAL_OPS:.0f}), {len(log)} requests, peak "
          f"{peak_1s:.0f} req in 1 s / {sustained:.2f} req/s sustained ({SUSTAINED_WINDOW:.0f} s), "
          f"503s {stats['http_statuses'].get(503, 0)}, exactly once: "
          f"{'yes' if not problems else 'NO'}")
    return 0 if passed else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    args = parser.parse_args()
    if args.db == "both":
        return each_database(__file__, timeout=DRAIN_TIMEOUT + 600)
    return run(args.db)


if __name__ == "__main__":
    sys.exit(main())
