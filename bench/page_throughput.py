"""Requests/s of the client pages against /healthz, on one gunicorn, one run.

    .venv/bin/python bench/page_throughput.py --db sqlite
    .venv/bin/python bench/page_throughput.py --db postgres
    .venv/bin/python bench/page_throughput.py --db both --duration 10 --profile

gunicorn (2 sync workers, DEBUG=False) on a fresh database. One client gets 50
tickets (the list shows the first page: 20 of them) and one of those tickets
gets 30 messages and 2 status changes (the card). The client is logged in by
writing a session straight into the database (``client_id`` key) and sending
its cookie, with the CSRF cookie the first page set (as a browser that has
been here before does; without it every page would mint a new CSRF secret
and set a cookie). Then /healthz, /tickets/ and /tickets/<id>/ are loaded one after
the other, each for the same time with the same connections (wrk, with a Lua
script that counts every status; a pure-Python generator if wrk is missing,
which saturates the server less and so gives lower figures).

Goal: list/healthz ≥ 0.2 and card/healthz ≥ 0.2. Exits 1 on FAIL or if any
answer was not 200; exits 2 (INCONCLUSIVE) if other processes used more than
0.25 cores during a counted measurement (``--allow-busy`` judges anyway).
Each page line also shows the server's CPU per request (gunicorn tree, plus
the PostgreSQL backends) and how busy the cores were, by whom.

``--profile`` then measures in this process (django.test.Client, CPU time):
the SQL queries of each page, the cost without the template, and the
template alone.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _load import WRK_LUA, python_run, wrk_run  # noqa: E402
from _profile import profile_pages  # noqa: E402
from _server import (  # noqa: E402
    BenchServer,
    CpuMeter,
    code_version,
    each_database,
    machine_line,
)

WORKERS = 2
GOAL_RATIO = 0.2
BUSY_CORES = 0.25  # other processes' CPU during a measured page above which req/s mislead
TICKETS = 50
MESSAGES = 30
PHONE = "+79995550000"


# --- data -------------------------------------------------------------------
def prepare_data(server: BenchServer) -> tuple[str, int, str]:
    """Client with TICKETS tickets, one of them with MESSAGES messages; a session cookie."""
    server.django()
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connections

    from tickets import selectors, services
    from tickets.models import Client, Department, Message, Ticket

    department = Department.objects.filter(is_active=True).order_by("pk").first()
    client = Client.objects.create(phone=PHONE, name="Нагрузочный клиент")
    tickets = [
        services.ticket_create(
            client=client, title=f"Заявка номер {n}: не открывается раздел счетов",
            description="Описание проблемы.\nВторая строка описания.",
            department=department, criticality=Ticket.Criticality.NORMAL,
        )
        for n in range(1, TICKETS + 1)
    ]
    card = tickets[len(tickets) // 2]
    services.ticket_change_status(ticket=card, status=Ticket.Status.IN_PROGRESS,
                                  source=Message.Source.ADMIN, actor_name="Ирина Смирнова")
    for n in range(1, MESSAGES + 1):
        manager = n % 2 == 0
        services.message_add(
            ticket=card,
            author_kind=Message.AuthorKind.MANAGER if manager else Message.AuthorKind.CLIENT,
            author_name="Ирина Смирнова" if manager else "",
            text=f"Сообщение {n} в диалоге.\nС переносом строки и текстом подлиннее, "
                 f"чтобы страница была похожа на настоящую переписку.",
            source=Message.Source.ADMIN if manager else Message.Source.PORTAL,
        )
    services.ticket_change_status(ticket=card, status=Ticket.Status.WAITING,
                                  source=Message.Source.ADMIN, actor_name="Ирина Смирнова")
    session = SessionStore()
    session[selectors.SESSION_CLIENT_KEY] = client.pk
    session.create()
    cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
    connections.close_all()
    return cookie, card.pk, settings.SESSION_COOKIE_NAME


def check_pages(server: BenchServer, cookie: str, card_id: int) -> tuple[int, str, str]:
    """The pages answer 200 for the session; returns the list's page size, its pager
    text and the browser's cookies (the session and the CSRF cookie the list set)."""
    headers = {"Cookie": cookie}
    listing = requests.get(server.url("/tickets/"), headers=headers, allow_redirects=False,
                           timeout=30)
    card = requests.get(server.url(f"/tickets/{card_id}/"), headers=headers,
                        allow_redirects=False, timeout=30)
    for name, response in (("list", listing), ("card", card)):
        if response.status_code != 200:
            raise SystemExit(f"FAIL: {name} answered {response.status_code} before the load "
                             f"(session cookie not accepted?)")
    rows = listing.text.count('class="ticket-row"')
    pager = re.search(r"Страница \d+ из \d+", listing.text)
    shown = card.text.count('class="msg msg--')
    if shown != MESSAGES:
        raise SystemExit(f"FAIL: the card shows {shown} messages, expected {MESSAGES}")
    csrf = listing.cookies.get("csrftoken")
    if not csrf:
        raise SystemExit("FAIL: the list set no CSRF cookie (its forms need one)")
    return rows, pager.group(0) if pager else "no pager", f"{cookie}; csrftoken={csrf}"


