"""Pure arithmetic of demo prices and popularity: no database, so it is fast to test.

A refurbished device is priced from its maker's launch price, the share of value a device keeps at its age,
its storage, its grade, then the market's price level in the market's currency."""

import math

from remarket.catalog.grades import Grade
from remarket.core.money import exponent

from .catalog_data import ModelSpec

GRADE_FACTOR = {Grade.PREMIUM: 1.10, Grade.EXCELLENT: 1.0, Grade.VERY_GOOD: 0.93, Grade.GOOD: 0.86, Grade.FAIR: 0.78}
# How often merchants list, and customers buy, each grade.
GRADE_WEIGHT = {Grade.PREMIUM: 0.07, Grade.EXCELLENT: 0.25, Grade.VERY_GOOD: 0.26, Grade.GOOD: 0.28, Grade.FAIR: 0.14}
# A French euro price (VAT included) expressed at each market's price level, in the market's currency:
# the US shows prices before sales tax; GB converts to pounds.
MARKET_LEVEL = {"FR": 1.0, "DE": 0.98, "ES": 0.97, "IT": 0.99, "GB": 0.87, "US": 0.95}
# (value kept after the first year, yearly decay after that, floor) per category
DEPRECIATION = {
    "smartphones": (0.72, 0.83, 0.12),
    "tablets": (0.74, 0.85, 0.15),
    "laptops": (0.75, 0.85, 0.15),
    "desktops": (0.75, 0.86, 0.15),
    "consoles": (0.80, 0.88, 0.25),
    "smartwatches": (0.65, 0.80, 0.12),
    "audio": (0.60, 0.82, 0.15),
}
# Share of sales per category, shared among its models.
CATEGORY_WEIGHT = {
    "smartphones": 0.70,
    "tablets": 0.08,
    "laptops": 0.09,
    "desktops": 0.01,
    "consoles": 0.06,
    "smartwatches": 0.03,
    "audio": 0.03,
}
STORAGE_STEP = 1.12  # each doubling of storage adds about 12 % to the price


def value_kept(spec: ModelSpec, year: int) -> float:
    """Share of the launch price a refurbished unit of `spec` is worth in `year`."""
    first, decay, floor = DEPRECIATION[spec.category]
    age = max(0, year - spec.year)
    return max(floor, first * decay ** max(0, age - 1)) if age else first * 1.08


def base_price_eur(spec: ModelSpec, storage_gb: int | None, grade: str, year: int) -> float:
    """The reference refurbished price in France, in euros, VAT included."""
    storage = 1.0
    if storage_gb and spec.base_storage:
        storage = STORAGE_STEP ** math.log2(storage_gb / spec.base_storage)
    return spec.launch_eur * value_kept(spec, year) * storage * GRADE_FACTOR[grade]


def market_price_minor(eur: float, market_code: str, currency: str) -> int:
    """A shelf price in the market's currency: whole units ending in 9, and .99 in dollars."""
    value = eur * MARKET_LEVEL[market_code]
    whole = max(9, int(round(value / 10)) * 10 - 1) if value >= 15 else max(5, int(round(value)))
    minor = whole * 10 ** exponent(currency)
    return minor - 1 if currency == "USD" else minor


def price_band(price_minor: int, currency: str) -> tuple[int, int]:
    """A merchant's (min, max) price around its price: the repricer may go 15 % lower, 25 % higher,
    in whole units."""
    unit = 10 ** exponent(currency)
    low = max(unit, (price_minor * 85 // 100) // unit * unit)
    high = -(-(price_minor * 125 // 100) // unit) * unit
    return min(low, price_minor), max(high, price_minor)


def model_weight(spec: ModelSpec, year: int, models_in_category: int) -> float:
    """How much a model sells: its category's share, Apple's lead, and a peak for 2 to 3 year-old devices."""
    age = max(0, year - spec.year)
    brand = 1.8 if spec.brand == "Apple" else 1.0
    recency = 1 / (1 + 0.45 * abs(age - 2.5))
    return CATEGORY_WEIGHT[spec.category] / models_in_category * brand * recency


def storage_weight(rank: int) -> float:
    """The base storage sells most; each size up sells less."""
    return 1 / (1 + 0.7 * rank)
