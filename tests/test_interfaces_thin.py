"""Interfaces (web, api, cli) read and write through the domains' selectors and services, never the ORM: no
`Model.objects`, no QuerySet methods, no query expressions, no raw SQL in their modules (DESIGN.md, Interfaces)."""

import ast
from pathlib import Path

import remarket

ROOT = Path(remarket.__file__).parent
INTERFACES = ("web", "api", "cli")
# QuerySet methods that nothing else an interface holds (dicts, lists, strings, paths) has. Reading a selector's
# rows as they come (slicing, len, count, iterator for a stream) is not building a query, and is allowed.
QUERYSET_METHODS = {
    "filter",
    "exclude",
    "annotate",
    "alias",
    "aggregate",
    "select_related",
    "prefetch_related",
    "values_list",
    "order_by",
    "only",
    "defer",
    "distinct",
    "select_for_update",
    "in_bulk",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
    "raw",
    "extra",
    "using",
}
EXPRESSIONS = {"Q", "F", "OuterRef", "Subquery", "Exists", "Prefetch", "Count", "Sum", "Max", "Min", "Avg", "Value"}
SHORTCUTS = {"get_object_or_404", "get_list_or_404"}  # a query on a model class
ALLOWED: set[str] = set()  # interface modules still holding a query: none; the list only shrinks


def _findings(path: Path, root: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        where = f"{path.relative_to(root)}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            found.append(f"{where} .objects")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            method = node.func.attr
            if method in QUERYSET_METHODS or (method == "values" and (node.args or node.keywords)):
                found.append(f"{where} .{method}()")
        elif isinstance(node, ast.ImportFrom) and node.module in ("django.db.models", "django.db"):
            names = {alias.name for alias in node.names}
            for name in sorted(names & (EXPRESSIONS | {"connection", "connections"})):
                found.append(f"{where} import {name}")
        elif isinstance(node, ast.ImportFrom) and node.module == "django.shortcuts":
            for name in sorted({alias.name for alias in node.names} & SHORTCUTS):
                found.append(f"{where} import {name}")
    return found


def test_no_interface_module_uses_the_orm():
    found = []
    for folder in INTERFACES:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if str(path.relative_to(ROOT)) not in ALLOWED and "migrations" not in path.parts:
                found += _findings(path)
    assert found == []


def test_the_walk_finds_what_it_looks_for(tmp_path):
    module = tmp_path / "view.py"
    module.write_text(
        "from django.db.models import OuterRef, QuerySet\n"
        "from django.shortcuts import get_object_or_404, render\n"
        "from remarket.offers.models import Listing\n"
        "def view(request, rows):\n"
        "    rows.values()\n"  # a dict's: not a query
        "    return Listing.objects.all(), listings_for(merchant=1).filter(sku='A').values('pk')\n"
    )
    findings = sorted(f.split(" ", 1)[1] for f in _findings(module, tmp_path))
    assert findings == [".filter()", ".objects", ".values()", "import OuterRef", "import get_object_or_404"]
