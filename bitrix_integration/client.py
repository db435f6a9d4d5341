"""The only module that talks HTTP to Bitrix24 (an incoming webhook).

Every failure becomes one ``BitrixError`` that says what the caller can do:
``retryable`` (back off and try again), ``config`` (stop and alert: the
webhook URL, rights or scope are wrong), ``pause_until`` (this method's time
budget is spent), or none of these (permanent for this call).
"""

import logging
import re
import time
from urllib.parse import quote, urlsplit

import requests
from django.conf import settings

logger = logging.getLogger(__name__)

BATCH_LIMIT = 50
# Codes compare upper-cased: Bitrix versions differ in case (insufficient_scope, INVALID_CREDENTIALS).
CONFIG_ERRORS = {"ERROR_METHOD_NOT_FOUND", "NOT_CONFIGURED"}
# The webhook (or the whole portal) is refused, whichever job asks: every job waits.
REFUSALS = {"INVALID_CREDENTIALS", "INSUFFICIENT_SCOPE", "NO_AUTH_FOUND", "ACCESS_DENIED",
            "EXPIRED_TOKEN", "INVALID_TOKEN", "OVERLOAD_LIMIT", "PORTAL_DELETED"}
RETRYABLE_ERRORS = {"QUERY_LIMIT_EXCEEDED", "INTERNAL_SERVER_ERROR", "ERROR_UNEXPECTED_ANSWER"}
# An add the portal refuses for a field its admin made required, or for the webhook
# user's rights: both come with an empty code and only the text says which.
REQUIRED_FIELD = re.compile(r"required|обязательн", re.IGNORECASE)
ACCESS_DENIED = re.compile(r"access denied|доступ запрещ", re.IGNORECASE)
DEFAULT_METHOD_PAUSE_SECONDS = 60
_LAST_TIMES: dict[str, dict] = {}  # webhook URL → {method: time block of its last success}


class BitrixError(Exception):
    def __init__(self, code, description="", *, http_status=None, retryable=False,
                 config=False, pause_until=None, refusal=False):
        super().__init__(f"{code or 'error'}: {description}".strip(": "))
        self.code = code
        self.description = description
        self.http_status = http_status
        self.retryable = retryable
        self.config = config
        self.pause_until = pause_until  # unix time, for OPERATION_TIME_LIMIT
        self.refusal = refusal  # portal-wide: rights, scope, secret, overload, required field
        self.method = None  # the method that failed, when known

    @property
    def permanent(self):
        return not (self.retryable or self.config or self.pause_until or self.refusal)

    @property
    def final(self):
        """The portal is gone: nothing will ever go through."""
        return (self.code or "").upper() == "PORTAL_DELETED"


def classify(code, description, http_status, body=None) -> BitrixError:
    """Turn Bitrix's error shape (and HTTP status) into a ``BitrixError``.

    ``body["time"]``, when given, is the ``time`` block that tells when an
    ``OPERATION_TIME_LIMIT`` ends (real Bitrix sends none with the error: the
    caller passes the one of the method's last successful answer).
    """
    code = code or ""
    upper = code.upper()
    if upper == "OPERATION_TIME_LIMIT" or http_status == 429:
        reset = ((body or {}).get("time") or {}).get("operating_reset_at")
        pause = float(reset) if reset else time.time() + DEFAULT_METHOD_PAUSE_SECONDS
        if pause <= time.time():  # that budget was already spent again: a minute
            pause = time.time() + DEFAULT_METHOD_PAUSE_SECONDS
        return BitrixError(code or "OPERATION_TIME_LIMIT", description, http_status=http_status,
                           pause_until=pause)
    if upper in REFUSALS or (not code and (http_status in (401, 403) or ACCESS_DENIED.search(
            description or "") or REQUIRED_FIELD.search(description or ""))):
        return BitrixError(code, description, http_status=http_status, refusal=True)
    if upper in CONFIG_ERRORS or (http_status == 404 and not code):
        return BitrixError(code, description, http_status=http_status, config=True)
    if upper in RETRYABLE_ERRORS or (http_status or 0) >= 500:
        return BitrixError(code, description, http_status=http_status, retryable=True)
    return BitrixError(code, description, http_status=http_status)


def _for_method(method, error: BitrixError) -> BitrixError:
    if method != "batch":
        error.method = method
    return error


def moved_error(response) -> BitrixError:
    """A 301/302 from the webhook address: the portal moved. Names the new portal (scheme
    and host only: the path would carry the webhook's secret)."""
    location = urlsplit(response.headers.get("Location") or "")
    where = f"{location.scheme}://{location.netloc}" if location.netloc else "?"
    return BitrixError("REDIRECT", f"портал переехал на {where}: исправьте BITRIX_WEBHOOK_URL",
                       http_status=response.status_code, config=True)


def build_query(params, prefix=""):
    """PHP-style ``http_build_query``: ``{"fields": {"A": 1}}`` → ``fields[A]=1``.

    Used for the sub-commands of ``batch``, which Bitrix reads as query strings.
    """
    parts = []
    items = params.items() if isinstance(params, dict) else enumerate(params)
    for key, value in items:
        name = f"{prefix}[{key}]" if prefix else str(key)
        if isinstance(value, dict | list | tuple):
            nested = build_query(value, name)
            if nested:
                parts.append(nested)
        else:
            if value is None:
                value = ""
            elif isinstance(value, bool):
                value = "Y" if value else "N"
            parts.append(f"{quote(name, safe='[]')}={quote(str(value), safe='')}")
    return "&".join(parts)


