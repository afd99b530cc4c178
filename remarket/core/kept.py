"""Reference data that changes a few times a year and is read on nearly every request or checkout line — tax
rates, commission rates, markets: each process keeps what it read for a minute, the shared cache for a few.

Reading it back from the shared cache on every use costs about a third of a millisecond (unpickling), a query
more; kept in the process it costs a dictionary lookup. An edit reaches every process within `seconds`; the
process that makes it can call `forget()` to see it at once (tests do, between tests)."""

import time
from collections.abc import Callable, Hashable
from typing import Any

from django.core.cache import cache


class Kept:
    """Values by key, loaded by `load(key)` when neither this process nor the shared cache has them; a load that
    returns None (nothing found) is not kept."""

    def __init__(self, shared_key: str, load: Callable[[Any], Any], *, seconds: int = 60, shared_seconds: int = 300):
        self.shared_key, self.load = shared_key, load
        self.seconds, self.shared_seconds = seconds, shared_seconds
        self._values: dict[Hashable, tuple[float, Any]] = {}

    def _key(self, key: Hashable) -> str:
        return self.shared_key if key is None else f"{self.shared_key}:{key}"

    def get(self, key: Hashable = None) -> Any:
        kept = self._values.get(key)
        if kept is not None and time.monotonic() < kept[0]:
            return kept[1]
        value = cache.get(self._key(key))
        if value is None:
            value = self.load(key)
            if value is None:
                return None
            cache.set(self._key(key), value, self.shared_seconds)
        self._values[key] = (time.monotonic() + self.seconds, value)
        return value

    def forget(self) -> None:
        """Drop what this process keeps and what it put in the shared cache."""
        cache.delete_many([self._key(key) for key in self._values] + [self.shared_key])
        self._values.clear()
