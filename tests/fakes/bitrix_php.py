"""PHP-style query strings and Bitrix-shaped values for the fake Bitrix24 portal (bitrix_server.py).

``parse_php_query`` reads ``a[b][0]=c`` as PHP does, ``_resolve_refs`` fills
``$result[key]`` references between ``batch`` commands; ``_to_int``,
``_stringify`` and ``_iso`` write values as Bitrix answers them.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import parse_qsl

_REF_RE = re.compile(r"^\$result\[([^\]]+)\]((?:\[[^\]]*\])*)$")
_BRACKETS_RE = re.compile(r"\[([^\]]*)\]")


# --- PHP-style query strings ------------------------------------------------
def _listify(node):
    """PHP arrays with keys 0..n-1 are JSON lists; the rest stay objects."""
    if isinstance(node, dict):
        node = {key: _listify(value) for key, value in node.items()}
        if node and all(key.isdigit() for key in node) and sorted(
                int(key) for key in node) == list(range(len(node))):
            return [node[str(i)] for i in range(len(node))]
    return node


def parse_php_query(query: str) -> dict:
    """``fields[PHONE][0][VALUE]=%2B7&halt=0`` → ``{"fields": {"PHONE": [{"VALUE": "+7"}]}, …}``.

    As PHP reads ``$_REQUEST``: every value is a string, ``a[]`` appends.
    """
    result: dict = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        base = name.split("[", 1)[0]
        if not base:
            continue
        keys = [base, *_BRACKETS_RE.findall(name[len(base):])]
        node = result
        for key in keys[:-1]:
            key = key if key != "" else str(len(node))
            if not isinstance(node.get(key), dict):
                node[key] = {}
            node = node[key]
        last = keys[-1] if keys[-1] != "" else str(len(node))
        node[last] = value
    return _listify(result)


def _to_int(value):
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _stringify(value):
    """crm.*.get answers: every scalar is a string."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, dict):
        return {key: _stringify(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_stringify(item) for item in value]
    return str(value)


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=UTC).astimezone().isoformat(timespec="seconds")

def _resolve_refs(node, results):
    """``$result[k1]`` / ``$result[k1][ID]`` in a batch command: an earlier command's result."""
    if isinstance(node, dict):
        return {key: _resolve_refs(value, results) for key, value in node.items()}
    if isinstance(node, list):
        return [_resolve_refs(value, results) for value in node]
    if isinstance(node, str) and (match := _REF_RE.match(node)):
        value = results.get(match.group(1))
        for key in _BRACKETS_RE.findall(match.group(2)):
            value = value.get(key) if isinstance(value, dict) else (
                value[int(key)] if isinstance(value, list) and key.isdigit()
                and int(key) < len(value) else None)
        return "" if value is None else str(value) if not isinstance(value, dict | list) else value
    return node
