"""One client of ``concurrent_clients.py``: logs in by SMS code, creates a ticket,
comments on it, and records every request's status and latency."""

from __future__ import annotations

import re
import time

import requests
from _server import BenchServer

REQUEST_TIMEOUT = 60  # seconds per HTTP request
SMS_WAIT = 20  # seconds to wait for a client's SMS file
TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CODE_RE = re.compile(r"\b(\d{6})\b")
CARD_RE = re.compile(r"/tickets/(\d+)/$")


def phone_for(index: int) -> str:
    return f"+7999555{index:04d}"


class Failed(Exception):
    pass


class BenchClient:
    def __init__(self, index: int, server: BenchServer, department_id: int, log: list):
        self.index = index
        self.phone = phone_for(index)
        self.server = server
        self.department_id = department_id
        self.http = requests.Session()
        self.log = log  # shared list of (phase, method, path, status, expected, seconds)
        self.error: str | None = None
        self.ticket_id: int | None = None

    def _request(self, phase, method, path, expected, data=None):
        started = time.perf_counter()
        try:
            response = self.http.request(method, self.server.url(path), data=data,
                                         allow_redirects=False, timeout=REQUEST_TIMEOUT)
        except requests.RequestException as exc:
            self.log.append((phase, method, path, type(exc).__name__, expected,
                             time.perf_counter() - started))
            raise Failed(f"{method} {path}: {type(exc).__name__}: {exc}") from exc
        elapsed = time.perf_counter() - started
        self.log.append((phase, method, path, response.status_code, expected, elapsed))
        if response.status_code != expected:
            snippet = re.sub(r"\s+", " ", response.text[:300])
            raise Failed(f"{method} {path}: HTTP {response.status_code}, expected {expected}: "
                         f"{snippet}")
        return response

    @staticmethod
    def _token(response) -> str:
        match = TOKEN_RE.search(response.text)
        if not match:
            raise Failed(f"no csrfmiddlewaretoken in {response.url}")
        return match.group(1)

    def _read_code(self) -> str:
        deadline = time.monotonic() + SMS_WAIT
        while time.monotonic() < deadline:
            for path in sorted(self.server.sms_dir.glob("*.txt")):
                try:
                    phone, _, text = path.read_text(encoding="utf-8").partition("\n")
                except OSError:
                    continue
                if phone.strip() == self.phone:
                    match = CODE_RE.search(text)
                    if match:
                        return match.group(1)
            time.sleep(0.05)
        raise Failed(f"no SMS for {self.phone} in {SMS_WAIT}s")

    def login(self):
        token = self._token(self._request("login", "GET", "/login/", 200))
        if "csrftoken" not in self.http.cookies:
            raise Failed("GET /login/ set no csrftoken cookie")
        answer = self._request("login", "POST", "/login/", 302,
                               {"csrfmiddlewaretoken": token, "phone": self.phone})
        if not answer.headers.get("Location", "").endswith("/login/verify/"):
            raise Failed(f"POST /login/ redirected to {answer.headers.get('Location')}")
        token = self._token(self._request("login", "GET", "/login/verify/", 200))
        code = self._read_code()
        answer = self._request("login", "POST", "/login/verify/", 302,
                               {"csrfmiddlewaretoken": token, "code": code})
        if not answer.headers.get("Location", "").endswith("/tickets/"):
            raise Failed(f"POST /login/verify/ redirected to {answer.headers.get('Location')}")
        self._request("login", "GET", "/tickets/", 200)

    def create_ticket(self):
        token = self._token(self._request("ticket", "GET", "/tickets/new/", 200))
        answer = self._request("ticket", "POST", "/tickets/new/", 302, {
            "csrfmiddlewaretoken": token,
            "criticality": "normal",
            "department": str(self.department_id),
            "tag": "",
            "title": f"Нагрузочная заявка клиента {self.index}",
            "description": f"Клиент {self.phone} проверяет одновременную работу портала.",
        })
        match = CARD_RE.search(answer.headers.get("Location", ""))
        if not match:
            raise Failed(f"POST /tickets/new/ redirected to {answer.headers.get('Location')}")
        self.ticket_id = int(match.group(1))
        self.card_token = self._token(
            self._request("ticket", "GET", f"/tickets/{self.ticket_id}/", 200))

    def comment(self, number: int):
        path = f"/tickets/{self.ticket_id}/"
        self._request("comment", "POST", f"{path}comment/", 302, {
            "csrfmiddlewaretoken": self.card_token,
            "text": f"Комментарий {number} от клиента {self.index}",
        })
        self.card_token = self._token(self._request("comment", "GET", path, 200))
