"""The manager's day at scale: the admin queue, its filters, the per-manager dashboard and
search on 1,000,000 tickets and ~5,000,000 messages (PostgreSQL) or 100,000 (SQLite).

    .venv/bin/python bench/queue_1m.py --db postgres             (1,000,000 tickets)
    .venv/bin/python bench/queue_1m.py --db sqlite               (100,000 tickets)
    .venv/bin/python bench/queue_1m.py --db both                 (one subprocess each)
    .venv/bin/python bench/queue_1m.py --db postgres --tickets 200000 --runs 5

A fresh database (a temp SQLite file, or PostgreSQL ``portal_bench``, dropped and created,
dropped again after) at ``tickets 0015``, the data of ``_queue_data.py`` (its docstring
tells the shapes), then the later migrations, each timed (0016: the queue's indexes and,
on PostgreSQL, ``pg_trgm``; 0017: one UPDATE of every ticket; 0018: its VACUUM). Then:

1. **before**: 0016 alone taken back; the queue as Django makes it by default (a full
   ``COUNT(*)`` of the filtered list and one of the whole table, the ``search_fields``
   lookup with its join on clients) on the indexes before it;
2. **after**: 0016 again; the same pages with this work's paginator, search and indexes.

Each page is fetched in this process through Django's test client (view, queries and
template; no network) as a manager of the «Менеджеры» group who is also a team lead:
one warm-up, then ``--runs`` runs (fewer when a page takes seconds: at most
BUDGET_SECONDS each), and the 95th percentile (nearest rank) is reported. Targets: p95
under 300 ms for the queue, its filters and the dashboard, 500 ms for search.

The pages are the queue as TicketAdmin makes it (``tickets.queue.QUEUE_ORDERING``, the
``?sla=`` and ``?turn=`` filters). Exits 1 when a target is missed after the indexes.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _inprocess import configure_django  # noqa: E402
from _queue_admin import BEFORE_MIGRATION, QUEUE_MIGRATION, django_defaults, queue_indexes  # noqa: E402,E501
from _queue_data import client_phone, generate  # noqa: E402
from _server import PG_SUFFIX, code_version, each_database, machine_line, pg_admin  # noqa: E402

PG_NAME = "portal_bench" + PG_SUFFIX
DEFAULT_TICKETS = {"postgres": 1_000_000, "sqlite": 100_000}
RUNS = 20
BUDGET_SECONDS = 20.0
TARGET_MS = {"queue": 300.0, "dashboard": 300.0, "search": 500.0}


# --- measuring -------------------------------------------------------------------------------

def p95(values):
    ordered = sorted(values)
    return ordered[max(1, math.ceil(0.95 * len(ordered))) - 1]


PAGINATOR = re.compile(r'<p class="paginator">(.*?)</p>', re.S)


def timed(http, path, params, runs):
    """(p95 ms, runs, what the page says it counted) of GET path?params."""
    def get():
        started = time.perf_counter()
        response = http.get(path, params)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"FAIL: {path} {params} answered {response.status_code}")
        return elapsed, response

    first, response = get()
    count = max(1, min(runs, int(BUDGET_SECONDS * 1000 / max(first, 1))))
    times = [get()[0] for _ in range(count)]
    found = PAGINATOR.search(response.content.decode())
    shown = " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())[-30:] if found else ""
    return p95(times), count, shown, statistics.median(times)


def pages(data) -> list[tuple[str, str, str, dict]]:
    """(kind, name, path, params) of every page measured."""
    from django.urls import reverse

    from tickets.models import Ticket

    queue = reverse("admin:tickets_ticket_changelist")
    some = Ticket.objects.get(pk=data["tickets"] // 2)
    phone = client_phone(some.client_id)
    coded = Ticket.objects.filter(pk__gte=data["tickets"] // 3,
                                  description__contains="Код ошибки E").order_by("pk").first()
    code = coded.description.rsplit(" ", 1)[-1].rstrip(".") if coded else "E4242"
    return [
        ("queue", "queue, first page", queue, {}),
        ("queue", "?status__exact=new", queue, {"status__exact": "new"}),
        ("queue", "?status__exact=closed", queue, {"status__exact": "closed"}),
        ("queue", "?open=yes", queue, {"open": "yes"}),
        ("queue", "?open=all", queue, {"open": "all"}),
        ("queue", "?open=no", queue, {"open": "no"}),
        ("queue", "?assignee=me", queue, {"assignee": "me"}),
        ("queue", "?assignee=me&open=yes", queue, {"assignee": "me", "open": "yes"}),
        ("queue", "?department__id__exact (largest)", queue,
         {"department__id__exact": data["departments"][0]}),
        ("queue", "?criticality__exact=critical", queue, {"criticality__exact": "critical"}),
        ("queue", "?sla=overdue", queue, {"sla": "overdue"}),
        ("queue", "?sla=at_risk", queue, {"sla": "at_risk"}),
        ("queue", "?status__exact=waiting", queue, {"status__exact": "waiting"}),
        ("queue", "?turn=us", queue, {"turn": "us"}),
        ("queue", "page 100 of all", queue, {"open": "all", "p": "99"}),
        ("dashboard", "/admin/analytics/me/ (busiest)", "/admin/analytics/me/", {}),
        ("dashboard", "/admin/analytics/team/ (50)", "/admin/analytics/team/", {}),
        ("search", "phone, whole (8 …)", queue, {"q": "8" + phone[2:]}),
        ("search", "phone, last 7 digits", queue, {"q": phone[-7:]}),
        ("search", "ticket number #N", queue, {"q": f"#{some.pk}"}),
        ("search", "ticket number N", queue, {"q": str(some.pk)}),
        ("search", "text, common word", queue, {"q": "интеграция"}),
        ("search", f"text, rare code ({code})", queue, {"q": code}),
        ("search", "text, two words", queue, {"q": "Сбой касса"}),
    ]


def query_times(http, path, params) -> list[str]:
    """Each SQL statement of one GET with its time: where a slow page spends it."""
    from django.db import connection

    found = []

    def clock(execute, sql, sql_params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, sql_params, many, context)
        finally:
            found.append(((time.perf_counter() - started) * 1000, sql))

    with connection.execute_wrapper(clock):
        http.get(path, params)
    return [f"    {ms:7.1f} ms  {' '.join(sql.split())[:160]}" for ms, sql in found if ms >= 5]


def explain_count(http, path):
    """The plan of the changelist's count (PostgreSQL): proof it reads no whole table."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        http.get(path)
    counts = [q["sql"] for q in captured if q["sql"].startswith("SELECT COUNT(")]
    if not counts or connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + counts[0])
        return [f"    {row[0]}" for row in cursor.fetchall()]


