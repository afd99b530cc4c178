"""The marketplace's summarised history: sales facts generated month by month, calibrated to the reference figures.

Generated row by row: one `SaleFact` per order line (its order, customer, merchant, category, market, channel,
location and partner, local date and time, price in the market's currency and in EUR at the month's stored rate,
commission, avoided CO2e and e-waste by the impact method's category factors) and one negative `RefundFact` per
refunded line. Summarised: those orders, customers and refunds have no order, user, payment, ledger or invoice
rows — an order and a customer are ids in the facts (from 2^40 up, apart from real ones); the rollups are then
recomputed from the facts (`rollups_rebuild`).

Calibration (the reference story): gross GMV per year as `REFERENCE_GMV_EUR`, spread over the months by the
demo's seasonality; orders of 1 to 3 lines; a share of each month's orders from first-time customers
(`NEW_SHARE`); countries in the demo's shares (France 30 %, the US 20 %...) once launched; counter sales at the
New York store from October 2025 and at the partner corners from November 2025; 3 % of lines refunded. A month's
rows depend only on the seed, the month and the scale, so a chunk made again after a crash is the same chunk."""

import bisect
import datetime as dt
import math
import random
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from .history import COUNTER_SHARE, MARKET_SHARE, SEASON

FIRST_MONTH = dt.date(2014, 1, 1)
# gross GMV per calendar year, EUR: 2.1 bn in 2023, ≈ 3 bn in 2025 (+30 % on 2024, every quarter alike)
REFERENCE_GMV_EUR: dict[int, float] = {
    2014: 2e6,
    2015: 15e6,
    2016: 60e6,
    2017: 150e6,
    2018: 300e6,
    2019: 550e6,
    2020: 900e6,
    2021: 1.40e9,
    2022: 1.75e9,
    2023: 2.10e9,
    2024: 2.31e9,
    2025: 3.00e9,
    2026: 3.60e9,
}
# the share of a year's orders that are a customer's first: 2025's is 4.6 % above 2024's, so that new customers
# grow 36 % when GMV grows 30 %; the history then counts ≈ 17 M customers for ≈ 30 M lines
NEW_SHARE: dict[int, float] = {
    2014: 0.97,
    2015: 0.93,
    2016: 0.88,
    2017: 0.83,
    2018: 0.78,
    2019: 0.74,
    2020: 0.70,
    2021: 0.66,
    2022: 0.62,
    2023: 0.60,
    2024: 0.58,
    2025: 0.6067,
    2026: 0.61,
}
LAUNCHED = {"FR": 2014, "DE": 2017, "ES": 2017, "IT": 2017, "US": 2018, "GB": 2019}  # first year of sales
STORE_OPENS, CORNERS_OPEN = dt.date(2025, 10, 1), dt.date(2025, 11, 1)
# category slug → (share of lines, average unit price in EUR)
CATEGORY_MIX: dict[str, tuple[float, float]] = {
    "smartphones": (0.74, 455.0),
    "tablets": (0.08, 390.0),
    "laptops": (0.09, 820.0),
    "desktops": (0.01, 900.0),
    "consoles": (0.04, 310.0),
    "smartwatches": (0.03, 260.0),
    "audio": (0.01, 180.0),
}
PRICE_SIGMA = 0.35  # a unit's price is lognormal around its category's average
LINES_PER_ORDER = ((1, 2, 3), (0.935, 0.06, 0.005))
TWO_UNITS = 0.07  # a line of two units
REFUND_RATE = 0.03
COMMISSION_BP = 1000
ID_BASE = 1 << 40  # generated orders, customers and fact ids start here, far above the live ones
MONTH_IDS = 10_000_000  # fact ids per month: more than any month's lines at full scale


