"""``bitrix_check``: the whole truth about the webhook, one line each.

Address, secret, scope, CRM mode and entity, rights, required fields the portal
added, and a pause of the queue if there is one. Every call here only reads.
"""

from django.conf import settings
from django.utils.translation import gettext as _

from . import entity, methods, refusals
from .client import BitrixClient, BitrixError
from .lead_fields import FILLED

MODES = {1: _("классический (лиды и сделки)"), 2: _("простой (без лидов, сразу сделки)")}


def _failure(portal: str, error: BitrixError) -> str:
    code = (error.code or "").upper()
    if code in ("TIMEOUT", "CONNECTION") or (error.http_status or 0) >= 500 and not error.refusal:
        return _("Адрес %(portal)s: не отвечает (%(error)s).") % {"portal": portal,
                                                                   "error": error}
    if code in ("REDIRECT", "ERROR_METHOD_NOT_FOUND") or error.http_status == 404:
        return _("Адрес %(portal)s: %(reason)s (%(error)s).") % {
            "portal": portal, "reason": refusals.REASONS.get(code, _("неверный адрес вебхука")),
            "error": error}
    if code in ("INVALID_CREDENTIALS", "NO_AUTH_FOUND", "EXPIRED_TOKEN", "INVALID_TOKEN"):
        return _("Секрет: %(reason)s (%(error)s).") % {"reason": refusals.reason(error),
                                                      "error": error}
    return _("Вебхук %(portal)s не работает: %(reason)s (%(error)s).") % {
        "portal": portal, "reason": refusals.reason(error), "error": error}


def report(client=None) -> tuple[bool, list[str]]:
    """``(everything works, lines)``; stops at the first line that fails."""
    client = client or BitrixClient()
    if not client.configured:
        return False, [_("Битрикс24 выключен: BITRIX_WEBHOOK_URL не задан.")]
    portal = client.base_url.split("/rest/")[0]
    pause = refusals.status_line()
    lines = []
    try:
        scopes = client.call(methods.SCOPE)
    except BitrixError as exc:
        return False, [*lines, *([pause] if pause else []), _failure(portal, exc)]
    lines += [_("Адрес %(portal)s: отвечает.") % {"portal": portal}, _("Секрет: верный.")]
    scopes = {str(s) for s in scopes or []}
    if "crm" not in scopes:
        return False, [*lines, _("Права вебхука (scope): %(s)s — нет crm: добавьте его в "
                                 "настройках вебхука.") % {"s": ", ".join(sorted(scopes)) or "—"}]
    names = (_("есть user — имена авторов комментариев видны") if scopes & {"user", "user_brief"}
             else _("нет user — комментарии из Битрикс24 придут без имени автора"))
    lines.append(_("Права вебхука (scope): crm есть; %(names)s.") % {"names": names})
    try:
        mode = client.call(methods.SETTINGS_MODE_GET)
        kind = entity.current(client)
        what = _("сделки") if kind == entity.DEAL else _("лиды")
        lines.append(_("Режим CRM: %(mode)s; заявки становятся: %(what)s (BITRIX_ENTITY=%(set)s).")
                     % {"mode": MODES.get(int(mode), mode), "what": what,
                        "set": settings.BITRIX_ENTITY})
        list_method = methods.DEAL_LIST if kind == entity.DEAL else methods.LEAD_LIST
        client.call(list_method, {"select": ["ID"], "order": {"ID": "DESC"}, "start": 0})
        lines.append(_("Права владельца вебхука: %(what)s читаются. Право добавлять и менять "
                       "Битрикс24 не даёт проверить, ничего не создав: его проверит первая "
                       "отправка, а отказ остановит очередь и появится здесь и в админке.")
                     % {"what": what})
        fields = client.call(methods.DEAL_FIELDS if kind == entity.DEAL else methods.LEAD_FIELDS)
    except BitrixError as exc:
        return False, [*lines, *([pause] if pause else []), _failure(portal, exc)]
    required = sorted(name for name, spec in (fields or {}).items()
                      if isinstance(spec, dict) and spec.get("isRequired") and name not in FILLED)
    if required:
        return False, [*lines, _("Обязательные поля, добавленные порталом: %(f)s — заявки не "
                                 "создадутся, пока их не сделают необязательными.")
                       % {"f": ", ".join(required)}]
    lines.append(_("Обязательные поля, добавленные порталом: нет."))
    if pause:  # the queue waits: the line that says why comes last, as the failure
        return False, [*lines, pause]
    return True, lines
