"""Monthly FX rates: loaded from the Federal Reserve series, keyed by currency, converted via USD."""

import csv
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from remarket.core.errors import DomainError

from .models import FxRate

# Series name in the source → the currency it quotes. The franc, mark and lira series end in 2001;
# the euro is the "Euro" series.
SERIES_CURRENCY = {
    "Euro": "EUR",
    "United Kingdom": "GBP",
    "Japan": "JPY",
    "Switzerland": "CHF",
    "Canada": "CAD",
    "Australia": "AUD",
    "Sweden": "SEK",
    "Denmark": "DKK",
    "Norway": "NOK",
    "China": "CNY",
    "Hong Kong": "HKD",
    "India": "INR",
    "South Korea": "KRW",
    "Mexico": "MXN",
    "Brazil": "BRL",
    "New Zealand": "NZD",
    "Singapore": "SGD",
    "South Africa": "ZAR",
    "Taiwan": "TWD",
    "Thailand": "THB",
    "Malaysia": "MYR",
    "Sri Lanka": "LKR",
}
# A sanity band per currency: a rate outside it means the series is inverted or corrupt.
PLAUSIBLE = {
    "EUR": (Decimal("0.5"), Decimal("1.5")),
    "GBP": (Decimal("0.4"), Decimal("1.2")),
    "JPY": (Decimal("70"), Decimal("400")),
    "CHF": (Decimal("0.5"), Decimal("5")),
}


@dataclass(frozen=True)
class Rate:
    currency: str
    month: dt.date
    per_usd: Decimal
    provisional: bool  # the month is past the data: the latest known rate stands in


def fx_load(*, path: Path, since: dt.date = dt.date(1999, 1, 1)) -> int:
    """Replace the stored rates with the file's. Refuses the whole file on any bad row."""
    rows: list[FxRate] = []
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames != ["Date", "Country", "Exchange rate"]:
            raise DomainError(
                "FX_FILE_INVALID", f"Expected columns Date,Country,Exchange rate; got {reader.fieldnames}."
            )
        for line_no, row in enumerate(reader, start=2):
            currency = SERIES_CURRENCY.get(row["Country"])
            if currency is None:
                continue
            try:
                month = dt.date.fromisoformat(row["Date"])
                rate = Decimal(row["Exchange rate"])
            except (ValueError, InvalidOperation):
                raise DomainError("FX_ROW_INVALID", f"Line {line_no}: cannot read {row!r}.") from None
            if month < since:
                continue
            if month.day != 1 or rate <= 0:
                raise DomainError("FX_ROW_INVALID", f"Line {line_no}: a rate is positive and dated the 1st.")
            low, high = PLAUSIBLE.get(currency, (Decimal(0), Decimal(10**9)))
            if not low <= rate <= high:
                raise DomainError(
                    "FX_RATE_IMPLAUSIBLE",
                    f"Line {line_no}: {currency} {rate} per USD is outside {low}–{high}; is the series inverted?",
                )
            rows.append(FxRate(currency=currency, month=month, per_usd=rate))
    with transaction.atomic():
        FxRate.objects.all().delete()
        FxRate.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def fx_rate(*, currency: str, on: dt.date) -> Rate:
    """The rate for `on`'s month; past the last month of data, the latest rate, flagged provisional."""
    month = on.replace(day=1)
    if currency == "USD":
        return Rate("USD", month, Decimal(1), False)
    found = FxRate.objects.filter(currency=currency, month__lte=month).order_by("-month").first()
    if found is None:
        raise DomainError("FX_RATE_MISSING", f"No {currency} rate on or before {month:%Y-%m}; run `remarket fx-load`.")
    return Rate(currency, month, found.per_usd, found.month < month)


def to_eur_rate(*, currency: str, on: dt.date) -> tuple[Decimal, bool]:
    """Units of EUR per one unit of `currency` for the month, and whether it is provisional."""
    if currency == "EUR":
        return Decimal(1), False
    eur, src = fx_rate(currency="EUR", on=on), fx_rate(currency=currency, on=on)
    return (eur.per_usd / src.per_usd).quantize(Decimal("0.00000001")), eur.provisional or src.provisional
