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
Every answer carries a ``time`` block.

Faults, each switchable at any moment from another thread:

- ``down = "503"`` (``OVERLOAD_LIMIT``) or ``down = "close"`` (the connection is
  closed without an answer); nothing is carried out while down;
- ``latency``: seconds before each request is handled;
- ``lose_next(n, mode, methods)``: carry the call out, then lose its answer —
  ``"500"`` answers ``INTERNAL_SERVER_ERROR``, ``"timeout"`` holds the answer
  for ``lose_delay`` seconds (longer than the client's timeout);
- ``time_limit(method)``: calls of that method get ``OPERATION_TIME_LIMIT``
  (HTTP 429 alone, or in ``result_error`` inside ``batch``) with
  ``operating_reset_at`` ``reset_in`` seconds ahead;
- a leaky bucket per portal: drains ``drain_rate`` requests/s and refuses
  with 503 ``QUERY_LIMIT_EXCEEDED`` above ``bucket_size`` queued (2 and 50 as
  on standard plans; ``drain_rate=None`` switches it off). ``batch`` counts
  as one request.

Every wait inside the server ends at ``stop()``, so it always shuts down
within a second or so.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

HOST = "127.0.0.1"
PAGE_SIZE = 50
BATCH_LIMIT = 50
OPERATING_WINDOW = 600  # seconds a method's spent time counts (Bitrix: 10 minutes)

DEFAULT_STAGES = [  # crm.status.list, ENTITY_ID=STATUS, as on a fresh portal
    ("NEW", "Не обработан", 10, None, "process"),
    ("IN_PROCESS", "В работе", 20, None, "process"),
    ("PROCESSED", "Обработан", 30, None, "process"),
    ("CONVERTED", "Качественный лид", 40, "S", "success"),
    ("JUNK", "Некачественный лид", 50, "F", "failure"),
]
SEMANTIC_ID = {"CONVERTED": "S", "JUNK": "F"}  # others: "P" (in progress)
MULTIFIELDS = ("PHONE", "EMAIL", "WEB", "IM")
_REF_RE = re.compile(r"^\$result\[([^\]]+)\]((?:\[[^\]]*\])*)$")
_BRACKETS_RE = re.compile(r"\[([^\]]*)\]")


class FakeError(Exception):
    """A Bitrix error answer: HTTP status and ``{"error", "error_description"}``."""

    def __init__(self, http_status, code, description, *, reset_at=None):
        super().__init__(f"{code}: {description}")
        self.http_status, self.code, self.description = http_status, code, description
        self.reset_at = reset_at

    def body(self):
        return {"error": self.code, "error_description": self.description}


# --- PHP-style query strings ------------------------------------------------
def _listify(node):
    """PHP arrays with keys 0..n-1 are JSON lists; the rest stay objects."""
    if isinstance(node, dict):
        node = {key: _listify(value) for key, value in node.items()}
        if node and all(key.isdigit() for key in node) and sorted(
                int(key) for key in node) == list(range(len(node))):
            return [node[str(i)] for i in range(len(node))]
    return node


def parse_php_query(query: str) -> dict:
    """``fields[PHONE][0][VALUE]=%2B7&halt=0`` → ``{"fields": {"PHONE": [{"VALUE": "+7"}]}, …}``.

    As PHP reads ``$_REQUEST``: every value is a string, ``a[]`` appends.
    """
    result: dict = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        base = name.split("[", 1)[0]
        if not base:
            continue
        keys = [base, *_BRACKETS_RE.findall(name[len(base):])]
        node = result
        for key in keys[:-1]:
            key = key if key != "" else str(len(node))
            if not isinstance(node.get(key), dict):
                node[key] = {}
            node = node[key]
        last = keys[-1] if keys[-1] != "" else str(len(node))
        node[last] = value
    return _listify(result)


def _to_int(value):
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _stringify(value):
    """crm.*.get answers: every scalar is a string."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, dict):
        return {key: _stringify(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_stringify(item) for item in value]
    return str(value)


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=UTC).astimezone().isoformat(timespec="seconds")


# --- the portal -------------------------------------------------------------
class FakeBitrix:
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
        self.reset()

    # --- lifecycle -----------------------------------------------------------
    def start(self) -> FakeBitrix:
        self._stop.clear()
        server = ThreadingHTTPServer((HOST, 0), _make_handler(self))
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
            self.updates: list[tuple[int, dict]] = []  # (lead id, fields) of every crm.lead.update
            self._next_id = {"lead": 1000, "comment": 5000, "multifield": 100}
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
        if mode not in (None, "503", "close"):
            raise ValueError("down is None, '503' or 'close'")
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
                self._time_limited[method.lower()] = reset_in
            else:
                self._time_limited.pop(method.lower(), None)

    # --- what arrived (copies, thread-safe) ----------------------------------------
    def lead(self, lead_id: int) -> dict | None:
        with self._lock:
            lead = self.leads.get(int(lead_id))
            return json.loads(json.dumps(lead)) if lead else None

    def leads_by_origin(self, origin_id: str, originator_id: str | None = None) -> list[dict]:
        with self._lock:
            return [json.loads(json.dumps(lead)) for lead in self.leads.values()
                    if str(lead.get("ORIGIN_ID")) == origin_id and (
                        originator_id is None or str(lead.get("ORIGINATOR_ID")) == originator_id)]

    def comments_for(self, lead_id: int) -> list[dict]:
        with self._lock:
            return [dict(c) for c in self.comments.values() if c["ENTITY_ID"] == int(lead_id)]

    def updates_for(self, lead_id: int) -> list[dict]:
        with self._lock:
            return [json.loads(json.dumps(f)) for lid, f in self.updates if lid == int(lead_id)]

    def set_lead_status(self, lead_id: int, status_id: str) -> None:
        """A manager moves the lead in Bitrix (no request, no counters)."""
        with self._lock:
            self.leads[int(lead_id)]["STATUS_ID"] = status_id

    def peak_rate(self, window: float = 1.0) -> float:
        """Most requests that arrived in any half-open window of ``window`` seconds, per second."""
        with self._lock:
            times = sorted(self.arrivals)
        best, first = 0, 0
        for last, at in enumerate(times):
            while at - times[first] >= window:
                first += 1
            best = max(best, last - first + 1)
        return best / window

    def stats(self) -> dict:
        with self._lock:
            return {
                "requests": dict(self.requests), "batch_calls": dict(self.batch_calls),
                "performed": dict(self.performed), "http_statuses": dict(self.http_statuses),
                "http_methods": dict(self.http_methods), "refused": self.refused,
                "lost": self.lost, "time_limited": self.time_limited_calls,
                "total_requests": len(self.arrivals), "leads": len(self.leads),
                "comments": len(self.comments), "updates": len(self.updates),
                "peak_bucket": self.peak_bucket,
            }

    # --- request handling (called from handler threads) -----------------------------
    def _wait(self, seconds: float) -> bool:
        """Sleep unless the server stops; True if it is stopping."""
        return self._stop.wait(seconds) if seconds > 0 else self._stop.is_set()

    def _time_block(self, method: str, start: float, *, reset_at=None) -> dict:
        finish = time.time()
        with self._lock:
            window = self._operating.get(method)
            if window is None or finish - window[0] >= OPERATING_WINDOW:
                window = self._operating[method] = [start, 0.0]
            window[1] += finish - start
            operating, reset = window[1], window[0] + OPERATING_WINDOW
        return {"start": start, "finish": finish, "duration": finish - start,
                "processing": finish - start, "date_start": _iso(start),
                "date_finish": _iso(finish), "operating": round(operating, 6),
                "operating_reset_at": int(reset_at if reset_at is not None else reset)}

    def _admit(self) -> bool:
        """The leaky bucket: True if this request may be served."""
        if self.drain_rate is None:
            return True
        with self._lock:
            now = time.monotonic()
            self._bucket = max(0.0, self._bucket - (now - self._bucket_at) * self.drain_rate)
            self._bucket_at = now
            if self._bucket + 1 > self.bucket_size:
                self.refused += 1
                return False
            self._bucket += 1
            self.peak_bucket = max(self.peak_bucket, self._bucket)
            return True

    def _take_lose_rule(self, methods: list[str]) -> str | None:
        with self._lock:
            for rule in self._lose_rules:
                if rule["left"] > 0 and (rule["methods"] is None
                                         or set(methods) <= rule["methods"]):
                    rule["left"] -= 1
                    self.lost += 1
                    self._lose_rules = [r for r in self._lose_rules if r["left"] > 0]
                    return rule["mode"]
        return None

    def _call(self, method: str, params: dict, start: float):
        """One method (not batch): returns ``(answer body without time, time block)``."""
        if method not in METHODS or method == "batch":
            raise FakeError(404, "ERROR_METHOD_NOT_FOUND", "Method not found!")
        if method.startswith("crm.") and "crm" not in self.scopes:
            raise FakeError(401, "insufficient_scope",
                            "The request requires higher privileges than provided by the "
                            "webhook token")
        with self._lock:
            reset_in = self._time_limited.get(method)
        if reset_in is not None:
            with self._lock:
                self.time_limited_calls += 1
            raise FakeError(429, "OPERATION_TIME_LIMIT", "Method is blocked due to operation "
                            "time limit.", reset_at=time.time() + reset_in)
        with self._lock:
            answer = METHODS[method](self, params)
            self.performed[method] += 1
        return answer

    def _batch(self, params: dict) -> tuple[dict, list[str]]:
        """``(answer without time, the sub-calls' methods)``."""
        cmd = params.get("cmd") or {}
        if isinstance(cmd, list):
            cmd = {str(i): value for i, value in enumerate(cmd)}
        if not isinstance(cmd, dict):
            raise FakeError(400, "INVALID_ARG_VALUE", "cmd must be an array")
        if len(cmd) > BATCH_LIMIT:
            raise FakeError(400, "ERROR_BATCH_LENGTH_EXCEEDED", "Max batch length exceeded")
        halt = str(params.get("halt", "0")) not in ("0", "", "false", "N")
        results, errors, totals, nexts, times = {}, {}, {}, {}, {}
        methods = []
        for key, command in cmd.items():
            method, _, query = str(command).partition("?")
            method = method.strip().lower()
            methods.append(method)
            sub_params = _resolve_refs(parse_php_query(query), results)
            with self._lock:
                self.batch_calls[method] += 1
            sub_start = time.time()
            try:
                if method == "batch":
                    raise FakeError(400, "ERROR_BATCH_METHOD_NOT_ALLOWED",
                                    "Method is not allowed for batch usage")
                answer = self._call(method, sub_params, sub_start)
            except FakeError as error:
                errors[key] = error.body()
                times[key] = self._time_block(method, sub_start, reset_at=error.reset_at)
                if halt:
                    break
                continue
            results[key] = answer["result"]
            if "total" in answer:
                totals[key] = answer["total"]
            if "next" in answer:
                nexts[key] = answer["next"]
            times[key] = self._time_block(method, sub_start)
        return {"result": {"result": results or [], "result_error": errors or [],
                           "result_total": totals or [], "result_next": nexts or [],
                           "result_time": times or []}}, methods

    @property
    def in_flight(self) -> int:
        """Requests being handled right now (e.g. still inside an injected latency)."""
        with self._lock:
            return self._in_flight

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait (bounded) until no request is being handled; True if idle."""
        deadline = time.monotonic() + timeout
        while self.in_flight and time.monotonic() < deadline:
            time.sleep(0.02)
        return not self.in_flight

    def handle(self, handler: BaseHTTPRequestHandler, http_method: str) -> None:
        with self._lock:
            self._in_flight += 1
        try:
            self._handle(handler, http_method)
        finally:
            with self._lock:
                self._in_flight -= 1

    def _handle(self, handler: BaseHTTPRequestHandler, http_method: str) -> None:
        start, arrived = time.time(), time.monotonic()
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length > 0 else b""
        segments = [s for s in parts.path.split("/") if s]
        method = segments[-1].lower() if segments else ""
        method = method[:-5] if method.endswith(".json") else method
        entry = {"at": arrived, "method": method, "calls": 0, "status": None}
        with self._lock:
            self.arrivals.append(arrived)
            self.requests[method] += 1
            self.http_methods[http_method] += 1
            self.log.append(entry)
            down = self._down
            latency = self._latency

        def answer(status, body):
            entry["status"] = status
            with self._lock:
                self.http_statuses[status] += 1
            data = json.dumps(body, ensure_ascii=False).encode()
            try:
                handler.send_response(status)
                handler.send_header("Content-Type", "application/json; charset=utf-8")
                handler.send_header("Content-Length", str(len(data)))
                handler.end_headers()
                handler.wfile.write(data)
            except OSError:  # the client gave up (timeout): nobody reads this answer
                handler.close_connection = True

        if down == "close":
            entry["status"] = "closed"
            with self._lock:
                self.http_statuses["closed"] += 1
            handler.close_connection = True
            return
        if down == "503":
            return answer(503, {"error": "OVERLOAD_LIMIT",
                                "error_description": "REST API is blocked due to overload.",
                                "time": self._time_block(method, start)})
        if self._wait(latency):
            handler.close_connection = True
            return
        if (len(segments) != 4 or segments[0] != "rest") or not method:
            return answer(404, {"error": "ERROR_METHOD_NOT_FOUND",
                                "error_description": "Method not found!"})
        if segments[1] != self.user_id or segments[2] != self.secret:
            return answer(401, {"error": "INVALID_CREDENTIALS",
                                "error_description": "Invalid request credentials"})
        if not self._admit():
            return answer(503, {"error": "QUERY_LIMIT_EXCEEDED",
                                "error_description": "Too many requests",
                                "time": self._time_block(method, start)})

        params = parse_php_query(parts.query)
        content_type = (handler.headers.get("Content-Type") or "").strip()
        if content_type == "application/json":
            try:
                body = json.loads(raw.decode("utf-8")) if raw else {}
            except (ValueError, UnicodeDecodeError):
                body = {}  # Bitrix reads invalid JSON as "no parameters"
            params.update(body if isinstance(body, dict) else {})
        elif content_type.startswith("application/x-www-form-urlencoded"):
            params.update(parse_php_query(raw.decode("utf-8", errors="replace")))

        try:
            if method == "batch":
                body, sub_methods = self._batch(params)
                entry["calls"] = len(sub_methods)
                with self._lock:
                    self.performed["batch"] += 1
            else:
                body = self._call(method, params, start)
                sub_methods = [method]
        except FakeError as error:
            return answer(error.http_status, {**error.body(), "time": self._time_block(
                method, start, reset_at=error.reset_at)})
        body["time"] = self._time_block(method, start)

        lose = self._take_lose_rule(sub_methods)
        entry["lost"] = lose
        if lose == "500":
            return answer(500, {"error": "INTERNAL_SERVER_ERROR",
                                "error_description": "Internal server error"})
        if lose == "timeout" and self._wait(self.lose_delay):
            handler.close_connection = True
            return
        return answer(200, body)


def _resolve_refs(node, results):
    """``$result[k1]`` / ``$result[k1][ID]`` in a batch command: an earlier command's result."""
    if isinstance(node, dict):
        return {key: _resolve_refs(value, results) for key, value in node.items()}
    if isinstance(node, list):
        return [_resolve_refs(value, results) for value in node]
    if isinstance(node, str) and (match := _REF_RE.match(node)):
        value = results.get(match.group(1))
        for key in _BRACKETS_RE.findall(match.group(2)):
            value = value.get(key) if isinstance(value, dict) else (
                value[int(key)] if isinstance(value, list) and key.isdigit()
                and int(key) < len(value) else None)
        return "" if value is None else str(value) if not isinstance(value, dict | list) else value
    return node


# --- methods (called with the portal's lock held) ---------------------------------
def _lead_id(params) -> int:
    lead_id = _to_int(params.get("id", params.get("ID")))
    if lead_id is None:
        raise FakeError(400, "", "ID is not defined or invalid.")
    return lead_id


def _fields(params, key="fields") -> dict:
    fields = params.get(key)
    if not isinstance(fields, dict):
        raise FakeError(400, "", f"Parameter '{key}' must be array.")
    return fields


def _store_multifields(portal: FakeBitrix, lead: dict, fields: dict) -> None:
    for name in MULTIFIELDS:
        if name in fields:
            values = fields[name] if isinstance(fields[name], list) else [fields[name]]
            stored = []
            for value in values:
                if not isinstance(value, dict) or not value.get("VALUE"):
                    continue
                portal._next_id["multifield"] += 1
                stored.append({"ID": portal._next_id["multifield"], "TYPE_ID": name,
                               "VALUE": value["VALUE"],
                               "VALUE_TYPE": value.get("VALUE_TYPE") or "WORK"})
            lead[name] = lead.get(name, []) + stored if name in lead else stored


def lead_add(portal: FakeBitrix, params: dict) -> dict:
    fields = _fields(params)
    portal._next_id["lead"] += 1
    lead_id = portal._next_id["lead"]
    now = _iso(time.time())
    lead = {key: value for key, value in fields.items() if key not in (*MULTIFIELDS, "ID")}
    lead.update(ID=lead_id, DATE_CREATE=now, DATE_MODIFY=now)
    lead.setdefault("STATUS_ID", "NEW")
    lead.setdefault("SOURCE_ID", "OTHER")
    _store_multifields(portal, lead, fields)
    lead["HAS_PHONE"] = "Y" if lead.get("PHONE") else "N"
    portal.leads[lead_id] = lead
    return {"result": lead_id}


def lead_update(portal: FakeBitrix, params: dict) -> dict:
    lead_id = _lead_id(params)
    lead = portal.leads.get(lead_id)
    if lead is None:
        raise FakeError(400, "", "Not found")
    fields = params.get("fields") if isinstance(params.get("fields"), dict) else {}
    lead.update({key: value for key, value in fields.items()
                 if key not in MULTIFIELDS and key != "ID"})
    _store_multifields(portal, lead, fields)
    lead["DATE_MODIFY"] = _iso(time.time())
    portal.updates.append((lead_id, json.loads(json.dumps(fields))))
    return {"result": True}


def _lead_view(lead: dict) -> dict:
    view = _stringify(lead)
    view["STATUS_SEMANTIC_ID"] = SEMANTIC_ID.get(str(lead.get("STATUS_ID")), "P")
    return view


def lead_get(portal: FakeBitrix, params: dict) -> dict:
    lead = portal.leads.get(_lead_id(params))
    if lead is None:
        raise FakeError(400, "", "Not found")
    return {"result": _lead_view(lead)}


def _matches(lead: dict, filters: dict) -> bool:
    for key, wanted in filters.items():
        key = key.lstrip("=")
        have = lead.get(key)
        if isinstance(wanted, list):
            if str(have) not in {str(w) for w in wanted}:
                return False
        elif str(have if have is not None else "") != str(wanted):
            return False
    return True


def lead_list(portal: FakeBitrix, params: dict) -> dict:
    filters = params.get("filter") if isinstance(params.get("filter"), dict) else {}
    order = params.get("order") if isinstance(params.get("order"), dict) else {}
    select = params.get("select") if isinstance(params.get("select"), list) else []
    start = _to_int(params.get("start")) or 0
    rows = [lead for lead in portal.leads.values() if _matches(lead, filters)]
    descending = str(order.get("ID", "ASC")).upper() == "DESC"
    rows.sort(key=lambda lead: lead["ID"], reverse=descending)
    page = rows[start:start + PAGE_SIZE]
    if select and "*" not in select:
        wanted = {"ID", *select}
        page = [{key: value for key, value in lead.items() if key in wanted} for lead in page]
    else:
        page = [{key: value for key, value in lead.items() if key not in MULTIFIELDS}
                for lead in page]
    answer = {"result": [_stringify(lead) for lead in page], "total": len(rows)}
    if start + PAGE_SIZE < len(rows):
        answer["next"] = start + PAGE_SIZE
    return answer


def comment_add(portal: FakeBitrix, params: dict) -> dict:
    fields = params.get("fields")  # lowercase only, as the server reads it
    if not isinstance(fields, dict):
        raise FakeError(400, "INVALID_ARG_VALUE", "Required parameter 'fields' is not set.")
    entity_id = _to_int(fields.get("ENTITY_ID"))
    if entity_id is None:
        raise FakeError(400, "INVALID_ARG_VALUE", "ENTITY_ID is not defined or invalid.")
    if str(fields.get("ENTITY_TYPE", "")).lower() != "lead":
        raise FakeError(400, "INVALID_ARG_VALUE", "ENTITY_TYPE is not supported.")
    if entity_id not in portal.leads:
        raise FakeError(400, "OWNER_NOT_FOUND", "Owner entity not found.")
    text = fields.get("COMMENT")
    if not isinstance(text, str) or not text.strip():
        raise FakeError(400, "INVALID_ARG_VALUE", "Empty comment message.")
    portal._next_id["comment"] += 1
    comment_id = portal._next_id["comment"]
    portal.comments[comment_id] = {"ID": comment_id, "ENTITY_ID": entity_id,
                                   "ENTITY_TYPE": "lead", "COMMENT": text,
                                   "CREATED": _iso(time.time()), "AUTHOR_ID": portal.user_id}
    return {"result": comment_id}


def comment_get(portal: FakeBitrix, params: dict) -> dict:
    comment = portal.comments.get(_to_int(params.get("id")) or 0)
    if comment is None:
        raise FakeError(400, "NOT_FOUND", "Comment not found.")
    return {"result": _stringify(comment)}


def comment_list(portal: FakeBitrix, params: dict) -> dict:
    """ENTITY_ID and ENTITY_TYPE are required in the filter; pages of 50."""
    filters = params.get("filter") if isinstance(params.get("filter"), dict) else {}
    entity_id = _to_int(filters.get("ENTITY_ID"))
    entity_type = str(filters.get("ENTITY_TYPE", "")).lower()
    if entity_id is None or not entity_type:
        raise FakeError(400, "INVALID_ARG_VALUE",
                        "ENTITY_ID and ENTITY_TYPE are required in the filter.")
    rows = [c for c in portal.comments.values()
            if c["ENTITY_ID"] == entity_id and c["ENTITY_TYPE"] == entity_type]
    order = params.get("order") if isinstance(params.get("order"), dict) else {}
    rows.sort(key=lambda c: c["ID"], reverse=str(order.get("ID", "ASC")).upper() == "DESC")
    start = _to_int(params.get("start")) or 0
    select = params.get("select") if isinstance(params.get("select"), list) else []
    page = rows[start:start + PAGE_SIZE]
    if select and "*" not in select:
        page = [{key: value for key, value in c.items() if key in {"ID", *select}}
                for c in page]
    answer = {"result": [_stringify(c) for c in page], "total": len(rows)}
    if start + PAGE_SIZE < len(rows):
        answer["next"] = start + PAGE_SIZE
    return answer


def status_list(portal: FakeBitrix, params: dict) -> dict:
    filters = params.get("filter") if isinstance(params.get("filter"), dict) else {}
    entity = str(filters.get("ENTITY_ID", "STATUS"))
    rows = []
    if entity == "STATUS":
        for n, (status_id, name, sort, semantics, extra) in enumerate(DEFAULT_STAGES, 1):
            rows.append({"ID": str(n), "ENTITY_ID": "STATUS", "STATUS_ID": status_id,
                         "NAME": name, "NAME_INIT": name, "SORT": str(sort), "SYSTEM": "Y",
                         "SEMANTICS": semantics, "EXTRA": {"SEMANTICS": extra,
                                                           "COLOR": "#39A8EF"}})
    order = params.get("order") if isinstance(params.get("order"), dict) else {}
    rows.sort(key=lambda row: int(row["SORT"]),
              reverse=str(order.get("SORT", "ASC")).upper() == "DESC")
    return {"result": rows, "total": len(rows)}


METHODS = {
    "crm.lead.add": lead_add,
    "crm.lead.update": lead_update,
    "crm.lead.get": lead_get,
    "crm.lead.list": lead_list,
    "crm.timeline.comment.add": comment_add,
    "crm.timeline.comment.get": comment_get,
    "crm.timeline.comment.list": comment_list,
    "crm.status.list": status_list,
    "batch": None,  # handled by FakeBitrix._batch
}


def _make_handler(portal: FakeBitrix):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as requests.Session expects

        def do_POST(self):  # noqa: N802  (http.server's naming)
            portal.handle(self, "POST")

        def do_GET(self):  # noqa: N802
            portal.handle(self, "GET")

        def log_message(self, format, *args):  # noqa: A002  quiet
            pass

    return Handler


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
