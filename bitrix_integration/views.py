"""Inbound endpoints. Each call is kept as an InboundEvent, whatever its outcome."""

import json

from django.conf import settings
from django.views.decorators.csrf import csrf_exempt

from tickets.api.http import (
    MAX_BODY_BYTES,
    ApiError,
    check_body_size,
    json_error,
    json_response,
    key_matches,
    method_not_allowed,
    read_json_object,
)
from tickets.net import client_ip

from . import services
from .models import InboundEvent

Channel = InboundEvent.Channel


def _storable(text: str) -> str:
    """PostgreSQL text cannot hold NUL: keep the audit trail, mark the byte."""
    return text.replace("\x00", "\ufffd")


def _body_text(request) -> str:
    try:
        return _storable(request.body[:MAX_BODY_BYTES].decode("utf-8", errors="replace"))
    except Exception:  # noqa: BLE001  an unreadable body is kept as empty
        return ""


@csrf_exempt
def inbound(request):
    """``POST /integrations/bitrix/inbound``: the seed's JSON from robots and processes."""
    if request.method != "POST":
        return method_not_allowed(request, ["POST"])
    event = InboundEvent(channel=Channel.JSON, remote_addr=client_ip(request))
    try:
        check_body_size(request)
        event.body = _body_text(request)  # the stream stays readable for the parser
        if not key_matches(request.headers.get("X-Bitrix-Key"), settings.BITRIX_INBOUND_KEY):
            raise ApiError(401, "unauthorized", "Нужен верный ключ в заголовке X-Bitrix-Key.")
        data = read_json_object(request)
        event_id = data.get("event_id")
        if event_id is not None:
            if (not isinstance(event_id, str | int) or isinstance(event_id, bool)
                    or "\x00" in str(event_id)):
                raise ApiError(400, "invalid_field", "event_id — строка или число.",
                               field="event_id")
            event.event_id = str(event_id)[:255]
            previous = services.event_previous(Channel.JSON, event.event_id)
            if previous is not None:  # a retry of a handled event: same answer, no effect
                event.action, event.ticket_id = previous.action, previous.ticket_id
                result = {**(previous.result or {}), "duplicate": True}
                services.event_record(event, status_code=200, result=result)
                return json_response(result)
        result = services.inbound_apply(data, event=event)
    except ApiError as exc:
        services.event_record(event, status_code=exc.status, error=f"{exc.code}: {exc.detail}")
        return exc.response()
    services.event_record(event, status_code=200, result=result)
    return json_response(result)


@csrf_exempt
def events(request):
    """``POST /integrations/bitrix/events``: Bitrix24's own outgoing events (form data)."""
    if request.method != "POST":
        return method_not_allowed(request, ["POST"])
    event = InboundEvent(channel=Channel.EVENT, remote_addr=client_ip(request))
    try:
        check_body_size(request)
        form = request.POST
        event.body = _storable(json.dumps({k: v for k, v in form.items()
                                           if k != "auth[application_token]"},
                                          ensure_ascii=False))
        if not key_matches(form.get("auth[application_token]"), settings.BITRIX_EVENT_TOKEN):
            raise ApiError(401, "unauthorized", "Неверный auth[application_token].")
        raw_id = form.get("data[FIELDS][ID]") or ""
        lead_id = int(raw_id) if raw_id.isdigit() else None
        result = services.lead_event_receive(event_name=_storable(form.get("event", ""))[:64],
                                             lead_id=lead_id, event=event)
    except ApiError as exc:
        services.event_record(event, status_code=exc.status, error=f"{exc.code}: {exc.detail}")
        return exc.response()
    except ValueError as exc:  # a form body Django cannot parse
        services.event_record(event, status_code=400, error=str(exc))
        return json_error(400, "invalid_body", "Тело запроса не разобрать как форму.")
    services.event_record(event, status_code=200, result=result)
    return json_response(result)