# --- main -------------------------------------------------------------------
def print_result(name: str, path: str, result: dict, round_no: int | None) -> None:
    bad = f" (first {result['first_bad']})" if result["bad"] else ""
    errors = (f"  socket errors: {result['socket_errors']}"
              if result["socket_errors"] and not result["socket_errors"].startswith("0 ")
              else "")
    label = f"{name}#{round_no}" if round_no else name
    db = f" (db {result['db_ms']:.2f})" if result["db_ms"] else ""
    print(f"  {label:9} {path:14} {result['rps']:7.0f} req/s  p50 {result['p50']:>8}  "
          f"p99 {result['p99']:>8}  200: {result['ok']:6}  other: {result['bad']}{bad}{errors}  "
          f"| server CPU {result['cpu_ms']:.2f} ms/req{db}; cores: server "
          f"{result['server_cores']:.2f}, loadgen {result['loadgen_cores']:.2f}, "
          f"other {result['other_cores']:.2f}")


def run(db: str, *, seconds: int, connections: int, threads: int, warmup: int,
        rounds: int, profile: bool, force_python: bool, allow_busy: bool) -> int:
    use_wrk = shutil.which("wrk") is not None and not force_python
    print(f"== page_throughput --db {db}: {WORKERS} gunicorn workers (sync), "
          f"{time.strftime('%Y-%m-%d %H:%M')}, {machine_line()}")
    print(f"code: {code_version()}")
    if not use_wrk:
        reason = ("--python-load given" if force_python else
                  "wrk not found (install it: sudo apt-get install -y wrk)")
        print(f"note: {reason}; using the pure-Python load generator. It needs more CPU "
              f"per request than wrk on the same 2 cores, so absolute req/s are lower; "
              f"the ratios stay comparable.")
    with BenchServer(db=db, workers=WORKERS, pg_name="portal_bench_pages", seed=True) as server:
        cookie, card_id, cookie_name = prepare_data(server)
        page_size, pager, browser_cookie = check_pages(server, cookie, card_id)
        pages = [("healthz", "/healthz"), ("list", "/tickets/"), ("card", f"/tickets/{card_id}/")]
        tool = (f"wrk -t{threads} -c{connections}" if use_wrk
                else f"python x{connections} processes")
        print(f"data: 1 client with {TICKETS} tickets, list page shows {page_size} per page "
              f"({pager}); card #{card_id} with {MESSAGES} messages; load {tool}, "
              f"{seconds}s per page after {warmup}s warm-up, {rounds} round(s)")
        results: dict[str, dict] = {}  # the best round of each page
        all_results: list[dict] = []
        with tempfile.TemporaryDirectory(prefix="portal-bench-wrk-") as tmp:
            lua = Path(tmp) / "status.lua"
            lua.write_text(WRK_LUA)
            meter = CpuMeter(server.proc.pid, server.pg_name if db == "postgres" else None)
            for round_no in range(1, rounds + 1):
                for name, path in pages:
                    for measured in ([False] if warmup else []) + [True]:
                        meter.start()
                        if use_wrk:
                            result = wrk_run(server.url(path),
                                             seconds=seconds if measured else warmup,
                                             connections=connections, threads=threads,
                                             cookie=browser_cookie, lua=lua)
                        else:
                            result = python_run(server.port, path,
                                                seconds=seconds if measured else warmup,
                                                connections=connections,
                                                cookie=browser_cookie)
                        cpu = meter.stop()
                    result["name"] = name
                    requests_done = max(1, result["ok"] + result["bad"])
                    result["cpu_ms"] = (cpu["server"] + cpu["db"]) / requests_done * 1000
                    result["db_ms"] = cpu["db"] / requests_done * 1000
                    result["other_cores"] = cpu["other"] / cpu["wall"]
                    result["server_cores"] = (cpu["server"] + cpu["db"]) / cpu["wall"]
                    result["loadgen_cores"] = cpu["loadgen"] / cpu["wall"]
                    print_result(name, path, result, round_no if rounds > 1 else None)
                    best = results.get(name)
                    if best is None or result["rps"] > best["rps"]:
                        results[name] = result
                    all_results.append(result)
        if profile:
            profile_pages(pages, cookie_name, cookie)
        server_log = server.log_tail()

    base = results["healthz"]["rps"]
    ratios = {name: results[name]["rps"] / base if base else 0.0 for name in ("list", "card")}
    # CPU per request: the lowest over the rounds (extra load only ever adds to it).
    cpu_ms = {name: min(r["cpu_ms"] for r in all_results if r["name"] == name)
              for name in results}
    cpu_ratios = {name: cpu_ms["healthz"] / cpu_ms[name] for name in ("list", "card")}
    non200 = sum(r["bad"] for r in all_results)
    busiest = max(r["other_cores"] for r in results.values())
    busy = busiest > BUSY_CORES
    if busy:
        print(f"WARNING: other processes on this machine used up to {busiest:.2f} cores during "
              f"the measurement: req/s are lower than on an idle machine and their ratios "
              f"are skewed; the server CPU per request is less affected. Measure again on "
              f"an idle machine (or with --rounds 3).")
    print(f"server CPU per request: healthz {cpu_ms['healthz']:.2f} ms, "
          f"list {cpu_ms['list']:.2f} ms, card {cpu_ms['card']:.2f} ms "
          f"→ CPU ratios healthz/list {cpu_ratios['list']:.2f}, "
          f"healthz/card {cpu_ratios['card']:.2f}")
    passed = all(ratio >= GOAL_RATIO for ratio in ratios.values()) and non200 == 0
    verdict = "PASS" if passed else "FAIL"
    if busy and not allow_busy and non200 == 0:
        verdict = "INCONCLUSIVE"  # a busy machine decides nothing either way
    if "Traceback" in server_log:
        print("gunicorn log tail:\n" + server_log)
    print(f"{verdict} {db}: healthz {base:.0f} req/s, "
          f"list {results['list']['rps']:.0f} req/s (page size {page_size}), "
          f"card {results['card']['rps']:.0f} req/s ({MESSAGES} messages); "
          f"list/healthz {ratios['list']:.2f}, card/healthz {ratios['card']:.2f} "
          f"(goal ≥ {GOAL_RATIO}); non-200 answers: {non200}"
          + (f"; other load up to {busiest:.2f} cores" if busy else ""))
    return {"PASS": 0, "FAIL": 1, "INCONCLUSIVE": 2}[verdict]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--duration", type=int, default=10, help="seconds per page (default 10)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per page")
    parser.add_argument("--rounds", type=int, default=1,
                        help="measure the three pages this many times in turn; the best "
                             "round of each counts (less hurt by other load on the machine)")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--profile", action="store_true",
                        help="also count queries and profile the pages in-process")
    parser.add_argument("--allow-busy", action="store_true",
                        help="give PASS/FAIL even if other processes loaded the machine")
    parser.add_argument("--python-load", action="store_true",
                        help="use the pure-Python load generator even if wrk is installed")
    args = parser.parse_args()
    if not 1 <= args.duration <= 120 or not 0 <= args.warmup <= 30:
        parser.error("--duration must be 1..120 and --warmup 0..30 seconds")
    if not 1 <= args.rounds <= 5:
        parser.error("--rounds must be 1..5")
    if not 1 <= args.connections <= 64:
        parser.error("--connections must be 1..64")
    if args.db == "both":
        return each_database(__file__, timeout=1800)
    return run(args.db, seconds=args.duration, connections=args.connections,
               threads=args.threads, warmup=args.warmup, rounds=args.rounds,
               profile=args.profile, allow_busy=args.allow_busy,
               force_python=args.python_load)


if __name__ == "__main__":
    sys.exit(main())
