import time

from django.core.cache import cache

from remarket.core.errors import NotFound

from .models import Market


LOCAL_SECONDS = 60  # how long a process keeps a market it read; an edit reaches every process within it
_local: dict[str, tuple[float, Market]] = {}


def markets_forget() -> None:
    """Drop the markets this process keeps (tests; a market's edit otherwise shows within LOCAL_SECONDS)."""
    _local.clear()


def market_get(*, code: str) -> Market:
    """A market by its code. Markets change a few times a year and nearly every request needs one: each process
    keeps those it read for a minute, like tax rates (no shared-cache read or query per request), and the shared
    cache keeps them for a few minutes."""
    code = code.upper()
    kept = _local.get(code)
    if kept is not None and time.monotonic() < kept[0]:
        return kept[1]
    key = f"market:v1:{code[:2]}"
    market = cache.get(key)
    if market is None:
        market = Market.objects.filter(code=code).first()
        if market is not None:
            cache.set(key, market, 300)
    if market is None:
        raise NotFound("MARKET_NOT_FOUND", f"There is no market {code!r}.")
    _local[code] = (time.monotonic() + LOCAL_SECONDS, market)
    return market
