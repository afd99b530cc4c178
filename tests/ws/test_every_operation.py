"""Every operation of the seller contract is served: each path of docs/contracts resolves to a /ws/ resource that
has a handler for each of its methods (39 operations), and nothing is served that the contract does not name."""

import re

from django.urls import Resolver404, resolve

from remarket.api.ws.urls import urlpatterns

from .contract import Contract

METHODS = ("get", "post", "put", "patch", "delete")


def contract_operations() -> set[tuple[str, str]]:
    paths = Contract().spec["paths"]
    return {(method.upper(), path) for path, item in paths.items() for method in METHODS if method in item}


def served(method: str, path: str) -> bool:
    concrete = re.sub(r"\{[^}]+\}", "1", path)
    try:
        match = resolve(concrete)
    except Resolver404:
        return False
    return method in getattr(match.func, "operations", {})


def test_all_39_operations_of_the_contract_are_served():
    operations = contract_operations()
    assert len(operations) == 39
    missing = sorted(f"{m} {p}" for m, p in operations if not served(m, p))
    assert not missing, "not served: " + ", ".join(missing)


def test_nothing_is_served_that_the_contract_does_not_name():
    count = sum(len(getattr(p.callback, "operations", {})) for p in urlpatterns)
    assert count == len(contract_operations())
