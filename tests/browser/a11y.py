"""Accessibility measured with axe-core (the copy bundled by axe-playwright-python).

``serious_violations(page)`` runs axe on what the page shows now and returns one
readable line per serious or critical violation: ``assert not serious_violations(page)``
prints what to fix.
"""

from axe_playwright_python.sync_playwright import Axe

BLOCKING = {"serious", "critical"}
_axe = Axe()


def serious_violations(page) -> list[str]:
    results = _axe.run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:5])
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]
