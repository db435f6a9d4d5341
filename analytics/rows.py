"""The report as (section, key, value) rows, for CSV and the text table."""


def flat_rows(data: dict):
    period = data["period"]
    yield "period", "from", period["from"]
    yield "period", "to", period["to"]
    for key, value in data.items():
        if not isinstance(value, dict | list):
            yield "total", key, "" if value is None else value
    for section, name in (("by_tag", "tag"), ("by_department", "department"),
                          ("by_criticality", "criticality"), ("by_status", "status")):
        for row in data[section]:
            yield section, row[name] if row[name] is not None else "—", row["count"]
    for section, name in (("by_department", "department"), ("by_criticality", "criticality")):
        for row in data[section]:
            for key in ("sla_first_response_met_pct", "sla_resolution_met_pct"):
                value = row[key]
                yield section, f"{row[name]}:{key}", "" if value is None else value
    for row in data["by_manager"]:
        for key, value in row.items():
            if key not in ("manager", "manager_id"):
                yield f"manager:{row['manager']}", key, "" if value is None else value
    for day in data["daily"]:
        yield "daily", day["date"], f"{day['created']}/{day['resolved']}"
