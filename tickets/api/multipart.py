"""A manager API body sent as ``multipart/form-data``: the JSON fields as form fields,
and up to five ``files``. Bounded before anything is parsed."""

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _

from supportportal.http import ApiError

from ..services import attachments

TRUE, FALSE = {"true", "1", "yes", "on"}, {"false", "0", "no", "off", ""}
FORM_MARGIN_BYTES = 1024 * 1024  # the text fields and the multipart framing


def _max_body() -> int:
    return attachments.MAX_FILES * attachments.max_bytes() + FORM_MARGIN_BYTES


def _too_large():
    return ApiError(413, "payload_too_large",
                    _("Тело запроса больше %(n)d МБ: до %(files)d файлов по %(mb)d МБ.")
                    % {"n": _max_body() // 1024 // 1024, "files": attachments.MAX_FILES,
                       "mb": attachments.max_bytes() // 1024 // 1024})


def _flag(value: str):
    value = value.strip().lower()
    if value in TRUE | FALSE:
        return value in TRUE
    raise ApiError(400, "invalid_field", _("Поле «internal» должно быть: true или false."),
                   field="internal")


def read_multipart(request) -> tuple[dict, list]:
    """``({"text", "author", "internal"}, [files])`` from a multipart body, or an ``ApiError``."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > _max_body():
        raise _too_large()
    try:
        form, files = request.POST, request.FILES.getlist("files")
    except RequestDataTooBig:
        raise _too_large() from None
    except (MultiPartParserError, SuspiciousOperation):
        form, files = None, None
    if form is None:
        raise ApiError(400, "invalid_multipart",
                       _("Тело multipart/form-data не читается: проверьте границы частей "
                         "(boundary) и заголовки."))
    if not form and not files:  # a body that is no multipart at all parses to nothing
        raise ApiError(400, "invalid_multipart",
                       _("В теле multipart/form-data нет ни полей, ни файлов: пришлите "
                         "text и (или) files."))
    data = {name: form[name] for name in ("text", "author") if name in form}
    if "internal" in form:
        data["internal"] = _flag(form["internal"])
    return data, files
