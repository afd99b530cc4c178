"""core/kept.py: reference data kept in the process for a minute, in the shared cache for a few."""

from unittest import mock

from django.core.cache import cache

from remarket.core.kept import Kept


def test_a_value_is_loaded_once_then_kept_until_forgotten_or_stale():
    loads = []
    kept = Kept("test-kept:v1", lambda key: loads.append(key) or {"key": key})
    assert kept.get("FR") == {"key": "FR"} and kept.get("FR") == {"key": "FR"}
    assert loads == ["FR"]
    assert cache.get("test-kept:v1:FR") == {"key": "FR"}  # other processes find it in the shared cache
    kept.forget()
    assert cache.get("test-kept:v1:FR") is None
    kept.get("FR")
    assert loads == ["FR", "FR"]
    with mock.patch("remarket.core.kept.time.monotonic", return_value=10**9):  # a minute and more later
        cache.delete("test-kept:v1:FR")
        kept.get("FR")
    assert loads == ["FR", "FR", "FR"]


def test_nothing_found_is_not_kept():
    loads = []
    kept = Kept("test-kept:v1", lambda key: loads.append(key))
    assert kept.get("XX") is None and kept.get("XX") is None
    assert loads == ["XX", "XX"]
