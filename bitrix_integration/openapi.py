"""The inbound endpoints' part of ``/manager/openapi.json`` (assembled in
supportportal.openapi): their paths and the Bitrix key."""

from supportportal.openapi import error_responses
from tickets.services.tickets import AUTHOR_NAME_MAX_LENGTH, TEXT_MAX_LENGTH

_RESULT = {"200": {"description": "Выполнено (или повтор уже выполненного event_id)",
                   "content": {"application/json": {"schema": {
                       "type": "object", "required": ["ok"],
                       "properties": {"ok": {"type": "boolean"},
                                      "duplicate": {"type": "boolean"},
                                      "changed": {"type": "boolean"},
                                      "ignored": {"type": "string"},
                                      "ticket_id": {"type": "integer"},
                                      "message": {"$ref": "#/components/schemas/Message"},
                                      "ticket": {"$ref": "#/components/schemas/Ticket"}},
                   }}}}}

_ID = {"type": "integer", "minimum": 1}

PATHS = {
    "/integrations/bitrix/inbound": {"post": {
        "summary": "Комментарий или статус из Битрикс24 (робот, бизнес-процесс)",
        "operationId": "bitrixInbound",
        "description": "Те же поля можно прислать формой (application/x-www-form-urlencoded) "
                       "или параметрами адреса, а ключ — параметром ?key=, если робот не "
                       "может задать заголовок.",
        "security": [{"bitrixKey": []}],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["action"],
            "description": "Заявка — по local_ticket_id или по bitrix_entity_id. "
                           "event_id делает повтор безопасным.",
            "properties": {
                "action": {"type": "string", "enum": ["comment", "status"]},
                "local_ticket_id": _ID,
                "bitrix_entity_id": _ID,
                "author": {"type": "string", "maxLength": AUTHOR_NAME_MAX_LENGTH,
                           "example": "Ирина"},
                "text": {"type": "string", "minLength": 1, "maxLength": TEXT_MAX_LENGTH},
                "internal": {"type": "boolean"},
                "status": {"type": "string", "example": "В работе"},
                "event_id": {"type": "string", "maxLength": 255},
            },
        }}}},
        "responses": {**_RESULT, **error_responses(400, 401, 404, 405, 413)},
    }},
    "/integrations/bitrix/events": {"post": {
        "summary": "Исходящие события Битрикс24 (ONCRMLEADUPDATE)",
        "operationId": "bitrixEvents",
        "security": [],
        "requestBody": {"required": True, "content": {
            "application/x-www-form-urlencoded": {"schema": {
                "type": "object", "required": ["event", "auth[application_token]"],
                "properties": {"event": {"type": "string", "example": "ONCRMLEADUPDATE"},
                               "data[FIELDS][ID]": {"type": "string", "example": "215"},
                               "auth[application_token]": {"type": "string"}},
            }}}},
        "responses": {**_RESULT, **error_responses(400, 401, 405, 413)},
    }},
}

SECURITY_SCHEMES = {"bitrixKey": {"type": "apiKey", "in": "header", "name": "X-Bitrix-Key"}}
