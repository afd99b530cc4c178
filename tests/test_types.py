"""The type-checking gate (tools/mypy_check.py) without running mypy: its configuration, its baseline (interfaces,
demo and settings only), and how it compares a run with the baseline."""

import importlib.util
import tomllib
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("mypy_check", ROOT / "tools" / "mypy_check.py")
assert _spec and _spec.loader
mypy_check = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mypy_check)

DOMAINS_AND_CORE = [
    "accounts",
    "aftersales",
    "analytics",
    "catalog",
    "checkout",
    "core",
    "events",
    "impact",
    "invoices",
    "ledger",
    "markets",
    "merchants",
    "offers",
    "orders",
    "payments",
    "search",
]


def test_mypy_runs_the_django_plugin_on_the_test_settings_with_untyped_bodies_checked():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]
    mypy = config["mypy"]
    assert mypy["plugins"] == ["mypy_django_plugin.main"]
    assert config["django-stubs"]["django_settings_module"] == "remarket.settings.test"
    assert mypy["files"] == ["remarket"]
    assert (mypy["check_untyped_defs"], mypy["no_implicit_optional"], mypy["warn_unused_ignores"]) == (True,) * 3


def test_the_baseline_lists_only_interfaces_demo_and_settings():
    entries = mypy_check.baseline_read()
    paths = {entry.split("\t")[0] for entry in entries}
    assert all(mypy_check.baselined(p) for p in paths), sorted(p for p in paths if not mypy_check.baselined(p))
    assert not {p.split("/")[1] for p in paths} & set(DOMAINS_AND_CORE)
    assert all(n > 0 for n in entries.values())


@pytest.mark.parametrize("package", DOMAINS_AND_CORE + ["buyback", "some_new_domain"])
def test_a_domain_core_or_new_package_has_no_baseline_allowance(package):
    assert not mypy_check.baselined(f"remarket/{package}/services.py")


@pytest.mark.parametrize("package", ["api", "cli", "demo", "settings", "web"])
def test_the_edges_may_be_baselined(package):
    assert mypy_check.baselined(f"remarket/{package}/v1/x.py")
    assert not mypy_check.baselined("remarket/urls.py")


OUTPUT = """\
remarket/web/a.py:10: error: Item "None" of "X | None" has no attribute "y"  [union-attr]
remarket/web/a.py:10: note: see line 3 for the definition
remarket/web/a.py:40: error: Item "None" of "X | None" has no attribute "y"  [union-attr]
remarket/api/b.py:7:12: error: Name "f" already defined on line 2  [no-redef]
remarket/orders/services.py:5: error: Incompatible return value type (got "int | None", expected "int")  [return-value]
Found 4 errors in 3 files (checked 9 source files)
"""


def test_parse_keeps_errors_without_line_numbers_in_the_message_and_drops_notes():
    assert mypy_check.parse(OUTPUT) == [
        ("remarket/web/a.py", "union-attr", 'Item "None" of "X | None" has no attribute "y"', 10),
        ("remarket/web/a.py", "union-attr", 'Item "None" of "X | None" has no attribute "y"', 40),
        ("remarket/api/b.py", "no-redef", 'Name "f" already defined on line N', 7),
        (
            "remarket/orders/services.py",
            "return-value",
            'Incompatible return value type (got "int | None", expected "int")',
            5,
        ),
    ]


def _baseline(*pairs):
    return Counter({mypy_check.key(*k): n for k, n in pairs})


UNION = ("remarket/web/a.py", "union-attr", 'Item "None" of "X | None" has no attribute "y"')
REDEF = ("remarket/api/b.py", "no-redef", 'Name "f" already defined on line N')


def test_a_domain_error_fails_whatever_the_baseline_says():
    errors = mypy_check.parse(OUTPUT)
    strict, new, gone = mypy_check.compare(errors, _baseline((UNION, 2), (REDEF, 1)))
    assert strict == [
        'remarket/orders/services.py:5: [return-value] Incompatible return value type (got "int | None", expected "int")'
    ]
    assert (new, gone) == ([], [])


def test_an_error_beyond_its_baselined_count_is_new():
    errors = [e for e in mypy_check.parse(OUTPUT) if not e[0].startswith("remarket/orders")]
    strict, new, gone = mypy_check.compare(errors, _baseline((UNION, 1), (REDEF, 1)))
    assert strict == [] and gone == []
    # both occurrences are shown: which one is new cannot be told without line numbers
    assert new == [
        'remarket/web/a.py:10: [union-attr] Item "None" of "X | None" has no attribute "y"',
        'remarket/web/a.py:40: [union-attr] Item "None" of "X | None" has no attribute "y"',
    ]


def test_a_baseline_entry_that_is_gone_asks_for_an_update():
    errors = [e for e in mypy_check.parse(OUTPUT) if e[0] == "remarket/web/a.py"][:1]
    strict, new, gone = mypy_check.compare(errors, _baseline((UNION, 2), (REDEF, 1)))
    assert (strict, new) == ([], [])
    assert gone == [
        f"{mypy_check.key(*REDEF)} (listed 1, found 0)",
        f"{mypy_check.key(*UNION)} (listed 2, found 1)",
    ]


def test_the_baseline_file_reads_back_what_was_written(tmp_path):
    counts = _baseline((UNION, 2), (REDEF, 1))
    path = tmp_path / "baseline.txt"
    path.write_text(mypy_check.baseline_text(counts), encoding="utf-8")
    assert mypy_check.baseline_read(path) == counts
