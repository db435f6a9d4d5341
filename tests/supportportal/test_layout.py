"""Dependencies point one way: every app may import tickets; tickets imports none of them."""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

TICKETS = Path(settings.BASE_DIR) / "tickets"


def _imported_modules(path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def test_tickets_imports_none_of_the_other_apps():
    ours = {config.name for config in apps.get_app_configs()
            if Path(config.path).parent == Path(settings.BASE_DIR)} - {"tickets"}
    assert {"bitrix_integration", "analytics"} <= ours

    found = {f"{path.relative_to(settings.BASE_DIR)}: {module}"
             for path in TICKETS.rglob("*.py")
             for module in _imported_modules(path) if module.split(".")[0] in ours}

    assert not found
