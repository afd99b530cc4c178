from remarket.core.errors import NotFound
from remarket.core.kept import Kept

from .models import Market


# markets by code, read by nearly every request (core/kept.py)
_kept = Kept("market:v1", lambda code: Market.objects.filter(code=code).first())


def markets_forget() -> None:
    """Drop the markets this process keeps (tests; a market's edit otherwise shows within a minute)."""
    _kept.forget()


def market_get(*, code: str) -> Market:
    """A market by its code."""
    market = _kept.get(code.upper())
    if market is None:
        raise NotFound("MARKET_NOT_FOUND", f"There is no market {code!r}.")
    return market
