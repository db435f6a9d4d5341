"""``GET /manager/analytics``, added to /manager/openapi.json from ``ready()``."""

from supportportal.openapi import error_responses

_SECONDS = {"type": "number", "nullable": True}
_COUNT = {"type": "integer"}
_PCT = {"type": "number", "nullable": True, "minimum": 0, "maximum": 100,
        "description": "Доля заявок, уложившихся в срок SLA, в процентах от заявок с "
                       "решённым итогом; null, пока итогов нет."}
_SLA = {"sla_first_response_met_pct": _PCT, "sla_resolution_met_pct": _PCT}

PATHS = {
    "/manager/analytics": {"get": {
        "summary": "Аналитика по заявкам, созданным в периоде (даты включительно)",
        "operationId": "getAnalytics",
        "security": [{"managerKey": []}],
        "parameters": [
            {"name": "from", "in": "query", "required": False,
             "schema": {"type": "string", "format": "date"},
             "description": "Первый день (по умолчанию 30 дней назад)"},
            {"name": "to", "in": "query", "required": False,
             "schema": {"type": "string", "format": "date"},
             "description": "Последний день (по умолчанию сегодня)"},
            {"name": "department", "in": "query", "required": False,
             "schema": {"type": "string"}, "description": "Отдел: id, код или название"},
        ],
        "responses": {"200": {"description": "Показатели", "content": {"application/json": {
            "schema": {"type": "object", "required": [
                "tickets_total", "avg_first_response_seconds", "avg_resolution_seconds",
                "by_tag", "by_department", "avg_rating", "ratings_count", "by_manager",
                "by_criticality", "sla_first_response_met_pct", "sla_resolution_met_pct"],
                "properties": {
                    "tickets_total": _COUNT,
                    "avg_first_response_seconds": _SECONDS,
                    "median_first_response_seconds": _SECONDS,
                    "p90_first_response_seconds": _SECONDS,
                    "avg_resolution_seconds": _SECONDS,
                    "median_resolution_seconds": _SECONDS,
                    "p90_resolution_seconds": _SECONDS,
                    "avg_rating": _SECONDS,
                    "ratings_count": _COUNT,
                    **_SLA,
                    "by_tag": {"type": "array", "items": {"type": "object", "properties": {
                        "tag": {"type": "string", "nullable": True}, "count": _COUNT}}},
                    "by_department": {"type": "array", "items": {
                        "type": "object", "properties": {"department": {"type": "string"},
                                                         "count": _COUNT, **_SLA}}},
                    "by_criticality": {"type": "array", "items": {
                        "type": "object", "properties": {
                            "criticality": {"type": "string"}, "label": {"type": "string"},
                            "count": _COUNT, **_SLA}}},
                    "by_status": {"type": "array", "items": {"type": "object"}},
                    "by_manager": {"type": "array", "items": {
                        "type": "object", "properties": {
                            "manager_id": {"type": "integer"}, "manager": {"type": "string"},
                            "tickets_assigned": _COUNT, **_SLA}}},
                    "daily": {"type": "array", "items": {"type": "object"}},
                }}}}},
            **error_responses(400, 401, 405)},
    }},
}
