"""The inbound endpoint as a Bitrix robot or business process can call it.

Their HTTP request may set neither a header nor a JSON body: the same fields
also come form-encoded (or in the query string), and the key as ``?key=``.
Form values are text, so the numbers and the flag are read from text here.
"""

from supportportal.http import read_json_object

FORM = "application/x-www-form-urlencoded"
NUMBERS = ("local_ticket_id", "bitrix_entity_id")
TRUE = {"1", "y", "yes", "true", "on", "да"}


def key_of(request) -> str | None:
    """``X-Bitrix-Key``, else ``?key=`` (for a robot that cannot set a header)."""
    return request.headers.get("X-Bitrix-Key") or request.GET.get("key")


def _typed(data: dict) -> dict:
    for name in NUMBERS:
        value = data.get(name)
        if isinstance(value, str):
            value = value.strip()
            data[name] = int(value) if value.isascii() and value.isdigit() else (value or None)
    if isinstance(data.get("internal"), str):
        data["internal"] = data["internal"].strip().lower() in TRUE
    return data


def read(request) -> dict:
    """The call's fields: a JSON object, or form fields and query parameters."""
    content_type = request.content_type or ""
    if content_type.startswith(FORM) or (not request.body and request.GET):
        data = {name: value for name, value in request.GET.items() if name != "key"}
        data.update(request.POST.items())
        return _typed(data)
    return read_json_object(request)
