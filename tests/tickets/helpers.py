"""What the manager API tests expect in its answers."""

# What DESIGN promises in a ticket and in a message of the manager API.
TICKET_KEYS = {
    "id", "title", "description", "status", "status_label", "criticality",
    "criticality_label", "department", "tag", "client_phone", "assignee", "created_at",
    "updated_at", "first_response_at", "resolved_at", "rating", "bitrix_entity_type",
    "bitrix_entity_id",
}
MESSAGE_KEYS = {"id", "author_kind", "author_name", "text", "is_internal", "source", "created_at"}
