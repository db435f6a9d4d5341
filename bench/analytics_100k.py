"""Analytics on 100,000 tickets: each query of ``report()`` and the whole report, timed.

    .venv/bin/python bench/analytics_100k.py --db sqlite
    .venv/bin/python bench/analytics_100k.py --db postgres
    .venv/bin/python bench/analytics_100k.py --db both            (one subprocess each)
    .venv/bin/python bench/analytics_100k.py --db postgres --explain

A fresh database (temp SQLite file, or PostgreSQL ``portal_bench_analytics``,
dropped and created, dropped again after), migrated, then filled with
100,000 tickets spread over the last 365 days: 20,000 clients, 5 departments
of unequal size, 8 tags (12 % of tickets without one), 12 managers (88 % of
tickets assigned), first responses (92 %), resolutions (most tickets older
than two weeks), ratings (45 % of the done ones) and about 3 messages per
ticket, internal notes included. Ids ascend with ``created_at``, as the
services write them (a ticket is created at ``now``), so the rows of a period
sit together in the table as they do in production. The data is written
with ``bulk_create`` in batches, not through the services: this measures
reads, and the figures the services would have written are generated
directly (consistent with the rules: first response = first public manager
message, resolved_at only on resolved/closed tickets; the stored delays in seconds with
them). PostgreSQL gets a ``VACUUM ANALYZE`` after the load, as autovacuum would do
(since PostgreSQL 13 it vacuums after inserts too, which sets the visibility map that
index-only scans rely on); SQLite gets the ``ANALYZE`` that ``migrate`` runs (the next
deploy's), by running ``migrate`` again.

Then, for the last 30 days, the last 365 days and one department (the
largest, 365 days): every SQL query ``report()`` makes is run again on its
own (execute + fetch all rows) and timed, labelled by the statement of
``analytics/selectors/report.py`` that issued it; then the whole ``report()``, and
the two requests that show it (``GET /manager/analytics`` and the admin
dashboard, through Django's test client in this process: view, JSON or
template and SVG included, no network). Each figure is the median of
REPEATS runs after one warm-up run; the whole report and the requests also
show the slowest run. PASS when the slowest whole report and the slowest
request are each under LIMIT_MS (well under the 1 s budget). Exits 1 on FAIL.
``--explain`` prints the plan of every query slower than EXPLAIN_MS; ``--keep``
leaves the database for a closer look (drop it yourself).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _analytics_data import (  # noqa: E402
    API_KEY,
    DEPARTMENTS,
    PG_NAME,
    configure,
    generate,
)
from _server import code_version, each_database, machine_line, pg_admin  # noqa: E402

TICKETS = 100_000
REPEATS = 5
LIMIT_MS = 500.0
EXPLAIN_MS = 50.0
SLOW_BUDGET = 10.0  # seconds of repeats per figure: a 5-second query is run once more, not 5 times

# Friendly names of the statements of analytics/selectors/report.py (function:variable).
FIGURES = {
    "report:tags": "directory: tags",
    "report:departments": "directory: departments",
    "report:totals": "totals, breakdowns, percentiles",
    "by_manager:rows": "by_manager: counts, averages, pct",
    "by_manager:replies": "by_manager: public replies",
    "by_manager:users": "by_manager: names",
    "daily:found": "daily: created, resolved",
}


# --- data ------------------------------------------------------------------------------------

# --- measuring -------------------------------------------------------------------------------

STATEMENT = re.compile(r'^\s*(?:"(\w+)":|(\w+)\s*=[^=])')


def _label() -> str:
    """``function:variable`` of the analytics/selectors/report.py statement that runs the
    current query."""
    import importlib

    frame = sys._getframe(1)
    path = importlib.import_module("analytics.selectors.report").__file__
    while frame is not None:
        function = frame
        while function is not None and function.f_code.co_name.startswith("<"):
            function = function.f_back  # a comprehension: name it after its function
        if (frame.f_code.co_filename == path and function is not None
                and not function.f_code.co_name.startswith("_")):
            break
        frame = frame.f_back
    if frame is None:
        return "?"
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    for number in range(frame.f_lineno - 1, -1, -1):
        match = STATEMENT.match(lines[number])
        if match:
            return f"{function.f_code.co_name}:{match.group(1) or match.group(2)}"
    return f"{function.f_code.co_name}:{frame.f_lineno}"


def report_queries(period) -> list[tuple[str, str]]:
    """(label, SQL) of each query ``report()`` makes, in order."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from analytics import selectors

    labels = []

    def remember(execute, sql, params, many, context):
        labels.append(_label())
        return execute(sql, params, many, context)

    with connection.execute_wrapper(remember), CaptureQueriesContext(connection) as captured:
        selectors.report(period)
    # PostgreSQL: the report's snapshot (BEGIN, SET TRANSACTION …, COMMIT; Django logs
    # the first and last without running them through the wrapper) is nothing to time.
    statements = [query["sql"] for query in captured.captured_queries
                  if query["sql"] not in ("BEGIN", "COMMIT", "ROLLBACK")]
    return [(label, sql) for label, sql in zip(labels, statements, strict=True)
            if not sql.startswith("SET TRANSACTION")]


def timed(function) -> list[float]:
    """Milliseconds of REPEATS runs after a warm-up; fewer when one run takes seconds."""
    started = time.perf_counter()
    function()  # warm-up: caches, connection, compiled statements
    warm_up = time.perf_counter() - started
    runs = []
    for _ in range(max(1, min(REPEATS, int(SLOW_BUDGET / max(warm_up, 1e-6))))):
        started = time.perf_counter()
        function()
        runs.append((time.perf_counter() - started) * 1000)
    return runs


