"""The only module that talks HTTP to the Telegram Bot API.

Why plain ``requests`` and no library: python-telegram-bot (v20+) is asyncio
throughout, and the synchronous ones (pyTelegramBotAPI) bring their own
polling threads and retry loops. Our delivery queue already owns retries,
order and rate; we need one ``POST {TELEGRAM_API_URL}/bot<token>/<method>``
and Telegram's error envelope read right, which is a few lines.

Every failure becomes ``TelegramError`` with a ``kind`` saying what a caller
may do: ``rate_limited`` (wait ``retry_after``), ``server`` (5xx: retry),
``unreachable`` (the request never reached Telegram: retry), ``timeout`` (it
may have: the message may be sent), ``blocked`` (403), ``bad_request`` (400),
``unauthorized`` (401/404: the token is wrong).
"""

import requests
from django.conf import settings


class TelegramError(Exception):
    def __init__(self, kind, description, *, status=None, retry_after=None):
        super().__init__(f"{status or kind}: {description}")
        self.kind, self.description, self.status = kind, description, status
        self.retry_after = retry_after


def _kind(status: int) -> str:
    if status == 429:
        return "rate_limited"
    if status >= 500:
        return "server"
    if status == 403:
        return "blocked"
    if status in (401, 404):
        return "unauthorized"
    return "bad_request"


class TelegramClient:
    def __init__(self, token=None, *, api_url=None, timeout=None, session=None):
        self.token = settings.TELEGRAM_BOT_TOKEN if token is None else token
        self.api_url = (api_url or settings.TELEGRAM_API_URL).rstrip("/")
        self.timeout = settings.TELEGRAM_TIMEOUT if timeout is None else timeout
        self.session = session or requests.Session()

    @property
    def configured(self) -> bool:
        return bool(self.token)

    def call(self, method: str, params: dict | None = None, *, timeout=None):
        """``result`` of the method, or ``TelegramError``."""
        url = f"{self.api_url}/bot{self.token}/{method}"
        try:
            response = self.session.post(url, json=params or {},
                                         timeout=(min(self.timeout, 5), timeout or self.timeout))
        except requests.ConnectTimeout as exc:  # never reached Telegram
            raise TelegramError("unreachable", type(exc).__name__) from exc
        except requests.Timeout as exc:  # sent, no answer: Telegram may have carried it out
            raise TelegramError("timeout", type(exc).__name__) from exc
        except requests.ConnectionError as exc:
            # "Connection aborted" comes after the request went out; refused/DNS before.
            kind = "timeout" if "aborted" in str(exc) else "unreachable"
            raise TelegramError(kind, type(exc).__name__) from exc
        except requests.RequestException as exc:
            raise TelegramError("unreachable", type(exc).__name__) from exc
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise TelegramError(_kind(response.status_code) if response.status_code >= 400
                                else "server", f"ответ не JSON (HTTP {response.status_code})",
                                status=response.status_code)
        if body.get("ok") is True:
            return body.get("result")
        status = body.get("error_code") or response.status_code
        parameters = body.get("parameters") or {}
        raise TelegramError(_kind(int(status)), str(body.get("description", "")),
                            status=int(status), retry_after=parameters.get("retry_after"))

    def send_message(self, chat_id, text, *, reply_markup=None):
        params = {"chat_id": chat_id, "text": text, "link_preview_options": {"is_disabled": True}}
        if reply_markup:
            params["reply_markup"] = reply_markup
        return self.call("sendMessage", params)

    def get_file(self, file_id: str) -> dict:
        """The File object (``file_path`` valid for an hour) of a file a user sent."""
        return self.call("getFile", {"file_id": file_id}) or {}

    def download(self, file_path: str, *, max_bytes: int) -> bytes:
        """``GET {TELEGRAM_API_URL}/file/bot<token>/<file_path>``, at most ``max_bytes``
        read (a bigger answer is a ``bad_request``), or ``TelegramError``."""
        url = f"{self.api_url}/file/bot{self.token}/{file_path}"
        try:
            with self.session.get(url, stream=True, allow_redirects=False,
                                  timeout=(min(self.timeout, 5), self.timeout)) as response:
                if response.status_code != 200:
                    # getFile already passed the token: a 404 here is the file (its path
                    # lives an hour), not a wrong token.
                    kind = "bad_request" if response.status_code == 404 else \
                        _kind(response.status_code)
                    raise TelegramError(kind,
                                        f"файл не получен (HTTP {response.status_code})",
                                        status=response.status_code)
                data = bytearray()
                for chunk in response.iter_content(64 * 1024):
                    data += chunk
                    if len(data) > max_bytes:
                        raise TelegramError("bad_request", "файл больше допустимого")
                return bytes(data)
        except requests.Timeout as exc:  # a read: nothing changes on Telegram's side
            raise TelegramError("unreachable", type(exc).__name__) from exc
        except requests.RequestException as exc:
            raise TelegramError("unreachable", type(exc).__name__) from exc
