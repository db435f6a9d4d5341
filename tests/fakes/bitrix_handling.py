"""How the fake Bitrix24 portal (bitrix_server.py) serves a request: faults, bucket, batch.

``RequestHandling`` is mixed into ``FakeBitrix``, which holds the state it
uses (lock, counters, fault knobs); ``make_handler`` is the
``http.server`` handler class that hands every request to the portal.
"""

from __future__ import annotations

import json
import time
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from tests.fakes.bitrix_crm import METHODS
from tests.fakes.bitrix_methods import FakeError
from tests.fakes.bitrix_php import _iso, _resolve_refs, parse_php_query

if TYPE_CHECKING:
    from tests.fakes.bitrix_server import FakeBitrix

BATCH_LIMIT = 50
OPERATING_WINDOW = 600  # seconds a method's spent time counts (Bitrix: 10 minutes)


class RequestHandling:
    """Request handling for ``FakeBitrix`` (called from handler threads)."""

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
        scope = "user" if method.startswith("user.") else method.split(".", 1)[0]
        if scope in ("crm", "user") and scope not in self.scopes and not (
                scope == "user" and "user_brief" in self.scopes):
            raise FakeError(401, "insufficient_scope",
                            "The request requires higher privileges than provided by the "
                            "webhook token")
        if method in self.denied:  # the webhook's user lacks the right: empty code, HTTP 400
            raise FakeError(400, "", "Access denied.")
        with self._lock:
            limited = method in self._time_limited
        if limited:
            with self._lock:
                self.time_limited_calls += 1
            raise FakeError(429, "OPERATION_TIME_LIMIT", "Method is blocked due to operation "
                            "time limit.")
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
            redirect = self.redirect_to

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

        if redirect:  # a moved portal: the same path on its new address
            entry["status"] = 302
            with self._lock:
                self.http_statuses[302] += 1
            handler.send_response(302)
            handler.send_header("Location", redirect.rstrip("/") + handler.path)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        if down == "close":
            entry["status"] = "closed"
            with self._lock:
                self.http_statuses["closed"] += 1
            handler.close_connection = True
            return
        if down == "503":
            return answer(503, {"error": "OVERLOAD_LIMIT",
                                "error_description": "REST API is blocked due to overload."})
        if down == "deleted":
            return answer(500, {"error": "PORTAL_DELETED", "error_description": "Portal was deleted"})
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
                                "error_description": "Too many requests"})

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
            return answer(error.http_status, error.body())  # errors carry no time block
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


def make_handler(portal: FakeBitrix):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as requests.Session expects

        def do_POST(self):  # noqa: N802  (http.server's naming)
            portal.handle(self, "POST")

        def do_GET(self):  # noqa: N802
            portal.handle(self, "GET")

        def log_message(self, format, *args):  # noqa: A002  quiet
            pass

    return Handler
