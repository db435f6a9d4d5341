"""The methods of the fake Bitrix24 portal (bitrix_server.py): leads, timeline comments, stages.

Each handler takes the portal (its lock held) and the decoded parameters and
returns the answer body without its ``time`` block, or raises ``FakeError``.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from datetime import datetime
from typing import TYPE_CHECKING

from tests.fakes.bitrix_php import _iso, _stringify, _to_int

if TYPE_CHECKING:
    from tests.fakes.bitrix_server import FakeBitrix

PAGE_SIZE = 50
DEFAULT_STAGES = [  # crm.status.list, ENTITY_ID=STATUS, as on a fresh portal
    ("NEW", "Не обработан", 10, None, "process"),
    ("IN_PROCESS", "В работе", 20, None, "process"),
    ("PROCESSED", "Обработан", 30, None, "process"),
    ("CONVERTED", "Качественный лид", 40, "S", "success"),
    ("JUNK", "Некачественный лид", 50, "F", "failure"),
]
SEMANTIC_ID = {"CONVERTED": "S", "JUNK": "F"}  # others: "P" (in progress)
MULTIFIELDS = ("PHONE", "EMAIL", "WEB", "IM")


class FakeError(Exception):
    """A Bitrix error answer: HTTP status and ``{"error", "error_description"}``."""

    def __init__(self, http_status, code, description, *, reset_at=None):
        super().__init__(f"{code}: {description}")
        self.http_status, self.code, self.description = http_status, code, description
        self.reset_at = reset_at

    def body(self):
        return {"error": self.code, "error_description": self.description}

# --- methods (called with the portal's lock held) ---------------------------------
def _lead_id(params) -> int:
    lead_id = _to_int(params.get("id", params.get("ID")))
    if lead_id is None:
        raise FakeError(400, "", "ID is not defined or invalid.")
    return lead_id


def _fields(params, key="fields") -> dict:
    fields = params.get(key)
    if not isinstance(fields, dict):
        raise FakeError(400, "", f"Parameter '{key}' must be array.")
    return fields


def _store_multifields(portal: FakeBitrix, lead: dict, fields: dict) -> None:
    for name in MULTIFIELDS:
        if name in fields:
            values = fields[name] if isinstance(fields[name], list) else [fields[name]]
            stored = []
            for value in values:
                if not isinstance(value, dict) or not value.get("VALUE"):
                    continue
                portal._next_id["multifield"] += 1
                stored.append({"ID": portal._next_id["multifield"], "TYPE_ID": name,
                               "VALUE": value["VALUE"],
                               "VALUE_TYPE": value.get("VALUE_TYPE") or "WORK"})
            lead[name] = lead.get(name, []) + stored if name in lead else stored


def check_required(portal: FakeBitrix, entity: str, fields: dict) -> None:
    """A field the portal's admin made required: an add without it fails, empty code."""
    for name, title in portal.required.get(entity, {}).items():
        if fields.get(name) in (None, "", []):
            raise FakeError(400, "", f'Поле "{title}" обязательно для заполнения.')


def lead_add(portal: FakeBitrix, params: dict) -> dict:
    fields = _fields(params)
    check_required(portal, "lead", fields)
    portal._next_id["lead"] += 1
    lead_id = portal._next_id["lead"]
    now = _iso(time.time())
    lead = {key: value for key, value in fields.items() if key not in (*MULTIFIELDS, "ID")}
    lead.update(ID=lead_id, DATE_CREATE=now, DATE_MODIFY=now)
    lead.setdefault("STATUS_ID", "NEW")
    lead.setdefault("SOURCE_ID", "OTHER")
    _store_multifields(portal, lead, fields)
    lead["HAS_PHONE"] = "Y" if lead.get("PHONE") else "N"
    if portal.mode == 2:  # simple CRM: converted into a deal at once, no longer readable
        lead["STATUS_ID"] = "CONVERTED"
        portal.converted_leads[lead_id] = lead
        from tests.fakes.bitrix_crm import convert
        convert(portal, lead)
        return {"result": lead_id}
    portal.leads[lead_id] = lead
    portal.events.append(("ONCRMLEADADD", lead_id))
    return {"result": lead_id}


def lead_update(portal: FakeBitrix, params: dict) -> dict:
    lead_id = _lead_id(params)
    lead = portal.leads.get(lead_id)
    if lead is None:
        raise FakeError(400, "", "Not found")
    fields = params.get("fields") if isinstance(params.get("fields"), dict) else {}
    lead.update({key: value for key, value in fields.items()
                 if key not in MULTIFIELDS and key != "ID"})
    _store_multifields(portal, lead, fields)
    lead["DATE_MODIFY"] = _iso(time.time())
    portal.updates.append((lead_id, json.loads(json.dumps(fields))))
    portal.events.append(("ONCRMLEADUPDATE", lead_id))
    return {"result": True}