def month_add(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_index(month: dt.date) -> int:
    return (month.year - FIRST_MONTH.year) * 12 + month.month - 1


def _mean_line_eur(categories: list[str]) -> float:
    shares = [CATEGORY_MIX[c][0] for c in categories]
    mean_unit = sum(CATEGORY_MIX[c][0] * CATEGORY_MIX[c][1] for c in categories) / sum(shares)
    return mean_unit * math.exp(PRICE_SIGMA**2 / 2) * (1 + TWO_UNITS)


def reference_month_gmv(month: dt.date) -> float:
    """The reference's gross GMV for a month: its year's, spread by the seasonality."""
    year = REFERENCE_GMV_EUR.get(month.year, 0.0)
    return year * SEASON[month.month] / sum(SEASON.values())


@dataclass(frozen=True)
class MonthPlan:
    month: dt.date
    orders: int
    new_customers: int
    customers_before: int  # customers made by the months before (deterministic: the plan, not the draws)
    orders_before: int


def plan(*, fraction: float, categories: list[str], until: dt.date) -> list[MonthPlan]:
    """Orders and new customers per month from 2014 to `until` (exclusive), `fraction` of the reference."""
    mean_order = _mean_line_eur(categories) * sum(n * w for n, w in zip(*LINES_PER_ORDER))
    plans, customers, orders = [], 0, 0
    month = FIRST_MONTH
    while month < until:
        count = round(reference_month_gmv(month) * fraction / mean_order)
        new = min(count, round(count * NEW_SHARE.get(month.year, 0.6)))
        if customers == 0:
            new = count
        plans.append(MonthPlan(month, count, new, customers, orders))
        customers += new
        orders += count
        month = month_add(month, 1)
    return plans


@dataclass
class Context:
    """What the rows refer to, read once from the database by the loader."""

    markets: dict[str, tuple[str, str]]  # code → (currency, time zone)
    merchants: list[int]  # largest first: the first ones joined early, the last ones lately
    categories: dict[str, tuple[int, int, int, int, int]]  # slug → (id, co2e g, low g, high g, e-waste g) per unit
    store: int  # the New York store's location id
    corners: list[int]  # the partner corners, busiest first
    partner: int  # the corners' partner id
    rate: Callable[[str, dt.date], tuple[Decimal, bool]]  # EUR per unit of a currency in a month


SALE_COLUMNS = (
    "id",
    "order_id",
    "market_code",
    "channel_kind",
    "location_id",
    "partner_id",
    "category_id",
    "merchant_id",
    "customer_key",
    "new_customer",
    "sold_at",
    "sold_on",
    "month",
    "quantity",
    "gmv_minor",
    "currency",
    "gmv_eur_minor",
    "eur_rate",
    "eur_rate_provisional",
    "commission_eur_minor",
    "co2e_avoided_g",
    "co2e_low_g",
    "co2e_high_g",
    "ewaste_avoided_g",
)
REFUND_COLUMNS = (
    "id",
    "sale_id",
    "refunded_at",
    "quantity",
    "gmv_minor",
    "gmv_eur_minor",
    "commission_eur_minor",
    "co2e_avoided_g",
    "co2e_low_g",
    "co2e_high_g",
    "ewaste_avoided_g",
)


class MonthRows:
    """The rows of one month of the plan."""

    def __init__(self, *, context: Context, seed: int):
        self.c, self.seed = context, seed
        self.zones = {code: ZoneInfo(tz) for code, (_, tz) in context.markets.items()}
        slugs = [s for s in CATEGORY_MIX if s in context.categories]
        self.slugs = slugs
        self.slug_cum = list(_cumulative([CATEGORY_MIX[s][0] for s in slugs]))
        n = len(context.merchants)
        self.merchant_cum = list(_cumulative([1 / (rank + 5) for rank in range(n)]))
        corner_weights = [1 / (rank + 10) ** 0.8 for rank in range(len(context.corners))]
        self.corner_cum = list(_cumulative(corner_weights))

    def _merchants_active(self, month: dt.date) -> int:
        """Merchants joined by `month`: the largest from the start, all 1,800 (or however many) by 2024."""
        n = len(self.c.merchants)
        progress = min(1.0, max(0.0, month_index(month) / (12 * 10)))
        return max(1, min(n, round(n * (0.02 + 0.98 * progress**1.5))))

    def rows(self, p: MonthPlan) -> tuple[list[tuple], list[tuple]]:
        """The month's facts and refunds as rows of `SALE_COLUMNS` and `REFUND_COLUMNS`. Written for speed (tens of
        millions of rows): draws by inverse tables and bisection, each day's local midnight converted once."""
        c, month = self.c, p.month
        rng = random.Random(f"{self.seed}:{month:%Y-%m}")
        codes = [code for code in MARKET_SHARE if code in c.markets and LAUNCHED.get(code, 9999) <= month.year]
        if not codes or not p.orders:
            return [], []
        code_weights = [MARKET_SHARE[code] for code in codes]
        days = (month_add(month, 1) - month).days
        active = self._merchants_active(month)
        merchant_cum, merchant_total = self.merchant_cum, self.merchant_cum[active - 1]
        markets = {}
        for code in codes:
            currency, _ = c.markets[code]
            rate, provisional = c.rate(currency, month)
            zone = self.zones[code]
            midnights = [
                dt.datetime(month.year, month.month, d + 1, tzinfo=zone).astimezone(dt.UTC) for d in range(days)
            ]
            dates = [month.replace(day=d + 1) for d in range(days)]
            markets[code] = (currency, rate, float(rate), provisional, midnights, dates, COUNTER_SHARE.get(code, 0))
        store_open, corners_open = month >= STORE_OPENS and c.store, month >= CORNERS_OPEN and c.corners
        new_order = set(rng.sample(range(p.orders), p.new_customers)) if p.new_customers < p.orders else None
        fact_id = ID_BASE + month_index(month) * MONTH_IDS
        sales: list[tuple] = []
        refunds: list[tuple] = []
        next_new = ID_BASE + p.customers_before
        random_, bisect_left = rng.random, bisect.bisect_left
        slug_cum, slug_total = self.slug_cum, self.slug_cum[-1]
        corner_cum, corner_total = self.corner_cum, self.corner_cum[-1] if self.corner_cum else 0.0
        categories = [(slug, *c.categories[slug], CATEGORY_MIX[slug][1] * 100) for slug in self.slugs]
        order_codes = rng.choices(codes, weights=code_weights, k=p.orders)
        append, refund = sales.append, refunds.append
        before = p.customers_before
        for i in range(p.orders):
            code = order_codes[i]
            currency, rate, rate_f, provisional, midnights, dates, share = markets[code]
            kind, location, partner = "web", None, None
            if share and random_() < share:
                if code == "US" and store_open:
                    kind, location = "store", c.store
                elif code == "FR" and corners_open:
                    at = bisect_left(corner_cum, random_() * corner_total)
                    kind, location, partner = "partner", c.corners[at], c.partner
            if new_order is None or i in new_order:
                is_new, customer, next_new = True, next_new, next_new + 1
            else:
                is_new, customer = False, ID_BASE + int(random_() * before)
            day = int(random_() * days)
            sold_at = midnights[day] + _MINUTES[int(random_() * _TABLE)]
            sold_on = dates[day]
            order_id = ID_BASE + p.orders_before + i
            u = random_()
            count = 1 if u < LINE_ONE else 2 if u < LINE_TWO else 3
            for _ in range(count):
                _slug, category, co2e, low, high, ewaste, mean_minor = categories[
                    bisect_left(slug_cum, random_() * slug_total)
                ]
                quantity = 2 if random_() < TWO_UNITS else 1
                local_minor = max(100, round(mean_minor * _PRICE[int(random_() * _TABLE)] / rate_f)) * quantity
                eur_minor = round(local_minor * rate_f)
                commission = eur_minor * COMMISSION_BP // 10_000
                merchant = c.merchants[bisect_left(merchant_cum, random_() * merchant_total)]
                append(
                    (
                        fact_id,
                        order_id,
                        code,
                        kind,
                        location,
                        partner,
                        category,
                        merchant,
                        customer,
                        is_new,
                        sold_at,
                        sold_on,
                        month,
                        quantity,
                        local_minor,
                        currency,
                        eur_minor,
                        rate,
                        provisional,
                        commission,
                        co2e * quantity,
                        low * quantity,
                        high * quantity,
                        ewaste * quantity,
                    )
                )
                if random_() < REFUND_RATE:
                    refund(
                        (
                            fact_id,
                            fact_id,
                            sold_at + _REFUND_DELAYS[int(random_() * 28)],
                            -quantity,
                            -local_minor,
                            -eur_minor,
                            -commission,
                            -co2e * quantity,
                            -low * quantity,
                            -high * quantity,
                            -ewaste * quantity,
                        )
                    )
                fact_id += 1
        return sales, refunds


def _triangular(u: float, low: float, high: float, mode: float) -> float:
    c = (mode - low) / (high - low)
    if u < c:
        return low + math.sqrt(u * (high - low) * (mode - low))
    return high - math.sqrt((1 - u) * (high - low) * (high - mode))


def _cumulative(weights: list[float]):
    total = 0.0
    for w in weights:
        total += w
        yield total


# inverse tables, drawn by index: a time of day busier in the afternoon and evening (a triangular law peaking at
# 19:00), a unit's price around its category's average (lognormal), a refund's delay (3 to 30 days)
_TABLE = 4096
_MINUTES = [
    dt.timedelta(minutes=min(24 * 60 - 1, int(_triangular((k + 0.5) / _TABLE, 0, 24 * 60, 19 * 60))))
    for k in range(_TABLE)
]
_PRICE = [math.exp(PRICE_SIGMA * statistics.NormalDist().inv_cdf((k + 0.5) / _TABLE)) for k in range(_TABLE)]
_REFUND_DELAYS = [dt.timedelta(days=3 + d) for d in range(28)]
LINE_ONE = LINES_PER_ORDER[1][0]
LINE_TWO = LINE_ONE + LINES_PER_ORDER[1][1]
