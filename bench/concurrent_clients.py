"""30 clients at the same moment: log in by SMS code, create a ticket, post 3 comments.

    .venv/bin/python bench/concurrent_clients.py --db sqlite
    .venv/bin/python bench/concurrent_clients.py --db postgres
    .venv/bin/python bench/concurrent_clients.py --db both

gunicorn (4 sync workers, DEBUG=False, SMS_BACKEND=file) on a fresh database
with ``seed_demo`` data. Each client is a thread with its own phone and
``requests.Session``; the threads meet at a ``threading.Barrier`` before each
phase, so the logins, the ticket creations and the comments hit the server
together:

1. login: GET /login/ (csrftoken cookie + form token), POST phone → 302,
   GET /login/verify/, read the code from the client's SMS file,
   POST /login/verify/ → 302, GET /tickets/;
2. ticket: GET /tickets/new/, POST /tickets/new/ → 302 to the card, GET card;
3. comments: 3 × (POST /tickets/<id>/comment/ → 302, GET card).

Then every answer must have had the expected status and the database must
hold exactly 1 ticket and 3 messages per client. Prints one verdict line per
database and latencies; exits 1 on any error or lost write.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _client import BenchClient, Failed  # noqa: E402
from _server import (  # noqa: E402
    BenchServer,
    CpuMeter,
    code_version,
    each_database,
    machine_line,
)

CLIENTS = 30
COMMENTS = 3
WORKERS = 4
BARRIER_TIMEOUT = 120  # seconds for all threads to reach a phase
RUN_TIMEOUT = 600  # seconds for the whole run


def run_client(client: BenchClient, barrier: threading.Barrier):
    phases = [client.login, client.create_ticket] + [
        (lambda n=n: client.comment(n)) for n in range(1, COMMENTS + 1)
    ]
    for phase in phases:
        try:
            barrier.wait(timeout=BARRIER_TIMEOUT)
        except threading.BrokenBarrierError:
            client.error = client.error or "barrier broken (another thread hung)"
            return
        if client.error:
            continue  # keep meeting the barrier so the others are not held up
        try:
            phase()
        except Failed as exc:
            client.error = str(exc)
        except Exception as exc:  # noqa: BLE001  report, never hang the barrier
            client.error = f"{type(exc).__name__}: {exc}"


def check_database(server: BenchServer, clients: list[BenchClient]) -> list[str]:
    server.django()
    from django.db.models import Count

    from tickets.models import Client, Message

    problems = []
    phones = [c.phone for c in clients]
    rows = {
        str(row.phone): row
        for row in Client.objects.filter(phone__in=phones).annotate(
            n_tickets=Count("tickets", distinct=True))
    }
    messages = Counter(
        str(phone) for phone in Message.objects.filter(ticket__client__phone__in=phones)
        .values_list("ticket__client__phone", flat=True)
    )
    for client in clients:
        row = rows.get(client.phone)
        if row is None:
            problems.append(f"{client.phone}: no Client row")
            continue
        if row.n_tickets != 1:
            problems.append(f"{client.phone}: {row.n_tickets} tickets, expected 1")
        if messages[client.phone] != COMMENTS:
            problems.append(f"{client.phone}: {messages[client.phone]} messages, "
                            f"expected {COMMENTS}")
    return problems


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def fmt_ms(values: list[float]) -> str:
    if not values:
        return "n=0"
    return (f"n={len(values)} p50={percentile(values, 50) * 1000:.0f}ms "
            f"p95={percentile(values, 95) * 1000:.0f}ms max={max(values) * 1000:.0f}ms")


def run(db: str) -> int:
    env = {
        # Everyone comes from 127.0.0.1: the per-IP cap must not be the limit here.
        "OTP_IP_HOURLY_LIMIT": "100000",
        "OTP_PHONE_HOURLY_LIMIT": "100",
        "OTP_MAX_ATTEMPTS": "5",
        "OTP_TTL_SECONDS": "600",
    }
    print(f"== concurrent_clients --db {db}: {CLIENTS} clients, {WORKERS} gunicorn workers, "
          f"{time.strftime('%Y-%m-%d %H:%M')}, {machine_line()}")
    print(f"code: {code_version()}")
    with BenchServer(db=db, workers=WORKERS, pg_name="portal_bench_clients", extra_env=env,
                     seed=True) as server:
        department_id = int(server.manage(
            "shell", "-v", "0", "-c",
            "from tickets.models import Department; "
            "print(Department.objects.filter(is_active=True).order_by('pk').first().pk)",
        ).split()[-1])
        log: list = []
        barrier = threading.Barrier(CLIENTS)
        clients = [BenchClient(i, server, department_id, log) for i in range(1, CLIENTS + 1)]
        threads = [threading.Thread(target=run_client, args=(c, barrier), daemon=True)
                   for c in clients]
        meter = CpuMeter(server.proc.pid,
                         server.pg_name if db == "postgres" else None)
        meter.start()
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + RUN_TIMEOUT
        for thread in threads:
            thread.join(timeout=max(0.1, deadline - time.monotonic()))
        wall = time.perf_counter() - started
        cpu = meter.stop()
        hung = sum(thread.is_alive() for thread in threads)
        problems = check_database(server, clients)
        server_log = server.log_tail()

    statuses = Counter(str(entry[3]) for entry in log)
    bad = [entry for entry in log if entry[3] != entry[4]]
    errors = [f"client {c.index} ({c.phone}): {c.error}" for c in clients if c.error]
    if hung:
        errors.append(f"{hung} client threads still running after {RUN_TIMEOUT}s")
    ok_clients = sum(1 for c in clients if not c.error)
    times = [entry[5] for entry in log]

    cores = {key: cpu[key] / cpu["wall"] for key in ("server", "db", "self", "other")}
    db_cores = f", postgres {cores['db']:.2f}" if db == "postgres" else ""
    print(f"requests: {len(log)} in {wall:.1f}s, statuses {dict(sorted(statuses.items()))}, "
          f"unexpected {len(bad)}; CPU cores busy: gunicorn {cores['server']:.2f}{db_cores}, "
          f"clients {cores['self']:.2f}, other processes {cores['other']:.2f}")
    for phase in ("login", "ticket", "comment"):
        print(f"  {phase:8} {fmt_ms([e[5] for e in log if e[0] == phase])}")
    posts = [e[5] for e in log if e[1] == "POST"]
    print(f"  {'POSTs':8} {fmt_ms(posts)}")
    print(f"  {'all':8} {fmt_ms(times)}")
    for line in errors[:10]:
        print(f"  error: {line}")
    for line in problems[:10]:
        print(f"  db: {line}")
    if any(word in server_log for word in ("Traceback", "locked", "ERROR")):
        print("  gunicorn log tail:\n" + server_log)
    verdict = "OK" if not (errors or problems or bad) else "FAIL"
    print(f"{verdict} {db}: {ok_clients}/{CLIENTS} clients completed, "
          f"{len(log) - len(bad)}/{len(log)} answers as expected (5xx: "
          f"{sum(1 for e in log if str(e[3]).startswith('5'))}, 4xx: "
          f"{sum(1 for e in log if str(e[3]).startswith('4'))}), db: "
          f"{CLIENTS - len({p.split(':')[0] for p in problems})}/{CLIENTS} clients with "
          f"1 ticket + {COMMENTS} messages; latency {fmt_ms(times)}; "
          f"mean {statistics.fmean(times) * 1000 if times else 0:.0f}ms")
    return 0 if verdict == "OK" else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    args = parser.parse_args()
    if args.db == "both":
        return each_database(__file__, timeout=RUN_TIMEOUT + 300)
    return run(args.db)


if __name__ == "__main__":
    sys.exit(main())
