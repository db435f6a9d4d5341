"""A small fake Bitrix24 REST portal (incoming webhook) on 127.0.0.1, for tests and benches.

Shapes, errors and limits follow ``../shared/bitrix24-api.md``::

    with FakeBitrix() as bitrix:            # a free port on 127.0.0.1
        settings.BITRIX_WEBHOOK_URL = bitrix.url   # http://127.0.0.1:<port>/rest/1/<secret>
        ...
        bitrix.leads_by_origin("ticket-7")  # what arrived
        bitrix.stats()                      # counters; bitrix.peak_rate(1.0) req/s
        bitrix.wait_idle()                  # bounded wait for in-flight requests

Served: ``POST /rest/<user>/<secret>/<method>[.json]`` (GET works too and is
counted, so a test can see it is never used) with a JSON body (decoded only
when ``Content-Type`` is exactly ``application/json``; invalid JSON is read
as "no parameters") or a form body with PHP brackets. Methods:
``crm.lead.add|update|get|list``, ``crm.timeline.comment.add|get|list``,
``crm.status.list`` and ``batch`` (≤ 50 ``"method?query"`` commands,
``$result[key]`` references, ``halt``; empty sections come back as ``[]``).
Every successful answer carries a ``time`` block; errors carry none.

Faults, each switchable at any moment from another thread:

- ``down = "503"`` (``OVERLOAD_LIMIT``), ``down = "close"`` (the connection is
  closed without an answer) or ``down = "deleted"`` (500 ``PORTAL_DELETED``);
  nothing is carried out while down;
- ``denied = {"crm.lead.add"}``: the webhook's user lacks that right
  (HTTP 400, empty code, "Access denied.");
- ``required["lead"] = {"UF_CRM_INN": "ИНН"}``: a field the portal's admin made
  required (``crm.lead.fields`` says ``isRequired``; an add without it fails
  with an empty code and a text naming the field);
- ``redirect_to = "http://new-host"``: the portal moved; every request gets
  ``302`` with ``Location`` the same path on the new address;
- ``latency``: seconds before each request is handled;
- ``lose_next(n, mode, methods)``: carry the call out, then lose its answer —
  ``"500"`` answers ``INTERNAL_SERVER_ERROR``, ``"timeout"`` holds the answer
  for ``lose_delay`` seconds (longer than the client's timeout);
- ``time_limit(method)``: calls of that method get ``OPERATION_TIME_LIMIT``
  (HTTP 429 alone, or in ``result_error`` inside ``batch``), with no ``time``
  block: the method's budget resets ``reset_in`` seconds ahead, which only the
  ``time`` blocks of successful answers tell;
- a leaky bucket per portal: drains ``drain_rate`` requests/s and refuses
  with 503 ``QUERY_LIMIT_EXCEEDED`` above ``bucket_size`` queued (2 and 50 as
  on standard plans; ``drain_rate=None`` switches it off). ``batch`` counts
  as one request.

Every wait inside the server ends at ``stop()``, so it always shuts down
within a second or so.

Here: ``FakeBitrix`` (lifecycle, state, fault knobs, what arrived) and
``main()``. The parts live beside it: ``bitrix_observing.py`` reads what
arrived and plays a manager in Bitrix (comments, stage moves, events); ``bitrix_handling.py`` serves a request
(faults, bucket, ``time`` blocks, ``batch``), ``bitrix_methods.py`` carries the
methods out (and holds ``FakeError``), ``bitrix_php.py`` parses PHP-style
query strings. Their public names are importable from here too.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from http.server import ThreadingHTTPServer

from tests.fakes.bitrix_crm import METHODS, event_body
from tests.fakes.bitrix_handling import (
    BATCH_LIMIT,
    OPERATING_WINDOW,
    RequestHandling,
    make_handler,
)
from tests.fakes.bitrix_methods import (
    DEFAULT_STAGES,
    MULTIFIELDS,
    PAGE_SIZE,
    SEMANTIC_ID,
    FakeError,
    comment_add,
    comment_get,
    comment_list,
    lead_add,
    lead_get,
    lead_list,
    lead_update,
    status_list,
)
from tests.fakes.bitrix_observing import Observing
from tests.fakes.bitrix_php import parse_php_query

__all__ = [
    "BATCH_LIMIT", "DEFAULT_STAGES", "HOST", "METHODS", "MULTIFIELDS", "OPERATING_WINDOW",
    "PAGE_SIZE", "SEMANTIC_ID", "FakeBitrix", "FakeError", "comment_add", "comment_get",
    "comment_list", "event_body", "lead_add", "lead_get", "lead_list", "lead_update", "main",
    "parse_php_query", "status_list",
]

HOST = "127.0.0.1"


# --- the portal -------------------------------------------------------------
class FakeBitrix(RequestHandling, Observing):
    def __init__(self, *, secret="fake-webhook-secret", user_id=1, drain_rate=2.0,
                 bucket_size=50, lose_delay=2.0, scopes=("crm",)):
        self.secret, self.user_id = secret, str(user_id)
        self.drain_rate, self.bucket_size = drain_rate, bucket_size
        self.lose_delay = lose_delay
        self.scopes = set(scopes)
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        # faults
        self._down: str | None = None
        self._latency = 0.0
        self._lose_rules: list[dict] = []
        self._time_limited: dict[str, float] = {}  # method → reset_in seconds
        self._in_flight = 0
        self.redirect_to: str | None = None  # "http://host:port": the portal moved there
        self.denied: set[str] = set()  # methods the webhook's user has no right to call
        self.mode = 1  # crm.settings.mode.get: 1 classic (leads and deals), 2 simple (deals)
        self.users = {1: {"ID": "1", "NAME": "Вебхук", "LAST_NAME": "", "ACTIVE": True},
                      7: {"ID": "7", "NAME": "Ирина", "LAST_NAME": "Петрова", "ACTIVE": True}}
        # fields the portal's admin made required: {"lead": {"UF_CRM_INN": "ИНН"}}
        self.required: dict[str, dict[str, str]] = {"lead": {}, "deal": {}}
        self.reset()

    # --- lifecycle -----------------------------------------------------------
    def start(self) -> FakeBitrix:
        self._stop.clear()
        server = ThreadingHTTPServer((HOST, 0), make_handler(self))
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="fake-bitrix", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()  # ends latency and lost-answer waits in handler threads
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> FakeBitrix:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        """``BITRIX_WEBHOOK_URL``: everything before the method."""
        return f"http://{HOST}:{self.port}/rest/{self.user_id}/{self.secret}"

    # --- state ---------------------------------------------------------------
    def reset(self) -> None:
        """Forget every lead, comment and counter (faults stay as they are)."""
        with self._lock:
            self.leads: dict[int, dict] = {}
            self.comments: dict[int, dict] = {}
            self.files: dict[int, bytes] = {}  # what FILES of timeline comments carried
            self.updates: list[tuple[int, dict]] = []  # (lead id, fields) of every crm.lead.update
            self.deals: dict[int, dict] = {}
            self.contacts: dict[int, dict] = {}
            self.converted_leads: dict[int, dict] = {}  # simple mode: gone from crm.lead.get
            self.deal_updates: list[tuple[int, dict]] = []
            # events Bitrix would post to the outgoing webhook: (name, id), in order
            self.events: list[tuple[str, int]] = []
            self._next_id = {"lead": 1000, "comment": 5000, "multifield": 100, "deal": 3000,
                             "contact": 7000}
            self.reset_counters()

    def reset_counters(self) -> None:
        with self._lock:
            self.requests: Counter = Counter()  # every request received, by method
            self.batch_calls: Counter = Counter()  # sub-calls inside batch, by method
            self.performed: Counter = Counter()  # methods carried out (alone or in batch)
            self.http_statuses: Counter = Counter()  # answers by HTTP status ("closed": none)
            self.http_methods: Counter = Counter()  # GET / POST
            self.refused = 0  # 503 QUERY_LIMIT_EXCEEDED
            self.lost = 0  # answers lost after the call was carried out
            self.time_limited_calls = 0  # OPERATION_TIME_LIMIT answers (alone or in batch)
            self.arrivals: list[float] = []  # time.monotonic() of every request
            self.log: list[dict] = []  # one entry per request
            self.peak_bucket = 0.0
            self._bucket = 0.0
            self._bucket_at = time.monotonic()
            self._operating: dict[str, list[float]] = {}  # method → [window start, seconds]

    # --- fault knobs (thread-safe) ----------------------------------------------
    @property
    def down(self) -> str | None:
        with self._lock:
            return self._down

    @down.setter
    def down(self, mode: str | None) -> None:
        if mode not in (None, "503", "close", "deleted"):
            raise ValueError("down is None, '503', 'close' or 'deleted'")
        with self._lock:
            self._down = mode

    @property
    def latency(self) -> float:
        with self._lock:
            return self._latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        with self._lock:
            self._latency = max(0.0, float(seconds))

    def lose_next(self, count: int, *, mode: str = "500", methods=None) -> None:
        """Carry out the next ``count`` matching requests, then lose their answers.

        ``methods``: only requests whose methods (for ``batch``: every
        sub-call's method) all belong to this set; ``None``: any request.
        """
        if mode not in ("500", "timeout"):
            raise ValueError("mode is '500' or 'timeout'")
        with self._lock:
            self._lose_rules.append({"left": int(count), "mode": mode,
                                     "methods": set(methods) if methods else None})

    def stop_losing(self) -> None:
        """Answers are no longer lost (the rules of ``lose_next`` are dropped)."""
        with self._lock:
            self._lose_rules = []

    @property
    def lose_pending(self) -> int:
        with self._lock:
            return sum(rule["left"] for rule in self._lose_rules)

    def time_limit(self, method: str, on: bool = True, *, reset_in: float = 1.0) -> None:
        """Answer ``OPERATION_TIME_LIMIT`` to every call of ``method`` while on."""
        with self._lock:
            if on:
                # The budget is spent: its oldest bucket drops out ``reset_in`` from now, as
                # the ``time`` block of that method's earlier successes says.
                self._time_limited[method.lower()] = reset_in
                self._operating[method.lower()] = [time.time() + reset_in - OPERATING_WINDOW,
                                                   480.0]
            else:
                self._time_limited.pop(method.lower(), None)


def main() -> None:  # pragma: no cover  manual use: python -m tests.fakes.bitrix_server
    import argparse

    parser = argparse.ArgumentParser(description="Fake Bitrix24 webhook on 127.0.0.1")
    parser.add_argument("--seconds", type=float, default=600, help="stop after (bounded)")
    parser.add_argument("--latency", type=float, default=0.0)
    args = parser.parse_args()
    with FakeBitrix() as portal:
        portal.latency = args.latency
        print(f"BITRIX_WEBHOOK_URL={portal.url}", flush=True)
        try:
            time.sleep(args.seconds)
        except KeyboardInterrupt:
            pass
        print(json.dumps(portal.stats(), ensure_ascii=False))


if __name__ == "__main__":  # pragma: no cover
    main()
