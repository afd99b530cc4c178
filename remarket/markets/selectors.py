import re

from django.db.models import Exists, OuterRef, QuerySet

from remarket.core.errors import NotFound
from remarket.core.kept import Kept

from .models import Channel, Market


def _load_markets(_key) -> dict[str, Market] | None:
    """Every market by code, each marked `has_web` when it has an online shop: one statement for all of them."""
    web = Channel.objects.filter(market=OuterRef("pk"), kind=Channel.Kind.WEB)
    return {m.code: m for m in Market.objects.annotate(has_web=Exists(web)).order_by("pk")} or None


# the markets, read by nearly every request (core/kept.py): a few dozen rows, loaded together
_markets = Kept("markets:all:v2", _load_markets)
# each market's web channel, read by every online checkout
_web_channels = Kept(
    "channel:web:v1", lambda market_id: Channel.objects.filter(market_id=market_id, kind=Channel.Kind.WEB).first()
)


def markets_forget() -> None:
    """Drop the markets this process keeps and their web channels (tests; an edit otherwise
    shows within a minute)."""
    from .locator import locator_forget

    _markets.forget()
    _web_channels.forget()
    locator_forget()


def web_markets() -> list[tuple[str, str, str]]:
    """The country sites with a web shop: (market code, country code, language), oldest first."""
    return [(m.code, str(m.country), m.language) for m in (_markets.get() or {}).values() if m.has_web]


def market_get(*, code: str) -> Market:
    """A market by its code."""
    market = (_markets.get() or {}).get(code.upper())
    if market is None:
        raise NotFound("MARKET_NOT_FOUND", f"There is no market {code!r}.")
    return market


def web_channel_get(*, market: Market) -> Channel:
    """The market's online shop."""
    channel = _web_channels.get(market.pk)
    if channel is None:
        raise NotFound("CHANNEL_NOT_FOUND", f"Market {market.code} sells nothing online.")
    return channel


def market_for_visitor(*, accept_language: str, remembered: str = "") -> Market | None:
    """The country site a visitor arriving at `/` is sent to: the one they chose before (`remembered`, a market
    code); else the first of their browser's languages that names a country we sell in (`fr-BE` no, `en-GB` GB);
    else the first whose language one of our markets speaks (`de` DE, `fr-BE` FR); else the first market with a
    web shop. None without any market."""
    from django.utils.translation.trans_real import parse_accept_lang_header

    sites = web_markets()
    codes = {code for code, _country, _language in sites}
    chosen = remembered.upper() if remembered.upper() in codes else ""
    tags = [tag.lower().partition("-") for tag, _q in parse_accept_lang_header(accept_language or "")]
    chosen = chosen or next((region.upper() for _l, _, region in tags if region.upper() in codes), "")
    for language, _, _region in tags:
        if chosen:
            break
        chosen = next((code for code, _c, lang in sites if lang.split("-")[0].lower() == language), "")
    chosen = chosen or (sites[0][0] if sites else "")
    return market_get(code=chosen) if chosen else None


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


def location_of(*, location_id: int | None):
    """A location by id with its channel, partner and market (a clerk's own), or None."""
    from .models import Location

    if location_id is None:
        return None
    return Location.objects.select_related("channel__market", "channel__partner").filter(pk=location_id).first()


def partners_by_name():
    """Every retail partner, by name (the operator's filters)."""
    from .models import Partner

    return Partner.objects.order_by("name")


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


def market_find(*, code: str) -> Market | None:
    """A market by its code, read from the database (None when there is none)."""
    return Market.objects.filter(code=code).first()


def markets_by_code() -> QuerySet[Market]:
    return Market.objects.order_by("code")


def market_codes() -> QuerySet[Market, str]:
    return Market.objects.order_by("code").values_list("code", flat=True)