def webhook_secrets(base_url) -> dict:
    """What of the webhook URL is a credential, and what to show instead.

    The path ``/rest/<user>/<secret>`` shows as ``/rest/<user>/***``; a password
    in the URL is hidden too. ``requests`` writes the whole URL into connection
    and SSL errors, so every text the client makes goes through ``redact``.
    """
    parts = urlsplit(base_url)
    path = parts.path.rstrip("/")
    hidden = {}
    if "/" in path.strip("/"):
        hidden[path] = path.rsplit("/", 1)[0] + "/***"
        secret = path.rsplit("/", 1)[1]
        if len(secret) >= 8:  # an odd form of the URL must not leak it either
            hidden[secret] = "***"
            hidden[quote(secret, safe="")] = "***"
    if parts.password:
        hidden[parts.password] = "***"
    return hidden


class BitrixClient:
    def __init__(self, webhook_url=None, *, timeout=None, session=None):
        url = webhook_url if webhook_url is not None else settings.BITRIX_WEBHOOK_URL
        self.base_url = url.rstrip("/") + "/" if url else ""
        self._hidden = webhook_secrets(self.base_url)
        self.timeout = timeout if timeout is not None else settings.BITRIX_TIMEOUT
        self.session = session or requests.Session()
        # The same per method, for this process (every client of this portal): the reset
        # of an OPERATION_TIME_LIMIT, whose own answer carries no time block.
        self.last_times = _LAST_TIMES.setdefault(self.base_url, {})

    @property
    def configured(self):
        return bool(self.base_url)

    def redact(self, text) -> str:
        text = str(text)
        for secret, shown in sorted(self._hidden.items(), key=lambda item: -len(item[0])):
            text = text.replace(secret, shown)
        return text

    def _transport_error(self, exc) -> BitrixError:
        if isinstance(exc, requests.Timeout):
            return BitrixError("TIMEOUT", self.redact(exc), retryable=True)
        return BitrixError("CONNECTION", self.redact(f"{exc.__class__.__name__}: {exc}"),
                           retryable=True)

    def _post(self, method, params):
        if not self.base_url:
            raise BitrixError("NOT_CONFIGURED", "BITRIX_WEBHOOK_URL is empty", config=True)
        url = f"{self.base_url}{method}.json"
        failure = None
        try:
            # Never follow a redirect: requests would turn the POST into a GET with no
            # body, and a moved portal would answer an unfiltered list.
            response = self.session.post(url, json=params or {}, timeout=self.timeout,
                                         allow_redirects=False)
        except requests.RequestException as exc:
            failure = self._transport_error(exc)
        if failure is not None:
            # Raised outside the except block: no chained exception (whose text
            # names the full URL) follows it into a logged traceback.
            raise failure
        if response.is_redirect:
            raise moved_error(response)
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            # A proxy's error page or a cut-off answer: the call may or may not
            # have run, and trying again later is the only way to know.
            raise BitrixError("", f"HTTP {response.status_code}, not a JSON object",
                              http_status=response.status_code, retryable=True)
        if "error" in body or response.status_code >= 400:
            raise _for_method(method, classify(
                body.get("error", ""),
                self.redact(body.get("error_description", f"HTTP {response.status_code}")),
                response.status_code, {"time": body.get("time") or self.last_times.get(method)}))
        if "result" not in body:
            raise BitrixError("NO_RESULT", "answer without result", http_status=200,
                              retryable=True)
        self._remember_time(method, body.get("time"))
        return body

    def _remember_time(self, method, block):
        if isinstance(block, dict) and block:
            self.last_times[method] = block

    def call(self, method, params=None):
        """One method; returns its ``result``."""
        return self._post(method, params)["result"]

    def call_full(self, method, params=None):
        """One method; returns the whole answer (``result``, ``total``, ``next``, ``time``)."""
        return self._post(method, params)

    def batch(self, commands, *, halt=False):
        """Up to 50 calls in one request: ``{key: (method, params)}``.

        Returns ``(results, errors)``: ``{key: result}`` and
        ``{key: BitrixError}``. Bitrix sends empty sections as ``[]``.
        """
        if len(commands) > BATCH_LIMIT:
            raise ValueError(f"batch takes at most {BATCH_LIMIT} commands")
        cmd = {key: f"{method}?{build_query(params or {})}"
               for key, (method, params) in commands.items()}
        outer = self.call("batch", {"halt": 1 if halt else 0, "cmd": cmd})
        results = outer.get("result") or {}
        raw_errors = outer.get("result_error") or {}
        if isinstance(results, list):
            results = dict(enumerate(results)) if results else {}
        if isinstance(raw_errors, list):
            raw_errors = dict(enumerate(raw_errors)) if raw_errors else {}
        times = outer.get("result_time") or {}
        times = times if isinstance(times, dict) else {}
        method_of = {key: method for key, (method, _params) in commands.items()}
        for key in results:
            self._remember_time(method_of.get(key), times.get(key))
        errors = {}
        for key, error in raw_errors.items():
            if isinstance(error, dict):
                # A sub-call's OPERATION_TIME_LIMIT: the reset time of that method's last success.
                block = times.get(key) if isinstance(times.get(key), dict) else None
                body = {"time": block or self.last_times.get(method_of.get(key))}
                errors[key] = _for_method(method_of.get(key), classify(
                    error.get("error"), self.redact(error.get("error_description", "")), None,
                    body))
            else:
                errors[key] = BitrixError("", self.redact(error))
        for key in commands:
            if key not in results and key not in errors:
                errors[key] = BitrixError("NO_RESULT", "batch gave no answer for this command",
                                          retryable=True)
        return results, errors