def _lead_view(lead: dict) -> dict:
    view = _stringify(lead)
    view["STATUS_SEMANTIC_ID"] = SEMANTIC_ID.get(str(lead.get("STATUS_ID")), "P")
    return view


def lead_get(portal: FakeBitrix, params: dict) -> dict:
    lead = portal.leads.get(_lead_id(params))
    if lead is None:
        raise FakeError(400, "", "Not found")
    return {"result": _lead_view(lead)}


def _later(have, wanted, strict) -> bool:
    """``>DATE_MODIFY`` / ``>=DATE_MODIFY``: dates compare as dates, whatever their offset."""
    try:
        have, wanted = datetime.fromisoformat(str(have)), datetime.fromisoformat(str(wanted))
    except ValueError:
        have, wanted = str(have), str(wanted)
    return have > wanted if strict else have >= wanted


def _matches(lead: dict, filters: dict) -> bool:
    for key, wanted in filters.items():
        if key.startswith(">"):
            name = key.lstrip(">=")
            if lead.get(name) is None or not _later(lead[name], wanted, not key.startswith(">=")):
                return False
            continue
        key = key.lstrip("=")
        have = lead.get(key)
        if isinstance(wanted, list):
            if str(have) not in {str(w) for w in wanted}:
                return False
        elif str(have if have is not None else "") != str(wanted):
            return False
    return True


def page_of(rows: list, params: dict) -> dict:
    """A list method's answer: ``order`` by ID, ``select``, pages of 50 from ``start``."""
    order = params.get("order") if isinstance(params.get("order"), dict) else {}
    select = params.get("select") if isinstance(params.get("select"), list) else []
    start = _to_int(params.get("start")) or 0
    rows = sorted(rows, key=lambda row: row["ID"],
                  reverse=str(order.get("ID", "ASC")).upper() == "DESC")
    page = rows[start:start + PAGE_SIZE]
    if select and "*" not in select:
        wanted = {"ID", *select}
        page = [{key: value for key, value in row.items() if key in wanted} for row in page]
    else:
        page = [{key: value for key, value in row.items() if key not in MULTIFIELDS}
                for row in page]
    answer = {"result": [_stringify(row) for row in page], "total": len(rows)}
    if start + PAGE_SIZE < len(rows):
        answer["next"] = start + PAGE_SIZE
    return answer


def lead_list(portal: FakeBitrix, params: dict) -> dict:
    filters = params.get("filter") if isinstance(params.get("filter"), dict) else {}
    return page_of([lead for lead in portal.leads.values() if _matches(lead, filters)], params)


def comment_add(portal: FakeBitrix, params: dict) -> dict:
    fields = params.get("fields")  # lowercase only, as the server reads it
    if not isinstance(fields, dict):
        raise FakeError(400, "INVALID_ARG_VALUE", "Required parameter 'fields' is not set.")
    entity_id = _to_int(fields.get("ENTITY_ID"))
    if entity_id is None:
        raise FakeError(400, "INVALID_ARG_VALUE", "ENTITY_ID is not defined or invalid.")
    entity_type = str(fields.get("ENTITY_TYPE", "")).lower()
    if entity_type not in ("lead", "deal"):
        raise FakeError(400, "INVALID_ARG_VALUE", "ENTITY_TYPE is not supported.")
    if entity_id not in (portal.leads if entity_type == "lead" else portal.deals):
        raise FakeError(400, "OWNER_NOT_FOUND", "Owner entity not found.")
    text = fields.get("COMMENT")
    if not isinstance(text, str) or not text.strip():
        raise FakeError(400, "INVALID_ARG_VALUE", "Empty comment message.")
    files = _decode_files(fields.get("FILES"))
    return {"result": store_comment(portal, entity_type, entity_id, text, portal.user_id,
                                    files=files)}


def _decode_files(value) -> list[tuple[str, bytes]]:
    """``FILES`` as the docs shape it: ``[[name, base64], …]``. As on a real portal, an
    empty string is an error, and a string that is not base64 makes a broken file."""
    if value in (None, "", []):
        return []
    if not isinstance(value, list) or not all(
            isinstance(item, list) and len(item) == 2 and all(isinstance(x, str) for x in item)
            for item in value):
        raise FakeError(400, "INVALID_ARG_VALUE", "FILES: expected [[name, base64], ...].")
    decoded = []
    for name, content in value:
        if not content:
            raise FakeError(400, "INVALID_ARG_VALUE", f"FILES: empty content of {name}.")
        try:
            data = base64.b64decode(content, validate=True)
        except binascii.Error:
            data = content.encode()  # saved as is: a corrupted file
        decoded.append((name, data))
    return decoded


