"""SMS backends: the only module that talks to SMS providers.

A backend is a small class with ``send(phone, text)``; any failure becomes
``SmsError``. ``SMS_BACKEND`` picks one: ``console``, ``file``, ``smsru``,
``smsc``.
"""

import logging
import os
import uuid
from pathlib import Path
from urllib.parse import quote, quote_plus

import requests
from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)


class SmsError(Exception):
    """The SMS was not accepted. ``retryable`` says whether trying later may help."""

    def __init__(self, message, *, retryable=False):
        super().__init__(message)
        self.retryable = retryable


class ConsoleBackend:
    """Development: the message (with the code) goes to the log / terminal."""

    def send(self, phone: str, text: str) -> None:
        logger.warning("SMS для %s: %s", phone, text)


class FileBackend:
    """Tests, demos, a gateway's spool folder: one UTF-8 file per SMS, first line the
    phone, then the text. The text holds a code: files are the owner's only (0600),
    and so is a folder made here (0700)."""

    def __init__(self, directory=None):
        self.directory = Path(directory or settings.SMS_FILE_DIR)

    def send(self, phone: str, text: str) -> None:
        try:
            if not self.directory.is_dir():
                self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
                os.chmod(self.directory, 0o700)
            name = f"{timezone.now():%Y%m%d-%H%M%S-%f}-{uuid.uuid4().hex[:8]}.txt"
            fd = os.open(self.directory / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with open(fd, "w", encoding="utf-8") as file:
                file.write(f"{phone}\n{text}\n")
        except OSError as exc:
            raise SmsError(f"cannot write SMS file: {exc}", retryable=True) from exc


class HttpBackend:
    url = ""
    # Form fields that are credentials or carry the code: never in an error text.
    secret_fields = ()

    def _error(self, text, *, retryable=False) -> SmsError:
        for value in sorted(self._hidden, key=len, reverse=True):
            text = text.replace(value, "***")
        return SmsError(text, retryable=retryable)

    def _post(self, data: dict) -> dict:
        values = [str(data[name]) for name in self.secret_fields if data.get(name)]
        self._hidden = {form for value in values for form in (value, quote(value), quote_plus(value))}
        failure = None
        try:
            response = requests.post(self.url, data=data, timeout=settings.SMS_TIMEOUT)
        except requests.RequestException as exc:
            failure = self._error(f"{self.url}: {exc.__class__.__name__}: {exc}", retryable=True)
        if failure is not None:
            raise failure  # outside the except block: no chained exception to print
        if response.status_code >= 500:
            raise self._error(f"{self.url}: HTTP {response.status_code}", retryable=True)
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            detail = "not JSON" if body is None else f"unexpected answer {body!r}"
            raise self._error(f"{self.url}: HTTP {response.status_code}, {detail}")
        return body


class SmsRuBackend(HttpBackend):
    """SMS.ru: errors can sit at the top level or per number inside ``sms``."""

    url = "https://sms.ru/sms/send"
    secret_fields = ("api_id", "msg")

    def send(self, phone: str, text: str) -> None:
        to = phone.lstrip("+")
        data = {"api_id": settings.SMSRU_API_ID, "to": to, "msg": text, "json": 1}
        if settings.SMS_SENDER:
            data["from"] = settings.SMS_SENDER
        body = self._post(data)
        if body.get("status") != "OK":
            raise self._error(f"sms.ru: {body.get('status_code')} {body.get('status_text', '')}")
        per_number = (body.get("sms") or {}).get(to)
        if not isinstance(per_number, dict) or per_number.get("status") != "OK":
            detail = per_number if isinstance(per_number, dict) else {}
            raise self._error(
                f"sms.ru: {to}: {detail.get('status_code')} {detail.get('status_text', 'no result')}"
            )
        logger.info("sms.ru accepted SMS %s for %s", per_number.get("sms_id"), phone)


class SmscBackend(HttpBackend):
    """SMSC.ru: ``{"id", "cnt"}`` on success, ``{"error", "error_code"}`` otherwise."""

    url = "https://smsc.ru/sys/send.php"
    secret_fields = ("psw", "mes")
    # 9: too frequent; others (bad login, no funds, IP blocked, bad phone) need a human.
    RETRYABLE_CODES = {9}

    def send(self, phone: str, text: str) -> None:
        data = {
            "login": settings.SMSC_LOGIN,
            "psw": settings.SMSC_PASSWORD,
            "phones": phone.lstrip("+"),
            "mes": text,
            "fmt": 3,
            "charset": "utf-8",
        }
        if settings.SMS_SENDER:
            data["sender"] = settings.SMS_SENDER
        body = self._post(data)
        if "error" in body or "error_code" in body:
            code = body.get("error_code")
            raise self._error(f"smsc.ru: {code} {body.get('error', '')}",
                           retryable=code in self.RETRYABLE_CODES)
        if "id" not in body:
            raise self._error(f"smsc.ru: unexpected answer {body!r}")
        logger.info("smsc.ru accepted SMS %s for %s", body["id"], phone)


BACKENDS = {
    "console": ConsoleBackend,
    "file": FileBackend,
    "smsru": SmsRuBackend,
    "smsc": SmscBackend,
}


def get_backend():
    return BACKENDS[settings.SMS_BACKEND]()
