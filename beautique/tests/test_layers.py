"""Imports run one way: the apps (accounts, analytics, catalog, orders) build on
`beautique`, the project's ground, which never imports one of them."""

import ast
from pathlib import Path

import beautique

APPS = {"accounts", "analytics", "catalog", "orders"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def test_the_project_package_imports_no_app():
    root = Path(beautique.__file__).parent
    upward = {
        f"{path.relative_to(root.parent)}: {module}"
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        for module in imported_modules(path)
        if module.split(".")[0] in APPS
    }

    assert upward == set()
