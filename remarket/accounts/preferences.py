"""The language and time zone a person works in on the pages without a country in their address (the merchant
back office, the till, the partner's and the operator's pages).

Their own choice first (`User.language`, `User.time_zone`, set on `/account/preferences/`); else their home
market's — a merchant's country, a clerk's store, a partner's network — as the storefront speaks its market's
language; else the platform's defaults (`LANGUAGE_CODE`, `TIME_ZONE`). A language is only ever one the site ships
(`LANGUAGES`), so a German merchant reads German as soon as the German catalogue is shipped."""

import zoneinfo
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from remarket.core.errors import DomainError, NotFound
from remarket.markets.models import Channel, Location, Market
from remarket.markets.selectors import market_get
from remarket.merchants.models import Merchant

from .models import Role, User


@dataclass(frozen=True)
class WorkLocale:
    language: str  # a code of settings.LANGUAGES: "fr"
    locale: str  # babel's locale for money and numbers: the language in the market's country, "fr_FR", "en_FR"
    zone: zoneinfo.ZoneInfo

    @property
    def zone_name(self) -> str:
        return self.zone.key


def shipped_languages() -> list[tuple[str, str]]:
    """(code, name) of every language the site ships, names in the page's language."""
    return [(code, _(str(name))) for code, name in settings.LANGUAGES]


def _shipped(code: str) -> str | None:
    base = code.split("-")[0].lower()
    return base if base in {c for c, _name in settings.LANGUAGES} else None


@lru_cache(maxsize=1)
def time_zones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def home_market(user: User) -> Market | None:
    """The market a staff member works from: their merchant's country, their store's, their partner's network's."""
    code: str | None = None  # one query at most: the home market's code only
    if user.role == Role.MERCHANT and user.merchant_id:
        code = Merchant.objects.values_list("country", flat=True).filter(pk=user.merchant_id).first()
    elif user.role == Role.CLERK and user.location_id:
        code = Location.objects.values_list("channel__market__code", flat=True).filter(pk=user.location_id).first()
    elif user.role == Role.PARTNER and user.partner_id:
        code = (
            Channel.objects.filter(partner_id=user.partner_id)
            .order_by("pk")
            .values_list("market__code", flat=True)
            .first()
        )
    if not code:
        return None
    try:
        return market_get(code=str(code))
    except NotFound:
        return None  # a merchant from a country the marketplace does not sell in


@lru_cache(maxsize=256)
def _babel_knows(name: str) -> bool:
    try:
        Locale.parse(name)
    except (UnknownLocaleError, ValueError):
        return False
    return True


def _money_locale(language: str, market: Market | None) -> str:
    """The page's language written the market's way ("en_FR": 1 234,50 €), when babel knows that pair."""
    if market is None:
        return language
    name = f"{language}_{market.code}"
    return name if _babel_knows(name) else language


def work_locale(user: User) -> WorkLocale:
    """The one rule for the back offices' language, number format and time zone (module docstring)."""
    market = home_market(user)
    language = (
        _shipped(user.language or "")
        or (_shipped(market.language) if market else None)
        or _shipped(settings.LANGUAGE_CODE)
        or "en"
    )
    locale = _money_locale(language, market)
    if user.time_zone:
        zone = zoneinfo.ZoneInfo(user.time_zone)
    elif market is not None:
        zone = market.zone
    else:
        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return WorkLocale(language=language, locale=locale, zone=zone)


@transaction.atomic
def user_preferences_set(*, user_id: int, language: str | None = None, time_zone: str | None = None) -> User:
    """A person's own language and time zone for the back offices; empty text goes back to their market's.
    None leaves a setting as it is."""
    user = User.objects.select_for_update().get(pk=user_id)
    fields = []
    if language is not None:
        if language and _shipped(language) != language:
            raise DomainError("ACCOUNT_LANGUAGE_INVALID", _("Choose one of the languages offered."))
        user.language = language
        fields.append("language")
    if time_zone is not None:
        if time_zone and time_zone not in time_zones():
            raise DomainError(
                "ACCOUNT_TIME_ZONE_INVALID",
                _("Choose a time zone from the list (such as Europe/Paris or America/New_York)."),
            )
        user.time_zone = time_zone
        fields.append("time_zone")
    if fields:
        user.save(update_fields=fields)
    return user
