"""Which CRM entity a ticket becomes: a lead (classic CRM) or a deal (simple CRM, no leads).

``BITRIX_ENTITY=lead|deal`` fixes it; ``auto`` (default) asks the portal once
(``crm.settings.mode.get``: 1 classic, 2 simple) from the worker and remembers
the answer in ``PortalState``. A ticket keeps the entity it was created as
(``bitrix_entity_type``), whatever the portal does later.
"""

from django.conf import settings

from . import methods
from .models import PortalState

LEAD, DEAL = PortalState.Entity.LEAD.value, PortalState.Entity.DEAL.value
SIMPLE_MODE = 2


def configured() -> str | None:
    """``LEAD`` or ``DEAL`` when the setting or an earlier answer says; ``None``: ask."""
    fixed = (settings.BITRIX_ENTITY or "auto").strip().upper()
    if fixed in (LEAD, DEAL):
        return fixed
    return PortalState.get().entity or None


def current(client) -> str:
    """The entity new tickets become; may ask the portal (raises ``BitrixError``)."""
    if known := configured():
        return known
    mode = client.call(methods.SETTINGS_MODE_GET)
    entity = DEAL if str(mode) == str(SIMPLE_MODE) else LEAD
    PortalState.objects.filter(pk=PortalState.get().pk).update(entity=entity)
    return entity


def of_ticket(ticket) -> str:
    return ticket.bitrix_entity_type if ticket.bitrix_entity_type in (LEAD, DEAL) else LEAD


def type_name(entity: str) -> str:
    """``ENTITY_TYPE`` of timeline comments: ``lead`` / ``deal``."""
    return entity.lower()


def deal_fields(lead_fields: dict) -> dict:
    """A lead's ``fields`` as a deal takes them: contact data has no field on a deal (it
    lives on a contact), so the client's name and phone go into COMMENTS."""
    phones = ", ".join(p.get("VALUE", "") for p in lead_fields.get("PHONE") or [])
    who = f"Клиент: {lead_fields.get('NAME', '')}, {phones}".strip(", ")
    fields = {key: value for key, value in lead_fields.items()
              if key in ("TITLE", "SOURCE_ID", "SOURCE_DESCRIPTION", "ORIGINATOR_ID",
                         "ORIGIN_ID")}
    fields["COMMENTS"] = f"{who}\n\n{lead_fields.get('COMMENTS', '')}".strip()
    if stage := lead_fields.get("STATUS_ID"):
        fields["STAGE_ID"] = stage
    return fields


def deal_update_fields(lead_update: dict) -> dict:
    """Deals have no STATUS_DESCRIPTION: only a mapped stage moves them."""
    return {"STAGE_ID": lead_update["STATUS_ID"]} if lead_update.get("STATUS_ID") else {}
