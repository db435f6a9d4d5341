"""The Telegram webhook's part of ``/manager/openapi.json`` (see supportportal.openapi)."""

from supportportal.openapi import error_responses

_EXAMPLE = {"update_id": 10000, "message": {
    "message_id": 1365, "date": 1441645532, "text": "/help",
    "from": {"id": 1111111, "is_bot": False, "first_name": "Алексей"},
    "chat": {"id": 1111111, "first_name": "Алексей", "type": "private"}}}

PATHS = {
    "/integrations/telegram/webhook": {"post": {
        "summary": "Обновления Telegram Bot API (сообщения боту)",
        "description": "Ответ 200 сразу; повтор update_id ничего не делает; всё, что бот "
                       "отвечает, уходит через очередь доставки.",
        "operationId": "telegramWebhook",
        "security": [{"telegramSecret": []}],
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"type": "object", "required": ["update_id"],
                       "properties": {"update_id": {"type": "integer",
                                                    "minimum": 0, "maximum": 2**53},
                                      "message": {"type": "object"}}},
            "example": _EXAMPLE}}},
        "responses": {"200": {"description": "Принято (или повтор)", "content": {
            "application/json": {"schema": {"type": "object", "required": ["ok"],
                                            "properties": {"ok": {"type": "boolean"}}}}}},
                      **error_responses(400, 401, 405, 413)},
    }},
}

SECURITY_SCHEMES = {"telegramSecret": {"type": "apiKey", "in": "header",
                                       "name": "X-Telegram-Bot-Api-Secret-Token"}}
