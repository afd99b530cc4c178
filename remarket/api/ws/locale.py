"""`Accept-Language` selects the market a /ws/ call reads or writes (`fr-fr` → FR, `en-us` → US...).

The contract's country codes are a language and a country; the country names our market. Without the header
the market is France, as on the reference platform. A malformed code, or one naming a country this marketplace
does not serve, is a 400 with a clear code."""

import re

from django.utils.translation import gettext as _

from remarket.core.errors import DomainError
from remarket.markets.models import Market
from remarket.markets.selectors import market_find

DEFAULT = "fr-fr"
# The contract's CountryCode list; a market whose own language tag is not here is reachable by that tag too.
LOCALES = {
    "fr-fr": "FR",
    "fr-be": "BE",
    "es-es": "ES",
    "de-de": "DE",
    "de-at": "AT",
    "it-it": "IT",
    "ja-jp": "JP",
    "en-au": "AU",
    "en-gb": "GB",
    "en-us": "US",
    "nl-nl": "NL",
    "pt-pt": "PT",
    "en-ie": "IE",
    "el-gr": "GR",
    "sk-sk": "SK",
    "sv-se": "SE",
}
_TAG = re.compile(r"^[a-z]{2}-[a-z]{2}$")


def locale_of(market: Market) -> str:
    """The country code a market is named by in the contract (`fr-fr`)."""
    for tag, code in LOCALES.items():
        if code == market.code:
            return tag
    return market.language.lower()


def market_for(request) -> Market:
    header = request.headers.get("Accept-Language", "").strip()
    tag = header.split(",")[0].split(";")[0].strip().lower().replace("_", "-") or DEFAULT
    if tag == "*":
        tag = DEFAULT
    if not _TAG.match(tag):
        raise DomainError(
            "WS_LOCALE_INVALID",
            _("Accept-Language %(tag)r is not a country code such as fr-fr or en-us.") % {"tag": header},
            {"field": "Accept-Language"},
        )
    code = LOCALES.get(tag, tag[3:].upper())
    market = market_find(code=code)
    if market is None or (tag not in LOCALES and tag != market.language.lower()):
        raise DomainError(
            "WS_MARKET_UNKNOWN",
            _("%(tag)s is not a market of this marketplace.") % {"tag": tag},
            {"field": "Accept-Language"},
        )
    return market
