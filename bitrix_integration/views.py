"""Inbound endpoints. Each call is kept as an InboundEvent, whatever its outcome
(one refused for its key without its body).

The views parse the request and turn errors into JSON answers; the services apply.
"""

import json

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from supportportal.http import (
    MAX_BODY_BYTES,
    ApiError,
    api_error_from,
    check_body_size,
    field,
    json_error,
    json_response,
    key_matches,
    method_not_allowed,
)
from supportportal.net import client_ip
from tickets.services.tickets import AUTHOR_NAME_MAX_LENGTH, TEXT_MAX_LENGTH

from . import events as bitrix_events
from . import inbound_form, services
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


def _audit_row(request, channel) -> InboundEvent:
    """What is kept of any call, even one refused for its key: when, from where, which path
    (never the query string, where a key may travel) and how big. The body comes later,
    once the key is right: a stranger's calls must not fill the table."""
    try:
        declared = max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        declared = None
    return InboundEvent(channel=channel, remote_addr=client_ip(request),
                        path=request.path[:255], body_size=declared)


def _measured(request, event: InboundEvent) -> None:
    """The real size of a body within the limit (the declared one may be absent)."""
    try:
        event.body_size = len(request.body)
    except Exception:  # noqa: BLE001  a streamed (multipart) body keeps its declared size
        pass


def _failed(event: InboundEvent, exc: ApiError):
    services.event_record(event, status_code=exc.status, error=f"{exc.code}: {exc.detail}")
    return exc.response()


def _inbound_apply(data: dict, event: InboundEvent) -> dict:
    """Parse ``{"action": "comment"|"status", …}`` field by field and apply it."""
    event.action = services.inbound_action_check(field(data, "action", str, required=True))
    try:
        ticket = services.inbound_ticket_find(local_id=field(data, "local_ticket_id", int),
                                              lead_id=field(data, "bitrix_entity_id", int))
    except ObjectDoesNotExist as exc:
        raise ApiError(404, "not_found", str(exc)) from None
    event.ticket = ticket
    if event.action == "comment":
        text = field(data, "text", str, required=True, max_length=TEXT_MAX_LENGTH)
        author = field(data, "author", str, default="", max_length=AUTHOR_NAME_MAX_LENGTH)
        internal = field(data, "internal", bool, default=False)
        return services.inbound_comment(ticket=ticket, text=text, author=author,
                                        internal=internal, event=event)
    status = field(data, "status", str, required=True)
    author = field(data, "author", str, default="", max_length=AUTHOR_NAME_MAX_LENGTH)
    return services.inbound_status(ticket=ticket, status=status, author=author)


@csrf_exempt
def inbound(request):
    """``POST /integrations/bitrix/inbound``: the seed's JSON from robots and processes."""
    if request.method != "POST":
        return method_not_allowed(request, ["POST"])
    event = _audit_row(request, Channel.JSON)
    try:
        check_body_size(request)
        _measured(request, event)
        if not key_matches(inbound_form.key_of(request), settings.BITRIX_INBOUND_KEY):
            raise ApiError(401, "unauthorized", _("Нужен верный ключ в заголовке X-Bitrix-Key "
                                                  "или в параметре ?key=."))
        event.body = _body_text(request)  # the stream stays readable for the parser
        data = inbound_form.read(request)
        event_id = data.get("event_id")
        if event_id is not None:
            if (not isinstance(event_id, str | int) or isinstance(event_id, bool)
                    or "\x00" in str(event_id)):
                raise ValidationError({"event_id": _("event_id — строка или число.")})
            event.event_id = str(event_id)[:255]
            previous = services.event_previous(Channel.JSON, event.event_id)
            if previous is not None:  # a retry of a handled event: same answer, no effect
                event.action, event.ticket_id = previous.action, previous.ticket_id
                result = {**(previous.result or {}), "duplicate": True}
                services.event_record(event, status_code=200, result=result)
                return json_response(result)
        result = _inbound_apply(data, event)
    except ValidationError as exc:
        return _failed(event, api_error_from(exc))
    except ApiError as exc:
        return _failed(event, exc)
    services.event_record(event, status_code=200, result=result)
    return json_response(result)


@csrf_exempt
def events(request):
    """``POST /integrations/bitrix/events``: Bitrix24's own outgoing events (form data)."""
    if request.method != "POST":
        return method_not_allowed(request, ["POST"])
    event = _audit_row(request, Channel.EVENT)
    try:
        check_body_size(request)
        form = request.POST
        _measured(request, event)
        if not key_matches(form.get("auth[application_token]"), settings.BITRIX_EVENT_TOKEN):
            raise ApiError(401, "unauthorized", _("Неверный auth[application_token]."))
        event.body = _storable(json.dumps({k: v for k, v in form.items()
                                           if k != "auth[application_token]"},
                                          ensure_ascii=False))
        result = bitrix_events.receive(event_name=_storable(form.get("event", ""))[:64],
                                       form=form, event=event)
    except ValidationError as exc:
        return _failed(event, api_error_from(exc))
    except ApiError as exc:
        return _failed(event, exc)
    except ValueError as exc:  # a form body Django cannot parse
        services.event_record(event, status_code=400, error=str(exc))
        return json_error(400, "invalid_body", _("Тело запроса не разобрать как форму."))
    services.event_record(event, status_code=200, result=result)
    return json_response(result)
