"""The share of SLA targets met: filtered counts of the verdicts the tickets store
(``sla_first_response_met``, ``sla_resolution_met``; null while a clock runs), added
to the passes ``report`` already makes, so they cost no query of their own."""

from django.db.models import Count, Q

TARGETS = {"first_response": "sla_first_response_met", "resolution": "sla_resolution_met"}


def aggregates(prefix: str = "", condition: Q | None = None) -> dict:
    """Counts of decided and met verdicts of each target, named after ``prefix``."""
    condition = condition or Q()
    figures = {}
    for name, field in TARGETS.items():
        figures[f"{prefix}sla_{name}_decided"] = Count(
            "id", filter=condition & Q(**{f"{field}__isnull": False}))
        figures[f"{prefix}sla_{name}_hits"] = Count("id", filter=condition & Q(**{field: True}))
    return figures


def percents(row: dict, prefix: str = "") -> dict:
    """``sla_first_response_met_pct``, ``sla_resolution_met_pct``: percent of the decided
    verdicts that met the target, one decimal; None when none is decided yet."""
    result = {}
    for name in TARGETS:
        decided = row.get(f"{prefix}sla_{name}_decided") or 0
        met = row.get(f"{prefix}sla_{name}_hits") or 0
        result[f"sla_{name}_met_pct"] = round(100 * met / decided, 1) if decided else None
    return result