def run_sql(sql: str):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def explain(sql: str) -> str:
    from django.db import connection

    prefix = ("EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql"
              else "EXPLAIN QUERY PLAN ")
    return "\n".join("      " + " | ".join(str(c) for c in row if c not in (None, ""))
                     for row in run_sql(prefix + sql))


def measure(periods: dict, *, show_plans: bool) -> tuple[list[str], bool]:
    from django.contrib.auth import get_user_model
    from django.test import Client as HttpClient

    from analytics import selectors

    columns = list(periods)
    figures: dict[str, dict[str, float]] = {}
    counts, wholes, plans = {}, {}, []
    api = HttpClient(headers={"X-Manager-Key": API_KEY})
    admin = HttpClient()
    admin.force_login(get_user_model().objects.create_superuser("bench-admin", password=None))
    for column, (period, query) in periods.items():
        counts[column] = selectors.tickets_in(period).count()
        for label, sql in report_queries(period):
            ms = statistics.median(timed(lambda sql=sql: run_sql(sql)))
            figures.setdefault(FIGURES.get(label, label), {})[column] = ms
            if show_plans and ms >= EXPLAIN_MS:
                plans.append(f"  {column} — {FIGURES.get(label, label)}: {ms:.1f} ms\n"
                             f"{explain(sql)}")
        wholes.setdefault("whole report()", {})[column] = timed(
            lambda period=period: selectors.report(period))

        def get(http, path, query=query):
            response = http.get(path, query)
            if response.status_code != 200:
                raise SystemExit(f"FAIL: {path} answered {response.status_code}")

        wholes.setdefault("GET /manager/analytics", {})[column] = timed(
            lambda: get(api, "/manager/analytics"))
        wholes.setdefault("GET /admin/analytics/", {})[column] = timed(
            lambda: get(admin, "/admin/analytics/"))

    width = 34
    head = f"{'ms, median of ≤' + str(REPEATS) + ' (max)':<{width}}" + "".join(
        f"{c:>22}" for c in columns)
    lines = [head, f"{'tickets in the period':<{width}}" + "".join(
        f"{counts[c]:>22,}" for c in columns)]
    for name, row in figures.items():
        lines.append(f"{'  ' + name:<{width}}" + "".join(f"{row.get(c, 0):>22.1f}"
                                                         for c in columns))
    worst = 0.0
    for name, row in wholes.items():
        cells = "".join(f"{f'{statistics.median(row[c]):.1f} ({max(row[c]):.1f})':>22}"
                        for c in columns)
        lines.append(f"{name:<{width}}{cells}")
        worst = max(worst, *(max(row[c]) for c in columns))
    lines.append(f"{'PASS' if worst < LIMIT_MS else 'FAIL'}: slowest whole report or request "
                 f"{worst:.1f} ms (limit {LIMIT_MS:.0f} ms)")
    lines.extend(plans)
    return lines, worst < LIMIT_MS


def run(db: str, count: int, show_plans: bool, keep: bool = False) -> int:
    tmp = Path(tempfile.mkdtemp(prefix=f"portal-bench-analytics-{db}-"))
    try:
        configure(db, tmp)
        from django.db import connection
        from django.utils import timezone

        from analytics import selectors
        from tickets.models import Department

        messages, seconds = generate(count)
        print(f"== analytics_100k --db {db} ({connection.vendor} "
              f"{connection.Database.sqlite_version if db == 'sqlite' else connection.pg_version}"
              f"): {count:,} tickets, {messages:,} messages over 365 days, "
              f"{time.strftime('%Y-%m-%d %H:%M %Z')}, {machine_line()}")
        print(f"code: {code_version()}")
        print(f"data: bulk_create in {seconds:.1f}s (reads are measured, not the services)")
        today = timezone.localdate()
        year_from = (today - timedelta(days=364)).isoformat()
        largest = Department.objects.get(slug=DEPARTMENTS[0][1])
        periods = {
            "last 30 days": (selectors.period_parse(), {}),
            "last 365 days": (selectors.period_parse(year_from, today.isoformat()),
                              {"from": year_from, "to": today.isoformat()}),
            f"{largest.slug}, 365 days": (
                selectors.period_parse(year_from, today.isoformat(), department=largest),
                {"from": year_from, "to": today.isoformat(), "department": largest.slug}),
        }
        load = os.getloadavg()[0]
        lines, ok = measure(periods, show_plans=show_plans)
        print("\n".join(lines))
        print(f"load average (1 min) before / after measuring: {load:.2f} / "
              f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
        return 0 if ok else 1
    finally:
        from django.db import connections

        connections.close_all()
        if keep:
            print(f"kept: {os.environ['DATABASE_URL']}")
        elif db == "postgres":
            try:
                pg_admin(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
            except Exception as exc:  # noqa: BLE001  cleanup must not hide the result
                print(f"warning: could not drop {PG_NAME}: {exc}", file=sys.stderr)
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--tickets", type=int, default=TICKETS)
    parser.add_argument("--explain", action="store_true",
                        help=f"print the plan of each query slower than {EXPLAIN_MS:.0f} ms")
    parser.add_argument("--keep", action="store_true",
                        help="leave the database (and the temp folder) for a closer look")
    args = parser.parse_args()
    if args.db == "both":
        return each_database(__file__, timeout=3600)
    return run(args.db, args.tickets, args.explain, args.keep)


if __name__ == "__main__":
    sys.exit(main())
