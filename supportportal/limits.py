"""What a request may carry, checked before any view runs: the size of its body, and
no NUL character in an admin page's query string (``_admin_query_has_nul``).

A body with files (``multipart/form-data``) may be ``REQUEST_BODY_MAX_BYTES``: five
files of ``ATTACHMENT_MAX_MB`` and room for the form. Any other body (a form, JSON)
may be ``DATA_UPLOAD_MAX_MEMORY_SIZE``. Larger is a 413 — JSON under /manager/ and
/integrations/, a Russian page elsewhere — never Django's 400 or a 500.

The declared ``Content-Length`` is compared before the body is read. A chunked body
(no length; gunicorn decodes it and ends the stream at its last chunk) is read here
up to the limit into a temporary file and handed on as if it had been sent with its
length: Django itself would read nothing of a body without one.
"""

import tempfile

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from .http import payload_too_large, size_text

JSON_PREFIXES = ("/manager", "/integrations")
READ_BLOCK = 64 * 1024


def body_limit(request) -> int:
    if request.content_type == "multipart/form-data":
        return settings.REQUEST_BODY_MAX_BYTES
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def _declared_length(request) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None


def _is_chunked(request) -> bool:
    return "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()


def _spool_chunked(request, limit: int) -> bool:
    """Read a chunked body into a temporary file; False once it passes ``limit``."""
    source = request.META.get("wsgi.input")
    if source is None:
        return True
    spool = tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE)
    size = 0
    while block := source.read(READ_BLOCK):
        size += len(block)
        if size > limit:
            spool.close()
            return False
        spool.write(block)
    spool.seek(0)
    # What WSGIRequest would have built had the length been sent.
    request.META["CONTENT_LENGTH"] = str(size)
    request._stream = LimitedStream(spool, size)
    return True


def too_large_response(request, limit: int):
    multipart = request.content_type == "multipart/form-data"
    hint = ""
    if multipart:
        hint = _("Можно приложить до %(files)d файлов, каждый не больше %(mb)d МБ.") % {
            "files": settings.ATTACHMENT_MAX_FILES, "mb": settings.ATTACHMENT_MAX_MB}
    if request.path.startswith(JSON_PREFIXES):
        return payload_too_large(limit, hint).response()
    admin = reverse("admin:index")
    back = admin if request.path.startswith(admin) else reverse("tickets:list")
    return render(request, "413.html", {"limit": size_text(limit), "hint": hint,
                                        "multipart": multipart, "back": back}, status=413)


def _admin_query_has_nul(request) -> bool:
    """A NUL character in the query string of an admin page (``?status__exact=%00``).

    PostgreSQL refuses NUL in a text parameter, and the admin's list filters pass the
    value to the database as it is: every filter on a text field was a 500 there. The
    client pages and the manager API check their parameters themselves (an unknown
    status is ignored, a bad API value names its field)."""
    return request.path.startswith(reverse("admin:index")) and any(
        "\x00" in name or any("\x00" in value for value in values)
        for name, values in request.GET.lists())


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _admin_query_has_nul(request):
            return render(request, "400.html", status=400)
        limit = body_limit(request)
        length = _declared_length(request)
        if length is not None:
            fits = length <= limit
        elif _is_chunked(request):
            fits = _spool_chunked(request, limit)
        else:
            fits = True
        if not fits:
            return too_large_response(request, limit)
        return self.get_response(request)
