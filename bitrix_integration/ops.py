"""Checks for operators: which lead or deal stages the portal has (the webhook: diagnose.py)."""

from . import entity, methods
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
