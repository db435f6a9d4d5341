"""A fake Telegram Bot API on 127.0.0.1, answering as api.telegram.org does.

    with FakeTelegram() as telegram:         # a free port
        settings.TELEGRAM_API_URL = telegram.url
        settings.TELEGRAM_BOT_TOKEN = telegram.token
        ...
        telegram.sent_to(chat_id)            # texts that arrived, in order

``POST /bot<token>/<method>`` with a JSON (or form) body. Answers
``{"ok": true, "result": …}``; errors ``{"ok": false, "error_code": N,
"description": "…"}`` with ``parameters.retry_after`` on 429. Methods:
``getMe``, ``sendMessage`` (result: a Message with ``message_id``, ``from``,
``chat``, ``date``, ``text``, ``reply_markup``), ``setWebhook``,
``deleteWebhook``, ``getWebhookInfo``, ``getUpdates`` (``offset``,
``timeout`` long polling). A wrong token is 401 "Unauthorized"; an unknown
method 404 "Not Found".

Files, as the Bot API serves them: ``put_file(data, name)`` gives a ``file_id`` (and
``photo_update``/``document_update`` the Updates that carry one); ``getFile``
answers a File with ``file_path`` (400 "Bad Request: invalid file_id" for an
unknown id, 400 "Bad Request: file is too big" over 20 MB), and
``GET /file/bot<token>/<file_path>`` the bytes (404 JSON for an unknown path,
401 for a wrong token). ``file_faults``: statuses the next downloads answer
(e.g. 502) before serving.

Faults, switchable from another thread at any moment:
- ``fail_next(n, status, retry_after=None)``: the next n sendMessage calls
  answer 429 / 500 / 502 / 400 without sending;
- ``blocked``: chat ids that blocked the bot (403 "Forbidden: bot was
  blocked by the user");
- ``latency``: seconds each sendMessage is held *after* the message was
  sent (longer than the client's timeout = a lost answer);
- ``in_flight``: requests being held right now.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.fakes.telegram_files import FakeTelegramFiles

HOST = "127.0.0.1"
TOKEN = "123456:TEST-token"
BOT = {"id": 123456, "is_bot": True, "first_name": "Поддержка", "username": "portal_test_bot",
       "can_join_groups": True, "can_read_all_group_messages": False,
       "supports_inline_queries": False}
ERRORS = {400: "Bad Request: message text is empty", 500: "Internal Server Error",
          502: "Bad Gateway"}


def make_update(update_id, chat_id, text, *, reply_to=None, first_name="Алексей",
                username="alexey"):
    """The Update Telegram sends when a user writes ``text`` to the bot in private."""
    message = {"message_id": update_id, "date": int(time.time()), "text": text,
               "from": {"id": chat_id, "is_bot": False, "first_name": first_name,
                        "username": username, "language_code": "ru"},
               "chat": {"id": chat_id, "first_name": first_name, "username": username,
                        "type": "private"}}
    if text.startswith("/"):
        command = text.split()[0]
        message["entities"] = [{"offset": 0, "length": len(command), "type": "bot_command"}]
    if reply_to is not None:
        message["reply_to_message"] = reply_to
    return {"update_id": update_id, "message": message}


class FakeTelegram(FakeTelegramFiles):
    def __init__(self, token=TOKEN):
        self.token = token
        self.lock = threading.Lock()
        self.messages: list[dict] = []
        self.calls: list[tuple[str, dict]] = []
        self.blocked: set[int] = set()
        self.faults: list[tuple[int, int | None]] = []
        self.latency = 0.0
        self.in_flight = 0
        self.webhook = {"url": "", "secret_token": ""}
        self.updates: list[dict] = []
        self.next_update_id = 1000
        self._next_id: dict[int, int] = {}
        self.files: dict[str, dict] = {}  # file_id → {"data", "file_path", "file_unique_id"}
        self.file_faults: list[int] = []
        self.downloads: list[str] = []  # file paths served
        self._stopping = threading.Event()
        self.server = ThreadingHTTPServer((HOST, 0), _handler(self))
        self.server.daemon_threads = True
        self.url = f"http://{HOST}:{self.server.server_address[1]}"

    # --- lifecycle -----------------------------------------------------------------
    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self._stopping.set()
        self.server.shutdown()
        self.server.server_close()

    # --- knobs and reads ---------------------------------------------------------------
    def fail_next(self, n, status, *, retry_after=None):
        with self.lock:
            self.faults += [(status, retry_after)] * n

    def sent_to(self, chat_id) -> list[str]:
        with self.lock:
            return [m["text"] for m in self.messages if m["chat"]["id"] == chat_id]

    def message(self, chat_id, index=-1) -> dict:
        with self.lock:
            return [m for m in self.messages if m["chat"]["id"] == chat_id][index]

    def methods(self) -> list[str]:
        with self.lock:
            return [method for method, _params in self.calls]

    def wait_idle(self, timeout=10.0) -> bool:
        deadline = time.monotonic() + timeout
        while self.in_flight and time.monotonic() < deadline:
            time.sleep(0.02)
        return not self.in_flight

    def update(self, chat_id, text, **fields):
        """An Update as Telegram sends it for a private text message (see ``make_update``)."""
        with self.lock:
            self.next_update_id += 1
            update_id = self.next_update_id
        return make_update(update_id, chat_id, text, **fields)

    def push_update(self, update):
        with self.lock:
            self.updates.append(update)

    # --- methods -----------------------------------------------------------------
    def send_message(self, params):
        chat_id = int(params.get("chat_id", 0))
        text = params.get("text") or ""
        with self.lock:
            if self.faults:
                status, retry_after = self.faults.pop(0)
                if status == 429:
                    return 429, {"ok": False, "error_code": 429,
                                 "description": f"Too Many Requests: retry after {retry_after}",
                                 "parameters": {"retry_after": retry_after}}
                return status, {"ok": False, "error_code": status, "description": ERRORS[status]}
            if chat_id in self.blocked:
                return 403, {"ok": False, "error_code": 403,
                             "description": "Forbidden: bot was blocked by the user"}
            if not text.strip():
                return 400, {"ok": False, "error_code": 400, "description": ERRORS[400]}
            if len(text) > 4096:
                return 400, {"ok": False, "error_code": 400,
                             "description": "Bad Request: message is too long"}
            self._next_id[chat_id] = self._next_id.get(chat_id, 0) + 1
            message = {"message_id": self._next_id[chat_id], "from": {
                k: BOT[k] for k in ("id", "is_bot", "first_name", "username")},
                "chat": {"id": chat_id, "first_name": "Алексей", "type": "private"},
                "date": int(time.time()), "text": text}
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            self.messages.append(message)
        return 200, {"ok": True, "result": message}

    def get_updates(self, params):
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 5.0)
        while True:
            with self.lock:
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
                if self.updates or time.monotonic() >= deadline or self._stopping.is_set():
                    return 200, {"ok": True, "result": list(self.updates)}
            time.sleep(0.05)

    def answer(self, method, params):
        if method == "getMe":
            return 200, {"ok": True, "result": BOT}
        if method == "sendMessage":
            return self.send_message(params)
        if method == "getFile":
            return self.get_file(params)
        if method == "setWebhook":
            if params.get("url", "") and not str(params["url"]).startswith("https://"):
                return 400, {"ok": False, "error_code": 400,
                             "description": "Bad Request: bad webhook: HTTPS url must be provided for webhook"}
            self.webhook = {"url": params.get("url", ""),
                            "secret_token": params.get("secret_token", "")}
            return 200, {"ok": True, "result": True, "description": "Webhook was set"}
        if method == "deleteWebhook":
            self.webhook = {"url": "", "secret_token": ""}
            return 200, {"ok": True, "result": True, "description": "Webhook was deleted"}
        if method == "getWebhookInfo":
            return 200, {"ok": True, "result": {"url": self.webhook["url"],
                                                "has_custom_certificate": False,
                                                "pending_update_count": len(self.updates)}}
        if method == "getUpdates":
            if self.webhook["url"]:
                return 409, {"ok": False, "error_code": 409, "description":
                             "Conflict: can't use getUpdates method while webhook is active; "
                             "use deleteWebhook to delete the webhook first"}
            return self.get_updates(params)
        return 404, {"ok": False, "error_code": 404, "description": "Not Found"}


def _handler(fake: FakeTelegram):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                params = json.loads(raw or b"{}")
            except ValueError:
                params = {}
            prefix, _, method = self.path.lstrip("/").partition("/")
            if prefix != f"bot{fake.token}":
                return self._reply(401, {"ok": False, "error_code": 401,
                                         "description": "Unauthorized"})
            with fake.lock:
                fake.calls.append((method, params))
                fake.in_flight += 1
            try:
                status, body = fake.answer(method, params)
                if method == "sendMessage" and fake.latency:
                    fake._stopping.wait(fake.latency)  # carried out; the answer comes late
                self._reply(status, body)
            except (BrokenPipeError, ConnectionResetError):
                pass
            finally:
                with fake.lock:
                    fake.in_flight -= 1

        def do_GET(self):  # noqa: N802  (Telegram accepts GET for methods too)
            if not self.path.startswith("/file/"):
                return self.do_POST()
            prefix, _, path = self.path[len("/file/"):].partition("/")
            if prefix != f"bot{fake.token}":
                return self._reply(401, {"ok": False, "error_code": 401,
                                         "description": "Unauthorized"})
            status, data, content_type = fake.download(path)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _reply(self, status, body):
            data = json.dumps(body, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler
