"""The product page's grade summaries (offers/summaries.py) are what the offers say: after any sequence of writes —
listings_apply (new offers, prices, quantities, publication, shipping, grade), stock reserved and released,
a merchant's quality changing its offers' scores, a merchant's status through its event — the stored summaries
equal a recomputation from the offers. Runs on SQLite and on PostgreSQL (DATABASE_URL)."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from remarket.merchants.models import Merchant
from remarket.offers.best import scores_refresh
from remarket.offers.models import Listing, ListingMarket
from remarket.offers.selectors import product_page
from remarket.offers.services import ListingRow, ShippingRow, listings_apply
from remarket.offers.stock import Units, stock_release, stock_reserve
from remarket.offers.summaries import summaries_computed, summaries_follow_merchant, summaries_stored

from ..factories import MerchantFactory, VariantFactory

pytestmark = pytest.mark.django_db

SKUS = [f"S{i}" for i in range(6)]
GRADES = ["EXCELLENT", "GOOD", "FAIR"]

apply_op = st.tuples(
    st.just("apply"),
    st.integers(0, 2),  # merchant
    st.sampled_from(SKUS),
    st.integers(0, 1),  # variant
    st.sampled_from(GRADES),
    st.sampled_from(["FR", "US"]),
    st.integers(50, 400),  # price
    st.integers(0, 3),  # quantity
    st.booleans(),  # published
    st.one_of(st.none(), st.integers(0, 20)),  # shipping price, None: no option
)
stock_op = st.tuples(st.sampled_from(["reserve", "release"]), st.sampled_from(SKUS), st.integers(1, 2))
quality_op = st.tuples(st.just("quality"), st.integers(0, 2), st.integers(40, 100))
status_op = st.tuples(st.just("status"), st.integers(0, 2), st.sampled_from(["active", "suspended", "warned"]))
operations = st.lists(st.one_of(apply_op, apply_op, stock_op, quality_op, status_op), min_size=1, max_size=25)


@pytest.fixture
def world(marketplace):
    return [VariantFactory(), VariantFactory()], [MerchantFactory() for _ in range(3)]


def _run(op, variants, merchants) -> None:
    kind = op[0]
    if kind == "apply":
        _, m, sku, v, grade, market, price, qty, published, ship = op
        merchant = merchants[m]
        if not merchant.can_sell:
            return
        exists = Listing.objects.filter(merchant=merchant, sku=sku).exists()
        row = ListingRow(
            sku=sku,
            market=market,
            price=str(price),
            quantity=qty,
            published=published,
            shipping=None if ship is None else [ShippingRow(carrier="post", price=str(ship), delay_days=2)],
            **({} if exists else {"variant_id": variants[v].pk, "grade": grade}),
        )
        listings_apply(merchant=merchant, rows=[row])
    elif kind in ("reserve", "release"):
        _, sku, n = op
        listing = Listing.objects.filter(sku=sku).order_by("pk").first()
        if listing is None:
            return
        if kind == "reserve":
            if listing.quantity >= n:
                stock_reserve([Units(listing.pk, n)])
        else:
            stock_release([Units(listing.pk, n)])
    elif kind == "quality":
        _, m, quality = op
        Merchant.objects.filter(pk=merchants[m].pk).update(quality_score=quality)
        scores_refresh(
            term_ids=list(ListingMarket.objects.filter(listing__merchant=merchants[m]).values_list("pk", flat=True))
        )
    else:
        _, m, status = op
        Merchant.objects.filter(pk=merchants[m].pk).update(status=status)
        merchants[m].refresh_from_db()
        summaries_follow_merchant({"merchant_id": merchants[m].pk})  # the handler of merchant.status_changed


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_summaries_equal_a_recomputation_from_the_offers_after_any_writes(world, ops):
    variants, merchants = world
    with transaction.atomic():
        for op in ops:
            _run(op, variants, merchants)
            assert summaries_stored(variant_ids=None) == summaries_computed(variant_ids=None), op
        transaction.set_rollback(True)  # each example starts from the same world
    for merchant in merchants:
        merchant.refresh_from_db()


def test_the_page_reads_the_summaries_and_falls_back_to_the_offers_when_a_winner_cannot_sell(marketplace):
    variant = VariantFactory()
    cheap, dear = MerchantFactory(), MerchantFactory()
    for merchant, sku, price in ((cheap, "CHEAP", "100"), (dear, "DEAR", "200")):
        listings_apply(
            merchant=merchant,
            rows=[ListingRow(sku=sku, market="FR", price=price, quantity=2, variant_id=variant.pk, grade="GOOD")],
        )
    [good] = [g for g in product_page(slug=variant.model.slug, market=marketplace.fr).grades if g.grade == "GOOD"]
    assert (good.best.sku, good.others) == ("CHEAP", 1)
    # suspended without its event having run yet: the summary still names it, the page reads the offers instead
    Merchant.objects.filter(pk=cheap.pk).update(status="suspended")
    from django.core.cache import cache

    cache.clear()
    page = product_page(slug=variant.model.slug, market=marketplace.fr)
    [good] = [g for g in page.grades if g.grade == "GOOD"]
    assert (good.best.sku, good.others, page.variant.offer_count) == ("DEAR", 0, 1)
