import datetime as dt

import pytest

from remarket.aftersales.jobs import merchant_quality_refresh
from remarket.checkout.services import Item, checkout_pay, checkout_start
from remarket.core import clock
from remarket.core.errors import DomainError
from remarket.merchants.models import Merchant, MerchantMetrics
from remarket.merchants.quality import Rates, quality_score, sanction_for, status_after
from remarket.merchants.services import merchant_status_set
from remarket.offers.models import ListingMarket
from remarket.offers.services import ListingRow, listings_apply

from ..conftest import ADDRESS_FR, PAY_OK


@pytest.mark.parametrize(
    "cancel, late, orders, status",
    [
        (0, 0, 100, "active"),
        (299, 999, 100, "active"),
        (300, 0, 100, "warned"),
        (600, 0, 100, "limited"),
        (1000, 0, 100, "suspended"),
        (0, 2000, 100, "limited"),
        (0, 3000, 100, "suspended"),
        (5000, 5000, 19, "active"),  # too few orders to judge
    ],
)
def test_sanctions_follow_the_documented_thresholds(cancel, late, orders, status):
    assert sanction_for(Rates(orders, cancel, late)) == status


def test_score_and_escalation_rules():
    assert quality_score(Rates(50, 0, 0)) == 100
    assert quality_score(Rates(50, 500, 1000)) == 60  # 100 − 4×5 − 2×10
    assert quality_score(Rates(50, None, None)) == 100
    assert status_after("limited", "active") == "limited"  # lifting a limit is the operator's call
    assert status_after("warned", "active") == "active"
    assert status_after("active", "suspended") == "suspended"
    assert status_after("applied", "suspended") == "applied"


@pytest.mark.django_db
def test_a_merchant_that_ships_late_is_sanctioned_and_its_offers_lose_the_best_offer(marketplace, offer):
    merchant = offer.listing.merchant
    listings_apply(merchant=merchant, rows=[ListingRow(sku=offer.listing.sku, market="FR", quantity=40)])
    start = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)
    with clock.frozen(start):
        for _ in range(25):
            order = checkout_start(
                market=marketplace.fr,
                channel=marketplace.web_fr,
                items=[Item(offer.listing_id)],
                email="a@b.fr",
                shipping_address=ADDRESS_FR,
            )
            checkout_pay(order=order, card_number=PAY_OK)
        clock.advance(dt.timedelta(days=10))  # nothing shipped for ten days
        score_before = ListingMarket.objects.get(pk=offer.pk).score
        assert merchant_quality_refresh(merchant=merchant) is True
    merchant.refresh_from_db()
    metrics = MerchantMetrics.objects.get()
    assert (metrics.orders, metrics.late_shipment_rate_bp, metrics.cancellation_rate_bp) == (25, 10000, 0)
    assert (merchant.quality_score, merchant.status) == (0, "suspended")
    assert ListingMarket.objects.get(pk=offer.pk).score < score_before
    with pytest.raises(DomainError) as err:
        listings_apply(merchant=merchant, rows=[ListingRow(sku=offer.listing.sku, market="FR", quantity=1)])
    assert err.value.code == "MERCHANT_CANNOT_PUBLISH"


@pytest.mark.django_db
def test_operator_status_changes_follow_the_lifecycle(marketplace):
    from ..factories import MerchantFactory

    merchant = MerchantFactory(status="applied")
    assert merchant_status_set(merchant_id=merchant.pk, status="in_review").status == "in_review"
    assert merchant_status_set(merchant_id=merchant.pk, status="active").status == "active"
    with pytest.raises(DomainError) as err:
        merchant_status_set(merchant_id=merchant.pk, status="applied")
    assert err.value.code == "MERCHANT_STATUS_REFUSED"
    assert Merchant.objects.get(pk=merchant.pk).status == "active"
