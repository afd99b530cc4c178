
from remarket.core.errors import NotFound

from .models import Market


def market_get(*, code: str) -> Market:
    market = Market.objects.filter(code=code.upper()).first()
    if market is None:
        raise NotFound("MARKET_NOT_FOUND", f"There is no market {code!r}.")
    return market
