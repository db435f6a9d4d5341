"""OpenAPI 3 description of the manager API, served at ``/manager/openapi.json``.

Kept true by tests/tickets/test_openapi.py: every documented route answers as
documented and every JSON route of the project is documented. Other apps add
their paths through ``EXTRA_PATHS`` (see ``register_paths``).
"""

import copy

from django.views.decorators.csrf import csrf_exempt

from ..models import Message, Ticket
from .http import json_response, method_not_allowed

EXTRA_PATHS: dict = {}


def register_paths(paths: dict) -> None:
    """Called from another app's ``ready()`` to document its JSON endpoints here."""
    EXTRA_PATHS.update(paths)


def _nullable(schema):
    return {**schema, "nullable": True}


STR = {"type": "string"}
INT = {"type": "integer"}
TIME = {"type": "string", "format": "date-time"}

ERROR = {
    "type": "object",
    "required": ["error", "detail"],
    "properties": {
        "error": {"type": "string", "example": "invalid_field"},
        "detail": {"type": "string", "example": "Поле «text» обязательно."},
        "field": STR,
        "allowed": {"type": "array", "items": STR},
    },
}

MESSAGE = {
    "type": "object",
    "required": ["id", "author_kind", "author_name", "text", "is_internal", "source",
                 "created_at"],
    "properties": {
        "id": INT,
        "author_kind": {"type": "string", "enum": list(Message.AuthorKind.values)},
        "author_name": STR,
        "text": STR,
        "is_internal": {"type": "boolean"},
        "source": {"type": "string", "enum": list(Message.Source.values)},
        "created_at": TIME,
    },
}

TICKET_PROPERTIES = {
    "id": INT,
    "title": STR,
    "description": STR,
    "status": {"type": "string", "enum": list(Ticket.Status.values)},
    "status_label": STR,
    "criticality": {"type": "string", "enum": list(Ticket.Criticality.values)},
    "criticality_label": STR,
    "department": STR,
    "tag": _nullable(STR),
    "client_phone": {"type": "string", "example": "+79991234567"},
    "client_name": STR,
    "assignee": _nullable(STR),
    "created_at": TIME,
    "updated_at": TIME,
    "first_response_at": _nullable(TIME),
    "resolved_at": _nullable(TIME),
    "rating": _nullable({"type": "integer", "minimum": 1, "maximum": 5}),
    "rating_comment": STR,
    "bitrix_entity_type": _nullable(STR),
    "bitrix_entity_id": _nullable(INT),
}
TICKET = {"type": "object", "required": list(TICKET_PROPERTIES), "properties": TICKET_PROPERTIES}
TICKET_DETAIL = {
    "type": "object",
    "required": [*TICKET_PROPERTIES, "messages"],
    "properties": {**TICKET_PROPERTIES,
                   "messages": {"type": "array", "items": {"$ref": "#/components/schemas/Message"}}},
}
TICKET_LIST = {
    "type": "object",
    "required": ["count", "next", "previous", "results"],
    "properties": {
        "count": INT,
        "next": _nullable({"type": "string", "format": "uri"}),
        "previous": _nullable({"type": "string", "format": "uri"}),
        "results": {"type": "array", "items": {"$ref": "#/components/schemas/Ticket"}},
    },
}


