"""JSON endpoints: key check in constant time, bounded bodies, JSON errors.

Every answer is JSON: ``{"error": "<code>", "detail": "<human text>"}`` for
400, 401, 404, 405 and 413. Used by every JSON endpoint of the project.
Services raise ``ValidationError``; ``json_endpoint`` (or a view itself, through
``api_error_from``) turns it into the 400 answer.
"""

import json
from functools import wraps

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

MAX_BODY_BYTES = 64 * 1024


class ApiError(Exception):
    def __init__(self, status, code, detail, **extra):
        super().__init__(detail)
        self.status, self.code, self.detail, self.extra = status, code, detail, extra

    def response(self):
        return json_error(self.status, self.code, self.detail, **self.extra)


def json_response(data, status=200):
    return JsonResponse(data, status=status, safe=not isinstance(data, list),
                        json_dumps_params={"ensure_ascii": False})


def json_error(status, code, detail, **extra):
    return json_response({"error": code, "detail": str(detail), **extra}, status=status)


def key_matches(given: str | None, expected: str) -> bool:
    """Constant-time comparison; an unset expected key matches nothing."""
    return bool(expected) and constant_time_compare(given or "", expected)


def size_text(n_bytes: int) -> str:
    """``64 КБ``, ``51 МБ``: a limit as people read it."""
    if n_bytes >= 1024 * 1024:
        return _("%(n)d МБ") % {"n": n_bytes // (1024 * 1024)}
    return _("%(n)d КБ") % {"n": n_bytes // 1024}


def payload_too_large(limit_bytes: int, hint: str = "") -> ApiError:
    """The one 413 of the project: JSON endpoints, and the body limit of every request
    (supportportal.limits) under /manager/ and /integrations/."""
    detail = _("Тело запроса больше %(size)s.") % {"size": size_text(limit_bytes)}
    return ApiError(413, "payload_too_large", f"{detail} {hint}".strip())


def _too_large():
    return payload_too_large(MAX_BODY_BYTES)


def check_body_size(request) -> None:
    """413 when the declared body is over the limit, before anything reads it."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY_BYTES:
        raise _too_large()


def method_not_allowed(request, methods):
    response = json_error(405, "method_not_allowed",
                          _("Метод %(m)s не поддерживается. Разрешены: %(allowed)s.")
                          % {"m": request.method, "allowed": ", ".join(methods)})
    response["Allow"] = ", ".join(methods)
    return response


def api_error_from(exc: ValidationError) -> ApiError:
    """A service's ValidationError as a 400 that names the field.

    An error whose ``params`` hold ``allowed`` (a list of codes) passes it on, so
    the client sees what it may send instead.
    """
    if hasattr(exc, "error_dict"):
        name, errors = next(iter(exc.error_dict.items()))
        extra = {"field": name}
        allowed = [code for error in errors for code in (error.params or {}).get("allowed", ())]
        if allowed:
            extra["allowed"] = allowed
        return ApiError(400, "invalid_field", " ".join(exc.message_dict[name]), **extra)
    return ApiError(400, "invalid", " ".join(exc.messages))


def read_json_object(request) -> dict:
    """The request body as a JSON object, or an ``ApiError`` (400 / 413)."""
    check_body_size(request)
    raw = request.read(MAX_BODY_BYTES + 1)
    if len(raw) > MAX_BODY_BYTES:
        raise _too_large()
    content_type = request.content_type or ""
    if content_type != "application/json":
        raise ApiError(400, "unsupported_content_type",
                       _("Отправьте JSON с заголовком Content-Type: application/json."))
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ApiError(400, "invalid_encoding", _("Тело запроса должно быть в UTF-8.")) from None
    except (ValueError, RecursionError):
        raise ApiError(400, "invalid_json", _("Тело запроса — не корректный JSON.")) from None
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_json", _("Ожидается JSON-объект: {\"поле\": значение}."))
    return data


def field(data: dict, name: str, kind, *, required=False, default=None, max_length=None):
    """One field of a JSON object, type-checked; a clear 400 otherwise."""
    if name not in data or data[name] is None:
        if required:
            raise ApiError(400, "invalid_field", _("Поле «%(f)s» обязательно.") % {"f": name},
                           field=name)
        return default
    value = data[name]
    type_ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
    if not type_ok:
        names = {str: _("строка"), bool: _("true или false"), int: _("целое число")}
        raise ApiError(400, "invalid_field",
                       _("Поле «%(f)s» должно быть: %(t)s.") % {"f": name, "t": names[kind]},
                       field=name)
    if isinstance(value, str):
        try:
            value.encode("utf-8")  # a lone surrogate ("\ud800") cannot be stored
        except UnicodeEncodeError:
            value = "\x00"
        if "\x00" in value:
            raise ApiError(400, "invalid_field",
                           _("Поле «%(f)s» содержит недопустимые символы.") % {"f": name},
                           field=name)
    if max_length is not None and len(value) > max_length:
        raise ApiError(400, "invalid_field",
                       _("Поле «%(f)s» длиннее %(n)d символов.") % {"f": name, "n": max_length},
                       field=name)
    return value


def json_endpoint(*, methods, key_setting, key_header):
    """Decorate a JSON view: allowed methods, the key header, ApiError and
    ValidationError → JSON."""
    header_meta = "HTTP_" + key_header.upper().replace("-", "_")

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in methods:
                return method_not_allowed(request, methods)
            if not key_matches(request.META.get(header_meta), getattr(settings, key_setting)):
                return json_error(401, "unauthorized",
                                  _("Нужен верный ключ в заголовке %(h)s.") % {"h": key_header})
            try:
                return view(request, *args, **kwargs)
            except ApiError as exc:
                return exc.response()
            except ValidationError as exc:
                return api_error_from(exc).response()

        return wrapper

    return decorate


@csrf_exempt
def not_found(request, *args, **kwargs):
    return json_error(404, "not_found", _("Такого адреса нет. Проверьте путь и номер заявки."))
