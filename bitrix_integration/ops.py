"""Checks for operators: which lead or deal stages the portal has (the webhook: diagnose.py)."""

from django.conf import settings

from . import entity, methods, services
from .client import BitrixClient, BitrixError

SEMANTICS = {"S": "успех", "F": "провал", None: "в работе", "": "в работе"}


def lead_stages(client=None) -> list[dict]:
    """The stages of what tickets become: lead stages, or deal stages (pipeline 0)."""
    client = client or BitrixClient()
    if not client.configured:
        raise BitrixError("NOT_CONFIGURED", "BITRIX_WEBHOOK_URL не задан", config=True)
    kind = entity.current(client)
    stages = client.call(methods.STATUS_LIST, {
        "filter": {"ENTITY_ID": "DEAL_STAGE" if kind == entity.DEAL else "STATUS"},
        "order": {"SORT": "ASC"}})
    return [{"STATUS_ID": s.get("STATUS_ID", ""), "NAME": s.get("NAME", ""), "ENTITY": kind,
             "SEMANTICS": SEMANTICS.get(s.get("SEMANTICS"), s.get("SEMANTICS") or "")}
            for s in stages]


def audit_prune() -> str:
    """The worker's chore and ``bitrix_audit_prune``: drop inbound calls older than
    ``BITRIX_AUDIT_DAYS``; one line, or "" when nothing was old enough."""
    days = settings.BITRIX_AUDIT_DAYS
    deleted = services.event_prune(older_than_days=days)
    if not deleted:
        return ""
    return f"Битрикс24: удалено входящих вызовов старше {days} дн.: {deleted}"