def run(db: str, count: int, runs: int, skip_before: bool, keep: bool,
        show_queries: bool = False) -> int:
    tmp = Path(tempfile.mkdtemp(prefix=f"portal-bench-queue-{db}-"))
    try:
        configure_django(db, tmp, PG_NAME)
        from django.contrib import admin
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group, Permission
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client as HttpClient

        from tickets.models import Ticket
        from tickets.permissions import MANAGERS_GROUP

        call_command("migrate", verbosity=0, interactive=False)
        call_command("migrate", "tickets", BEFORE_MIGRATION, verbosity=0, interactive=False)
        print(f"== queue_1m --db {db} ({connection.vendor}), {time.strftime('%Y-%m-%d %H:%M %Z')},"
              f" {machine_line()}\ncode: {code_version()}")
        data = generate(count, log=print)
        print(f"data: {data['tickets']:,} tickets, {data['messages']:,} messages, "
              f"{len(data['managers'])} managers in {data['seconds']:.0f}s")
        # The data is written at 0015 (the generator's columns); then the schema of this
        # code: 0016 (the queue's indexes) and what follows, each timed.
        mark = time.perf_counter()
        call_command("migrate", "tickets", QUEUE_MIGRATION, verbosity=0, interactive=False)
        print(f"migrate 0016 (indexes{', pg_trgm' if db == 'postgres' else ''}): "
              f"{time.perf_counter() - mark:.0f}s")
        mark = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        print(f"migrate the rest (0017: one UPDATE of every ticket; 0018: VACUUM ANALYZE on PostgreSQL): "
              f"{time.perf_counter() - mark:.0f}s")
        me = get_user_model().objects.get(pk=data["managers"][0])
        me.groups.add(Group.objects.get(name=MANAGERS_GROUP))
        me.user_permissions.add(Permission.objects.get(codename="view_team_dashboard"))
        http = HttpClient()
        http.force_login(me)
        ticket_admin = admin.site._registry[Ticket]
        plan = pages(data)
        before = {}
        if not skip_before:
            queue_indexes(apply=False)
            django_defaults(ticket_admin)
            before = {name: timed(http, path, params, runs) for _k, name, path, params in plan}
            for key in ("paginator", "show_full_result_count", "get_search_results"):
                del ticket_admin.__dict__[key]  # back to the class's (this work's)
            queue_indexes(apply=True)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        after = {name: timed(http, path, params, runs) for _k, name, path, params in plan}
        ok = True
        if show_queries:
            for _kind, name, path, params in plan:
                print(f"  {name}: statements of 5 ms or more", *query_times(http, path, params),
                      sep="\n")
        print(f"\n{'p95 ms (runs)':<36}{'before':>16}{'after':>16}{'median':>8}  target"
              "     page says")
        for kind, name, _path, _params in plan:
            ms, n, shown, median = after[name]
            passed = ms < TARGET_MS[kind]
            ok &= passed
            b = f"{before[name][0]:.0f} ({before[name][1]})" if name in before else "—"
            print(f"{name:<36}{b:>16}{f'{ms:.0f} ({n})':>16}{median:>8.0f}  {TARGET_MS[kind]:.0f} "
                  f"{'ok  ' if passed else 'MISS'}  {shown}")
        print("count of the first page's list, after:",
              *explain_count(http, plan[0][2]), sep="\n")
        print(f"load average (1 min) at the end: {os.getloadavg()[0]:.2f} on "
              f"{os.cpu_count()} cores\n{'PASS' if ok else 'FAIL'}")
        return 0 if ok else 1
    finally:
        from django.db import connections

        connections.close_all()
        if keep:
            print(f"kept: {os.environ.get('DATABASE_URL')}")
        else:
            if db == "postgres":
                try:
                    pg_admin(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
                except Exception as exc:  # noqa: BLE001  cleanup must not hide the result
                    print(f"warning: could not drop {PG_NAME}: {exc}", file=sys.stderr)
            shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--tickets", type=int, help="default 1,000,000 (PG) / 100,000 (SQLite)")
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--skip-before", action="store_true",
                        help="measure only with the indexes (no 'before' column)")
    parser.add_argument("--keep", action="store_true", help="leave the database")
    parser.add_argument("--queries", action="store_true",
                        help="print each page's statements of 5 ms or more (after)")
    args = parser.parse_args()
    if args.db == "both":
        return each_database(__file__, timeout=5400)
    return run(args.db, args.tickets or DEFAULT_TICKETS[args.db], args.runs,
               args.skip_before, args.keep, args.queries)


if __name__ == "__main__":
    sys.exit(main())
