"""``/manager/openapi.json``: one OpenAPI 3 document assembled from each app's part.

Each module in ``PARTS`` exports ``PATHS`` and may export ``SCHEMAS`` and
``SECURITY_SCHEMES`` (OpenAPI components). A new app documents its JSON
endpoints by adding its module here, as it adds its URLs to ``urls.py``.
Kept true by tests/supportportal/test_openapi.py: every documented route answers
as documented and every JSON route of the project is documented.
"""

import copy
from importlib import import_module

from django.views.decorators.csrf import csrf_exempt

from .http import json_response, method_not_allowed

PARTS = ("tickets.api.openapi", "bitrix_integration.openapi", "analytics.openapi",
         "notifications.openapi")

# The answer every JSON endpoint gives on an error (see supportportal.http).
ERROR = {
    "type": "object",
    "required": ["error", "detail"],
    "properties": {
        "error": {"type": "string", "example": "invalid_field"},
        "detail": {"type": "string", "example": "Поле «text» обязательно."},
        "field": {"type": "string"},
        "allowed": {"type": "array", "items": {"type": "string"}},
    },
}


def error_responses(*codes):
    text = {400: "Неверный JSON или поле (в detail — что исправить, в allowed — допустимые значения)",
            401: "Нет ключа или ключ неверный", 404: "Нет такой заявки или страницы",
            405: "Метод не поддерживается", 413: "Тело больше 64 КБ"}
    return {str(code): {"description": text[code], "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}} for code in codes}


PATHS = {
    "/manager/openapi.json": {"get": {
        "summary": "Это описание API",
        "operationId": "getOpenApi",
        "security": [],
        "responses": {"200": {"description": "Документ OpenAPI 3",
                              "content": {"application/json": {"schema": {"type": "object"}}}}},
    }},
}


def build_document() -> dict:
    paths, schemas, security_schemes = {}, {"Error": ERROR}, {}
    for part in (import_module(name) for name in PARTS):
        paths.update(part.PATHS)
        schemas.update(getattr(part, "SCHEMAS", {}))
        security_schemes.update(getattr(part, "SECURITY_SCHEMES", {}))
    paths.update(PATHS)
    return copy.deepcopy({
        "openapi": "3.0.3",
        "info": {
            "title": "Портал поддержки: API менеджера и входящие интеграции",
            "version": "1.0.0",
            "description": "Все ответы — JSON. Ошибки: {\"error\": код, \"detail\": текст}.",
        },
        "paths": paths,
        "components": {"securitySchemes": security_schemes, "schemas": schemas},
    })


@csrf_exempt  # a POST here is a JSON 405, not Django's HTML CSRF page
def document(request):
    if request.method not in ("GET", "HEAD"):
        return method_not_allowed(request, ["GET", "HEAD"])
    return json_response(build_document())
