"""The fence around hand-written SQL. Only the modules named in SQL_MODULES build SQL or hand it to a cursor
(`cursor()`, `.execute()`, `.raw()`, `RawSQL`, `.extra()`, or core/db.py's `fetch_rows`, `fetch_objects`,
`hot_cursor`); every other module goes through the ORM or through the owning domain's selectors and services.
Each listed module names, in its SQL, only the tables of the domains it declares: a domain's SQL reads its own
tables and those of the domains below it, never one above it, and an interface holds none. Migrations are outside
the fence (their DDL goes through `schema_editor.execute`). CONTRIBUTING.md ("Hand-written SQL") lists the same
modules: change both together."""

import ast
import re
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "remarket"

# module: the apps whose tables its SQL may name (core/db.py builds its statements from any model's fields and
# names none itself)
SQL_MODULES: dict[str, tuple[str, ...]] = {
    "remarket/core/db.py": (),  # the hot paths' statement helpers, and advisory locks
    "remarket/core/counters.py": ("core",),  # the shared rate counters' upsert
    "remarket/offers/bulk.py": ("offers",),  # the set-based listing writes (listings_apply)
    "remarket/offers/stock.py": ("offers",),  # stock: conditional atomic updates
    "remarket/offers/selectors.py": ("offers", "catalog", "merchants"),  # the product page, a purchase's offers
    "remarket/offers/summaries.py": ("offers", "catalog", "merchants"),  # per variant × grade, ranked as best.py
    "remarket/orders/selectors.py": ("orders", "merchants", "markets", "payments"),  # the customer's order, locks
    "remarket/orders/services.py": ("orders",),  # an order's lines and sub-orders read to move them
    "remarket/checkout/limits.py": ("checkout",),  # the limits on a buyer's holds
    "remarket/payments/services.py": ("payments",),  # an intent's lock
    "remarket/search/sql.py": ("search", "offers", "catalog"),  # full-text search and facets
    "remarket/search/match.py": ("search",),
    "remarket/search/services.py": ("search", "offers", "catalog", "merchants"),  # the index's refresh
    "remarket/analytics/rebuild.py": ("analytics",),  # the rollups recomputed from the facts, one INSERT ... SELECT
    "remarket/demo/build.py": (),
    "remarket/demo/scale_load.py": (
        "analytics",
    ),  # the summarised history's COPY and ANALYZE  # SQLite's cache size and ANALYZE for the demo's bulk build
    # being moved into an offers service (issue 12): remove once the CLI holds no SQL
    "remarket/offers/imports.py": ("offers",),
}

CURSOR_METHODS = {"cursor", "execute", "executemany", "executescript", "raw", "extra"}
SQL_FUNCTIONS = {"RawSQL", "fetch_rows", "fetch_objects", "hot_cursor"}


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(), filename=str(path))


def _sql_calls(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in CURSOR_METHODS | SQL_FUNCTIONS:
            found.append((node.lineno, func.attr))
        elif isinstance(func, ast.Name) and func.id in SQL_FUNCTIONS:
            found.append((node.lineno, func.id))
    return found


def _table_apps() -> dict[str, str]:
    return {m._meta.db_table: m._meta.app_label for m in apps.get_models(include_auto_created=True)}


def test_only_the_declared_modules_write_sql():
    outside = [
        f"{module}:{line}: {call}()"
        for module, tree in _modules()
        if module not in SQL_MODULES
        for line, call in _sql_calls(tree)
    ]
    assert not outside, (
        "hand-written SQL outside the modules allowed to hold it (tests/test_sql_boundary.py SQL_MODULES): "
        "use the ORM or the owning domain's selector or service\n" + "\n".join(outside)
    )


def test_every_declared_module_still_writes_sql():
    modules = dict(_modules())
    stale = [m for m in SQL_MODULES if m not in modules or not _sql_calls(modules[m])]
    assert not stale, f"these modules hold no SQL any more: take them off SQL_MODULES (and CONTRIBUTING.md): {stale}"


def test_each_modules_sql_names_only_the_tables_it_declares():
    tables = _table_apps()
    modules = dict(_modules())
    word = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")
    wrong = []
    for module, allowed in SQL_MODULES.items():
        for node in ast.walk(modules[module]):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                for name in set(word.findall(node.value)):
                    if name in tables and tables[name] not in allowed:
                        wrong.append(f"{module}:{node.lineno}: {name} ({tables[name]}'s table)")
    assert not wrong, "SQL naming another domain's table: read it through that domain's selector\n" + "\n".join(wrong)


def test_contributing_lists_the_same_modules():
    text = (ROOT / "CONTRIBUTING.md").read_text()
    section = text[text.index("## Hand-written SQL") :]
    section = section[: section.find("\n## ", 1)] if "\n## " in section[1:] else section
    listed = set(re.findall(r"`(remarket/[\w/]+\.py)`", section))
    assert listed == set(SQL_MODULES), (
        f"CONTRIBUTING.md's list differs: missing {sorted(set(SQL_MODULES) - listed)}, "
        f"extra {sorted(listed - set(SQL_MODULES))}"
    )
