import re

from remarket.core.errors import NotFound
from remarket.core.kept import Kept

from .models import Channel, Market

# markets by code, read by nearly every request (core/kept.py)
_kept = Kept("market:v1", lambda code: Market.objects.filter(code=code).first())
# each market's web channel, read by every online checkout
_web_channels = Kept(
    "channel:web:v1", lambda market_id: Channel.objects.filter(market_id=market_id, kind=Channel.Kind.WEB).first()
)


def markets_forget() -> None:
    """Drop the markets this process keeps and their web channels (tests; an edit otherwise
    shows within a minute)."""
    from .locator import locator_forget

    _kept.forget()
    _web_channels.forget()
    locator_forget()


def market_get(*, code: str) -> Market:
    """A market by its code."""
    market = _kept.get(code.upper())
    if market is None:
        raise NotFound("MARKET_NOT_FOUND", f"There is no market {code!r}.")
    return market


def web_channel_get(*, market: Market) -> Channel:
    """The market's online shop."""
    channel = _web_channels.get(market.pk)
    if channel is None:
        raise NotFound("CHANNEL_NOT_FOUND", f"Market {market.code} sells nothing online.")
    return channel


_LOCATION_CODE = re.compile(r"[-a-zA-Z0-9_]{1,40}")


def location_get(*, code: str, active_only: bool = False):
    """A location by its code, with its channel, partner and market."""
    from .models import Location

    if not _LOCATION_CODE.fullmatch(code):  # not a code (a NUL byte would not even reach PostgreSQL): none such
        raise NotFound("LOCATION_NOT_FOUND", "There is no such location.")
    found = Location.objects.select_related("channel__market", "channel__partner").filter(code=code)
    if active_only:
        found = found.filter(is_active=True)
    location = found.first()
    if location is None:
        raise NotFound("LOCATION_NOT_FOUND", f"There is no location {code[:40]!r}.")
    return location


def locations_filtered(*, partner_id: int | None = None, active: bool | None = None, service: str | None = None):
    """The stores and partner corners, by partner, whether active and a service offered, by code."""
    from .models import Location

    found = Location.objects.select_related("channel__partner", "channel__market").order_by("code")
    if partner_id is not None:
        found = found.filter(channel__partner_id=partner_id)
    if active is not None:
        found = found.filter(is_active=active)
    if service in Location.Service.values:
        found = found.filter(**{f"service_{service}": True})
    return found
