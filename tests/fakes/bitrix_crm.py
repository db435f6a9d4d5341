"""More of the fake Bitrix24 portal (bitrix_server.py): deals, the CRM mode, fields, users, events.

Deals take the same ``fields`` as leads but keep no phone (contact data lives on
a contact); stages of pipeline 0 come from ``crm.status.list`` with
``ENTITY_ID=DEAL_STAGE`` or ``crm.dealcategory.stage.list``. In the simple
mode (``portal.mode = 2``) ``crm.lead.add`` converts the lead into a deal at
once (see ``convert``). ``event_body`` is the form Bitrix posts to an
outgoing webhook.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from tests.fakes import bitrix_methods as base
from tests.fakes.bitrix_methods import FakeError, _fields, _matches, check_required
from tests.fakes.bitrix_php import _iso, _stringify, _to_int

if TYPE_CHECKING:
    from tests.fakes.bitrix_server import FakeBitrix

DEAL_STAGES = [  # pipeline 0 of a fresh portal
    ("NEW", "Новая", 10, None), ("PREPARATION", "Подготовка документов", 20, None),
    ("PREPAYMENT_INVOICE", "Счёт на предоплату", 30, None), ("EXECUTING", "В работе", 40, None),
    ("FINAL_INVOICE", "Финальный счёт", 50, None), ("WON", "Сделка успешна", 60, "S"),
    ("LOSE", "Сделка провалена", 70, "F"), ("APOLOGY", "Анализ причины провала", 80, "F"),
]
DEAL_SEMANTIC = {"WON": "S", "LOSE": "F", "APOLOGY": "F"}
BASE_FIELDS = {"lead": ("TITLE", "NAME", "PHONE", "COMMENTS", "STATUS_ID", "SOURCE_ID",
                        "ORIGINATOR_ID", "ORIGIN_ID"),
               "deal": ("TITLE", "COMMENTS", "STAGE_ID", "CATEGORY_ID", "CONTACT_ID",
                        "ORIGINATOR_ID", "ORIGIN_ID")}
NOT_KEPT_ON_DEALS = ("PHONE", "EMAIL", "NAME", "ID")


def _new_deal(portal: FakeBitrix, fields: dict) -> int:
    portal._next_id["deal"] += 1
    deal_id = portal._next_id["deal"]
    now = _iso(time.time())
    deal = {key: value for key, value in fields.items() if key not in NOT_KEPT_ON_DEALS}
    deal.update(ID=deal_id, DATE_CREATE=now, DATE_MODIFY=now)
    deal.setdefault("STAGE_ID", "NEW")
    deal.setdefault("CATEGORY_ID", "0")
    portal.deals[deal_id] = deal
    portal.events.append(("ONCRMDEALADD", deal_id))
    return deal_id


def convert(portal: FakeBitrix, lead: dict) -> int:
    """Simple mode: the lead becomes a deal (its title and comments; no ORIGIN_ID)."""
    return _new_deal(portal, {"TITLE": lead.get("TITLE", ""), "COMMENTS": lead.get("COMMENTS", ""),
                              "LEAD_ID": lead["ID"]})


def deal_add(portal: FakeBitrix, params: dict) -> dict:
    fields = _fields(params)
    check_required(portal, "deal", fields)
    return {"result": _new_deal(portal, fields)}


def _deal(portal: FakeBitrix, params: dict) -> dict:
    deal_id = _to_int(params.get("id", params.get("ID")))
    if deal_id is None:
        raise FakeError(400, "", "ID is not defined or invalid.")
    deal = portal.deals.get(deal_id)
    if deal is None:
        raise FakeError(400, "", "Not found")
    return deal


def deal_update(portal: FakeBitrix, params: dict) -> dict:
    deal = _deal(portal, params)
    fields = params.get("fields") if isinstance(params.get("fields"), dict) else {}
    deal.update({key: value for key, value in fields.items() if key not in NOT_KEPT_ON_DEALS})
    deal["DATE_MODIFY"] = _iso(time.time())
    portal.deal_updates.append((deal["ID"], json.loads(json.dumps(fields))))
    portal.events.append(("ONCRMDEALUPDATE", deal["ID"]))
    return {"result": True}


def _deal_view(deal: dict) -> dict:
    view = _stringify(deal)
    view["STAGE_SEMANTIC_ID"] = DEAL_SEMANTIC.get(str(deal.get("STAGE_ID")), "P")
    return view


def deal_get(portal: FakeBitrix, params: dict) -> dict:
    return {"result": _deal_view(_deal(portal, params))}


def deal_list(portal: FakeBitrix, params: dict) -> dict:
    filters = params.get("filter") if isinstance(params.get("filter"), dict) else {}
    return base.page_of([deal for deal in portal.deals.values() if _matches(deal, filters)],
                        params)


def settings_mode_get(portal: FakeBitrix, params: dict) -> dict:
    return {"result": portal.mode}


def user_get(portal: FakeBitrix, params: dict) -> dict:
    """``{"ID": 7}`` or ``{"FILTER": {"ID": 7}}``: a list of users."""
    filters = params.get("FILTER") if isinstance(params.get("FILTER"), dict) else {}
    wanted = params.get("ID") or filters.get("ID")
    rows = [user for user in portal.users.values()
            if wanted in (None, "") or str(user["ID"]) == str(wanted)]
    return {"result": [_stringify(user) for user in rows], "total": len(rows)}


def _fields_of(entity: str):
    def describe(portal: FakeBitrix, params: dict) -> dict:
        required = portal.required.get(entity, {})
        fields = {name: {"type": "string", "isRequired": False, "isReadOnly": False,
                         "isMultiple": name == "PHONE", "title": name}
                  for name in BASE_FIELDS[entity]}
        for name, title in required.items():
            fields[name] = {"type": "string", "isRequired": True, "isReadOnly": False,
                            "isMultiple": False, "title": name, "formLabel": title}
        return {"result": fields}
    return describe


def deal_stage_list(portal: FakeBitrix, params: dict) -> dict:
    return {"result": [{"NAME": name, "SORT": sort, "STATUS_ID": stage_id}
                       for stage_id, name, sort, _semantics in DEAL_STAGES]}


def status_list(portal: FakeBitrix, params: dict) -> dict:
    filters = params.get("filter") if isinstance(params.get("filter"), dict) else {}
    if str(filters.get("ENTITY_ID", "STATUS")) != "DEAL_STAGE":
        return base.status_list(portal, params)
    extra = {None: "process", "S": "success", "F": "failure"}
    rows = [{"ID": str(n), "ENTITY_ID": "DEAL_STAGE", "STATUS_ID": stage_id, "NAME": name,
             "SORT": str(sort), "SEMANTICS": semantics, "CATEGORY_ID": "0",
             "EXTRA": {"SEMANTICS": extra[semantics], "COLOR": "#39A8EF"}}
            for n, (stage_id, name, sort, semantics) in enumerate(DEAL_STAGES, 100)]
    return {"result": rows, "total": len(rows)}


def event_body(event: str, entity_id: int, *, token: str, data_key="data[FIELDS][ID]") -> str:
    """The form Bitrix posts to an outgoing webhook for one event (ids only)."""
    return urlencode({"event": event, "event_handler_id": "975", data_key: str(entity_id),
                      "ts": str(int(time.time())), "auth[domain]": "portal.bitrix24.ru",
                      "auth[client_endpoint]": "https://portal.bitrix24.ru/rest/",
                      "auth[server_endpoint]": "https://oauth.bitrix.info/rest/",
                      "auth[member_id]": "d8970abc", "auth[application_token]": token})


METHODS = {
    **base.METHODS,
    "crm.status.list": status_list,
    "crm.deal.add": deal_add,
    "crm.deal.update": deal_update,
    "crm.deal.get": deal_get,
    "crm.deal.list": deal_list,
    "crm.dealcategory.stage.list": deal_stage_list,
    "crm.lead.fields": _fields_of("lead"),
    "crm.deal.fields": _fields_of("deal"),
    "crm.settings.mode.get": settings_mode_get,
    "user.get": user_get,
    "scope": lambda portal, params: {"result": sorted(portal.scopes)},
}
