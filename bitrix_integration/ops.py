"""Checks for operators: is the webhook right, which lead stages does the portal have."""

from . import entity, methods
from .client import BitrixClient, BitrixError
from .refusals import REASONS

SEMANTICS = {"S": "успех", "F": "провал", None: "в работе", "": "в работе"}


def webhook_check(client=None) -> tuple[bool, str]:
    """One harmless read that needs the webhook's URL, secret, rights and the crm scope."""
    client = client or BitrixClient()
    if not client.configured:
        return False, "Битрикс24 выключен: BITRIX_WEBHOOK_URL не задан."
    portal = client.base_url.split("/rest/")[0]
    try:
        client.call(methods.LEAD_LIST, {"select": ["ID"], "order": {"ID": "DESC"}, "start": 0})
    except BitrixError as exc:
        if exc.config or exc.refusal:
            reason = REASONS.get((exc.code or "").upper(), "проверьте адрес, секрет и права")
            return False, f"Вебхук {portal} не работает: {reason} ({exc})."
        return False, f"Битрикс24 {portal} сейчас недоступен ({exc}): повторите позже."
    return True, f"Вебхук работает: {portal}, лиды читаются (права crm есть)."


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
