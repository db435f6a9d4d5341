"""The manager API's part of ``/manager/openapi.json`` (assembled in supportportal.openapi):
its paths, the ticket and message schemas, and the manager key.
"""

from supportportal.openapi import error_responses

from ..models import Message, Ticket
from ..services.tickets import AUTHOR_NAME_MAX_LENGTH, TEXT_MAX_LENGTH


def _nullable(schema):
    return {**schema, "nullable": True}


STR = {"type": "string"}
INT = {"type": "integer"}
TIME = {"type": "string", "format": "date-time"}

MESSAGE = {
    "type": "object",
    "required": ["id", "author_kind", "author_name", "text", "is_internal", "source",
                 "created_at", "attachments"],
    "properties": {
        "id": INT,
        "author_kind": {"type": "string", "enum": list(Message.AuthorKind.values)},
        "author_name": STR,
        "text": STR,
        "is_internal": {"type": "boolean"},
        "source": {"type": "string", "enum": list(Message.Source.values)},
        "created_at": TIME,
        "attachments": {"type": "array", "items": {"$ref": "#/components/schemas/Attachment"}},
    },
}
ATTACHMENT = {
    "type": "object",
    "required": ["id", "name", "content_type", "size"],
    "properties": {"id": INT, "name": STR, "content_type": STR, "size": INT},
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
    "first_response_due_at": _nullable({
        **TIME, "description": "Ответить до (рабочее время по производственному календарю); "
                               "null, когда первый ответ уже дан или заявка решена."}),
    "resolution_due_at": _nullable({
        **TIME, "description": "Решить до; null, пока заявка ждёт ответа клиента (часы "
                               "остановлены) и когда она решена или закрыта."}),
    "sla_breached": {"type": "boolean",
                     "description": "true, как только нарушен любой из сроков SLA."},
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


PATHS = {
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
        "description": "JSON, или multipart/form-data с теми же полями и файлами `files` "
                       "(до 5, каждый до ATTACHMENT_MAX_MB МБ; изображения, PDF, документы, "
                       "текст, CSV, ZIP — тип определяется по содержимому). С файлами текст "
                       "можно не писать.",
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": {
                "type": "object", "required": ["text"],
                "properties": {"author": {"type": "string", "maxLength": AUTHOR_NAME_MAX_LENGTH,
                                          "example": "Ирина"},
                               "text": {"type": "string", "minLength": 1,
                                        "maxLength": TEXT_MAX_LENGTH},
                               "internal": {"type": "boolean", "default": False}},
            }},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "author": {"type": "string", "maxLength": AUTHOR_NAME_MAX_LENGTH},
                        "text": {"type": "string", "maxLength": TEXT_MAX_LENGTH},
                        "internal": {"type": "string", "enum": ["true", "false"]},
                        "files": {"type": "array", "maxItems": 5,
                                  "items": {"type": "string", "format": "binary"}},
                    },
                },
                "encoding": {"files": {"contentType": "application/octet-stream"}},
            },
        }},
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
                           "author": {"type": "string", "maxLength": AUTHOR_NAME_MAX_LENGTH}},
        }),
        "responses": {**ok("Заявка после смены статуса", "#/components/schemas/Ticket"),
                      **error_responses(400, 401, 404, 405, 413)},
    }},
}

SCHEMAS = {"Message": MESSAGE, "Attachment": ATTACHMENT, "Ticket": TICKET,
           "TicketDetail": TICKET_DETAIL, "TicketList": TICKET_LIST}
SECURITY_SCHEMES = {"managerKey": {"type": "apiKey", "in": "header", "name": "X-Manager-Key"}}
