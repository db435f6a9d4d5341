"""Bitrix method names in one place: switching to ``crm.item.*`` is one change here."""

LEAD_ADD = "crm.lead.add"
LEAD_UPDATE = "crm.lead.update"
LEAD_GET = "crm.lead.get"
LEAD_LIST = "crm.lead.list"
TIMELINE_COMMENT_ADD = "crm.timeline.comment.add"
TIMELINE_COMMENT_LIST = "crm.timeline.comment.list"
TIMELINE_COMMENT_GET = "crm.timeline.comment.get"
STATUS_LIST = "crm.status.list"
DEAL_ADD = "crm.deal.add"
DEAL_UPDATE = "crm.deal.update"
DEAL_GET = "crm.deal.get"
DEAL_LIST = "crm.deal.list"
SETTINGS_MODE_GET = "crm.settings.mode.get"
SCOPE = "scope"  # the webhook's scopes; needs none
LEAD_FIELDS = "crm.lead.fields"
DEAL_FIELDS = "crm.deal.fields"

# The same job on a lead or on a deal.
FOR_DEAL = {LEAD_ADD: DEAL_ADD, LEAD_UPDATE: DEAL_UPDATE, LEAD_GET: DEAL_GET,
            LEAD_LIST: DEAL_LIST, LEAD_FIELDS: DEAL_FIELDS}
USER_GET = "user.get"

ORIGINATOR_ID = "support-portal"


def origin_id(ticket_id) -> str:
    return f"ticket-{ticket_id}"
