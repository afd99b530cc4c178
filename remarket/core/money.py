"""Money is an integer of minor units beside an ISO 4217 code, with the currency's own exponent."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from babel.numbers import format_currency, format_decimal, format_percent, get_currency_precision
from django.utils.translation import get_language, to_locale

from .errors import DomainError


@lru_cache(maxsize=256)
def exponent(currency: str) -> int:
    """ISO 4217 minor-unit exponent: EUR 2, JPY 0, KWD 3."""
    return get_currency_precision(currency.upper())


def to_minor(amount: Decimal | str | int, currency: str) -> int:
    """A decimal amount in major units to minor units, rounding half-up. Refuses negatives and junk."""
    try:
        value = Decimal(str(amount).strip().replace(",", "."))
    except Exception:
        raise DomainError("MONEY_INVALID", f"{amount!r} is not an amount of money.") from None
    if not value.is_finite():
        raise DomainError("MONEY_INVALID", f"{amount!r} is not an amount of money.")
    if value < 0:
        raise DomainError("MONEY_NEGATIVE", "An amount cannot be negative.")
    try:
        minor = int((value * (10 ** exponent(currency))).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    except InvalidOperation:
        raise DomainError("MONEY_INVALID", f"{amount!r} is not an amount of money.") from None
    if minor > 10**15:
        raise DomainError("MONEY_TOO_LARGE", "This amount is too large.")
    return minor


def to_major(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-exponent(currency))


def share(minor: int, basis_points: int) -> int:
    """`basis_points`/10,000 of an amount, half-up (a 10 % commission is 1,000 bp)."""
    return int((Decimal(minor) * basis_points / 10_000).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def bp_percent(basis_points: int, locale: str = "en") -> str:
    """Basis points as a percentage with two decimals in a locale's way ("12.50 %", "12,50 %"): exact (an
    integer over 10,000, never a float), and independent of any currency's exponent (a rate of two amounts in
    one currency has none)."""
    return format_decimal(Decimal(basis_points) / 100, format="#,##0.00", locale=locale) + "\u00a0%"


def rate_percent(rate: Decimal | str | int, locale: str = "en") -> str:
    """A tax rate stored as a fraction, as a percentage in a locale's way, with as many decimals as it has and no
    more: 0.2 → "20%", 0.08875 → "8,875 %" in French. Exact: the rate goes to babel as a Decimal, never a float."""
    return format_percent(
        Decimal(str(rate)).normalize(), locale=str(locale).replace("-", "_"), decimal_quantization=False
    )


def convert(minor: int, from_currency: str, to_currency: str, rate: Decimal) -> int:
    """Minor units of one currency to another, `rate` being units of `to` per unit of `from`."""
    major = to_major(minor, from_currency) * rate
    return int((major.scaleb(exponent(to_currency))).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def fmt(minor: int, currency: str, locale: str | None = None) -> str:
    """An amount for people, in a locale's way ("1 234,50 €"): `locale` as babel or BCP 47 spells it (`fr_FR`,
    `fr-FR`), or by default the active language's (a mail written under `translation.override` formats its amounts
    in that language, not in English)."""
    if locale is None:
        locale = to_locale(get_language() or "en")
    return _fmt(minor, currency, locale.replace("-", "_"))


@lru_cache(maxsize=16384)
def _fmt(minor: int, currency: str, locale: str) -> str:
    """Pure, and costly in babel (≈ 70 µs), so the amounts a page shows again and again are formatted once per
    process."""
    return format_currency(to_major(minor, currency), currency, locale=locale)