def error_responses(*codes):
    text = {400: "Неверный JSON или поле (в detail — что исправить, в allowed — допустимые значения)",
            401: "Нет ключа или ключ неверный", 404: "Нет такой заявки или страницы",
            405: "Метод не поддерживается", 413: "Тело больше 64 КБ"}
    return {str(code): {"description": text[code], "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}} for code in codes}


def json_body(schema_ref):
    return {"required": True, "content": {"application/json": {"schema": schema_ref}}}


def ok(description, ref, status="200"):
    return {status: {"description": description,
                     "content": {"application/json": {"schema": {"$ref": ref}}}}}


TICKET_ID = {"name": "ticket_id", "in": "path", "required": True,
             "schema": {"type": "integer", "minimum": 1}}


def _choice_values(choices_class):
    """Codes, then Russian labels: the API takes either, in any case."""
    return [*choices_class.values, *[str(label) for label in choices_class.labels]]


STATUS_VALUES = _choice_values(Ticket.Status)


def _query(name, description, schema=None):
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema or STR}


MANAGER_PATHS = {
    "/manager/tickets": {"get": {
        "summary": "Список заявок (новые изменения сверху)",
        "operationId": "listTickets",
        "security": [{"managerKey": []}],
        "parameters": [
            _query("status", "Код или русское название статуса, любой регистр",
                   {"type": "string", "enum": STATUS_VALUES}),
            _query("criticality", "Код или русское название критичности, любой регистр",
                   {"type": "string", "enum": _choice_values(Ticket.Criticality)}),
            _query("department", "Отдел: id, код (slug) или название"),
            _query("tag", "Тег: id, код (slug) или название"),
            _query("updated_since", "Изменённые не раньше: дата или время ISO 8601"),
            _query("page", "Номер страницы, с 1", {"type": "integer", "minimum": 1}),
            _query("page_size", "Заявок на странице (по умолчанию 50)",
                   {"type": "integer", "minimum": 1, "maximum": 200}),
        ],
        "responses": {**ok("Страница заявок", "#/components/schemas/TicketList"),
                      **error_responses(400, 401, 404, 405)},
    }},
    "/manager/tickets/{ticket_id}": {"get": {
        "summary": "Заявка со всем диалогом (включая внутренние заметки)",
        "operationId": "getTicket",
        "security": [{"managerKey": []}],
        "parameters": [TICKET_ID],
        "responses": {**ok("Заявка", "#/components/schemas/TicketDetail"),
                      **error_responses(401, 404, 405)},
    }},
    "/manager/tickets/{ticket_id}/comment": {"post": {
        "summary": "Ответ менеджера или внутренняя заметка",
        "operationId": "addComment",
        "security": [{"managerKey": []}],
        "parameters": [TICKET_ID],
        "requestBody": json_body({
            "type": "object", "required": ["text"],
            "properties": {"author": {"type": "string", "maxLength": 150, "example": "Ирина"},
                           "text": {"type": "string", "minLength": 1, "maxLength": 10000},
                           "internal": {"type": "boolean", "default": False}},
        }),
        "responses": {**ok("Сообщение добавлено", "#/components/schemas/Message", "201"),
                      **error_responses(400, 401, 404, 405, 413)},
    }},
    "/manager/tickets/{ticket_id}/status": {"post": {
        "summary": "Сменить статус (код или русское название, любой регистр)",
        "operationId": "changeStatus",
        "security": [{"managerKey": []}],
        "parameters": [TICKET_ID],
        "requestBody": json_body({
            "type": "object", "required": ["status"],
            "properties": {"status": {"type": "string", "enum": STATUS_VALUES,
                                      "example": "in_progress",
                                      "description": "Код или русское название, любой регистр"},
                           "author": {"type": "string", "maxLength": 150}},
        }),
        "responses": {**ok("Заявка после смены статуса", "#/components/schemas/Ticket"),
                      **error_responses(400, 401, 404, 405, 413)},
    }},
    "/manager/openapi.json": {"get": {
        "summary": "Это описание API",
        "operationId": "getOpenApi",
        "security": [],
        "responses": {"200": {"description": "Документ OpenAPI 3",
                              "content": {"application/json": {"schema": {"type": "object"}}}}},
    }},
}


def build_document() -> dict:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Портал поддержки: API менеджера и входящие интеграции",
            "version": "1.0.0",
            "description": "Все ответы — JSON. Ошибки: {\"error\": код, \"detail\": текст}.",
        },
        "paths": copy.deepcopy({**MANAGER_PATHS, **EXTRA_PATHS}),
        "components": {
            "securitySchemes": {
                "managerKey": {"type": "apiKey", "in": "header", "name": "X-Manager-Key"},
                "bitrixKey": {"type": "apiKey", "in": "header", "name": "X-Bitrix-Key"},
            },
            "schemas": {"Error": ERROR, "Message": MESSAGE, "Ticket": TICKET,
                        "TicketDetail": TICKET_DETAIL, "TicketList": TICKET_LIST},
        },
    }


@csrf_exempt  # a POST here is a JSON 405, not Django's HTML CSRF page
def document(request):
    if request.method not in ("GET", "HEAD"):
        return method_not_allowed(request, ["GET", "HEAD"])
    return json_response(build_document())
