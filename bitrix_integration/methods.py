"""Bitrix method names in one place: switching to ``crm.item.*`` is one change here."""

LEAD_ADD = "crm.lead.add"
LEAD_UPDATE = "crm.lead.update"
LEAD_GET = "crm.lead.get"
LEAD_LIST = "crm.lead.list"
TIMELINE_COMMENT_ADD = "crm.timeline.comment.add"
TIMELINE_COMMENT_LIST = "crm.timeline.comment.list"
TIMELINE_COMMENT_GET = "crm.timeline.comment.get"
STATUS_LIST = "crm.status.list"
USER_GET = "user.get"

ORIGINATOR_ID = "support-portal"


def origin_id(ticket_id) -> str:
    return f"ticket-{ticket_id}"
