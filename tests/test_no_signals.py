"""Workflows are explicit calls, never signals (STYLE 6): no module of remarket connects a receiver to one of
Django's signals. A category's new commission rate is forgotten by the catalog's service that saves it; the tax
rates are loaded by their migration (and by the demo after its flush)."""

import ast
from pathlib import Path

from django.core import signals as core_signals
from django.db.backends import signals as backend_signals
from django.db.models import signals as model_signals
from django.dispatch import Signal

PACKAGE = Path(__file__).resolve().parent.parent / "remarket"
SIGNALS = {
    name
    for module in (model_signals, core_signals, backend_signals)
    for name, value in vars(module).items()
    if isinstance(value, Signal)
}


def _connects(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "connect":
            target = node.func.value
            name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
            if name in SIGNALS or name == "signal":
                yield node.lineno, f"{name}.connect()"
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "receiver":
            yield node.lineno, "@receiver"


def test_no_module_connects_a_signal_receiver():
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {what}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for line, what in _connects(ast.parse(path.read_text()))
    ]
    assert not found, "a signal receiver: call the workflow explicitly from the service that writes\n" + "\n".join(
        found
    )
