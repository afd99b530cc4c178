"""What a product page tells a buyer about an offer beyond its price, computed once for the page and the API:

- the battery: at least BATTERY_MIN_PCT % of its original capacity for every grade, or the value the merchant
  measured (`Listing.battery_health_pct`);
- the price against new: the model's price new in the market's currency (`ProductModel.new_prices`, catalog
  data), the saving and its share;
- the delivery estimate: the offer's fastest shipping delay in business days of the market's country after
  today (aftersales/calc.py `delivered_on`, the same rule returns and claims count from; 3 days when the offer
  names none);
- the promises: the listing's warranty in months and the free 30-day return (aftersales/calc.py RETURN_DAYS)."""

import datetime as dt
from dataclasses import dataclass

from remarket.aftersales.calc import RETURN_DAYS, delivered_on
from remarket.catalog.grades import BATTERY_MIN_PCT

DEFAULT_DELAY_DAYS = 3


@dataclass(frozen=True)
class OfferFacts:
    battery_pct: int
    battery_measured: bool
    new_price_minor: int | None
    saving_minor: int | None
    saving_pct: int | None
    delivery_on: dt.date
    delivery_business_days: int
    warranty_months: int
    return_days: int


def offer_facts(
    *,
    price_minor: int,
    currency: str,
    new_prices: dict,
    battery_health_pct: int | None,
    delay_days: int | None,
    warranty_months: int,
    today: dt.date,
    country: str,
) -> OfferFacts:
    new = new_prices.get(currency)
    new = new if isinstance(new, int) and new > 0 else None
    saving = new - price_minor if new is not None and new > price_minor else None
    delay = DEFAULT_DELAY_DAYS if delay_days is None else delay_days
    return OfferFacts(
        battery_pct=battery_health_pct or BATTERY_MIN_PCT,
        battery_measured=battery_health_pct is not None,
        new_price_minor=new,
        saving_minor=saving,
        saving_pct=round(100 * saving / new) if saving is not None and new else None,
        delivery_on=delivered_on(shipped_on=today, delay_days=delay, country=country),
        delivery_business_days=delay,
        warranty_months=warranty_months,
        return_days=RETURN_DAYS,
    )