def store_comment(portal: FakeBitrix, entity_type, entity_id, text, author_id, *,
                  files=()) -> int:
    """A timeline comment, through REST or by a manager: the event fires either way."""
    portal._next_id["comment"] += 1
    comment_id = portal._next_id["comment"]
    portal.comments[comment_id] = {"ID": comment_id, "ENTITY_ID": int(entity_id),
                                   "ENTITY_TYPE": entity_type, "COMMENT": text,
                                   "CREATED": _iso(time.time()), "AUTHOR_ID": str(author_id),
                                   "FILES": {} if files else []}  # PHP: an empty array is []
    for name, data in files:  # attached_diskfile objects, keyed by id as comment.get shows them
        portal._next_id["file"] = portal._next_id.get("file", 0) + 1
        file_id = portal._next_id["file"]
        portal.comments[comment_id]["FILES"][str(file_id)] = {"id": file_id, "name": name,
                                                              "size": len(data)}
        portal.files[file_id] = data
    portal.events.append(("ONCRMTIMELINECOMMENTADD", comment_id))
    return comment_id


def comment_get(portal: FakeBitrix, params: dict) -> dict:
    comment = portal.comments.get(_to_int(params.get("id")) or 0)
    if comment is None:
        raise FakeError(400, "NOT_FOUND", "Comment not found.")
    return {"result": _stringify(comment)}


def comment_list(portal: FakeBitrix, params: dict) -> dict:
    """ENTITY_ID and ENTITY_TYPE are required in the filter; pages of 50."""
    filters = params.get("filter") if isinstance(params.get("filter"), dict) else {}
    entity_id = _to_int(filters.get("ENTITY_ID"))
    entity_type = str(filters.get("ENTITY_TYPE", "")).lower()
    if entity_id is None or not entity_type:
        raise FakeError(400, "INVALID_ARG_VALUE",
                        "ENTITY_ID and ENTITY_TYPE are required in the filter.")
    rows = [c for c in portal.comments.values()
            if c["ENTITY_ID"] == entity_id and c["ENTITY_TYPE"] == entity_type]
    order = params.get("order") if isinstance(params.get("order"), dict) else {}
    rows.sort(key=lambda c: c["ID"], reverse=str(order.get("ID", "ASC")).upper() == "DESC")
    start = _to_int(params.get("start")) or 0
    select = params.get("select") if isinstance(params.get("select"), list) else []
    page = rows[start:start + PAGE_SIZE]
    if select and "*" not in select:
        page = [{key: value for key, value in c.items() if key in {"ID", *select}}
                for c in page]
    answer = {"result": [_stringify(c) for c in page], "total": len(rows)}
    if start + PAGE_SIZE < len(rows):
        answer["next"] = start + PAGE_SIZE
    return answer


def status_list(portal: FakeBitrix, params: dict) -> dict:
    filters = params.get("filter") if isinstance(params.get("filter"), dict) else {}
    entity = str(filters.get("ENTITY_ID", "STATUS"))
    rows = []
    if entity == "STATUS":
        for n, (status_id, name, sort, semantics, extra) in enumerate(DEFAULT_STAGES, 1):
            rows.append({"ID": str(n), "ENTITY_ID": "STATUS", "STATUS_ID": status_id,
                         "NAME": name, "NAME_INIT": name, "SORT": str(sort), "SYSTEM": "Y",
                         "SEMANTICS": semantics, "EXTRA": {"SEMANTICS": extra,
                                                           "COLOR": "#39A8EF"}})
    order = params.get("order") if isinstance(params.get("order"), dict) else {}
    rows.sort(key=lambda row: int(row["SORT"]),
              reverse=str(order.get("SORT", "ASC")).upper() == "DESC")
    return {"result": rows, "total": len(rows)}


METHODS = {
    "crm.lead.add": lead_add,
    "crm.lead.update": lead_update,
    "crm.lead.get": lead_get,
    "crm.lead.list": lead_list,
    "crm.timeline.comment.add": comment_add,
    "crm.timeline.comment.get": comment_get,
    "crm.timeline.comment.list": comment_list,
    "crm.status.list": status_list,
    "batch": None,  # handled by FakeBitrix._batch
}
