
from django.core.cache import cache

from remarket.core.errors import NotFound

from .models import Market


def market_get(*, code: str) -> Market:
    """A market by its code; markets change rarely, so they are cached for a few minutes."""
    key = f"market:v1:{code.upper()[:2]}"
    market = cache.get(key)
    if market is None:
        market = Market.objects.filter(code=code.upper()).first()
        if market is not None:
            cache.set(key, market, 300)
    if market is None:
        raise NotFound("MARKET_NOT_FOUND", f"There is no market {code!r}.")
    return market
