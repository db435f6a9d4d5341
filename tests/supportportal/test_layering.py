"""Dependencies point one way: ``tickets`` imports none of our other apps, ``delivery``
knows no channel. Read from the source, so a new import breaks this test, not production."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OUR_APPS = {"tickets", "delivery", "bitrix_integration", "notifications", "analytics",
            "supportportal"}
# supportportal is the project package: settings and the plumbing every endpoint shares.
ALLOWED = {"tickets": {"supportportal"}, "delivery": {"tickets", "supportportal"}}


def imported_apps(app: str) -> dict[str, set[str]]:
    """{module path: our top-level packages it imports} for every module of ``app``."""
    found = {}
    for path in (ROOT / app).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names & OUR_APPS - {app}
    return found


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_app_imports_only_what_the_layering_allows(app):
    wrong = {module: names - ALLOWED[app]
             for module, names in imported_apps(app).items() if names - ALLOWED[app]}

    assert wrong == {}


def test_the_check_sees_an_import_of_another_app(tmp_path, monkeypatch):
    (tmp_path / "tickets").mkdir()
    (tmp_path / "tickets" / "bad.py").write_text("from bitrix_integration import outbox\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)

    assert imported_apps("tickets") == {"tickets/bad.py": {"bitrix_integration"}}
