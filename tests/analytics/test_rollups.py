"""The rollups kept by the event handlers equal a full recomputation from the facts (`rollups_rebuild`), whatever
the history: sales and refunds in any order (a refund that comes before its sale is delivered again after it, as
the outbox does), events delivered twice, sales of past months arriving late."""

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from remarket.analytics.models import GmvRollup, GmvSlice, GmvYearSlice, RefundFact, SaleFact
from remarket.analytics.services import customer_key, refund_record, rollups_rebuild, sale_record
from remarket.core.errors import DomainError
from remarket.orders.models import OrderLine

from .conftest import paid_order

pytestmark = pytest.mark.django_db
START = dt.datetime(2025, 1, 3, 12, 0, tzinfo=dt.UTC)

ORDER = st.fixed_dictionaries(
    {
        "day": st.integers(0, 640),
        "hour": st.integers(0, 23),
        "us": st.booleans(),
        "counter": st.booleans(),
        "customer": st.sampled_from([0, 1, None]),
        "guest": st.sampled_from(["", "ana@example.com", "Ana@Example.com ", "bo@example.com"]),
        "lines": st.lists(
            st.tuples(st.integers(0, 3), st.integers(1, 2)), min_size=1, max_size=3, unique_by=lambda t: t[0]
        ),
        "refund": st.lists(st.booleans(), min_size=3, max_size=3),
    }
)
HISTORY = st.lists(ORDER, min_size=1, max_size=7)


def _rows(model):
    fields = [f.name for f in model._meta.concrete_fields if f.name != "id"]
    return sorted(tuple(r) for r in model.objects.values_list(*fields))


def _deliver(queue):
    """Events in the order given; a refund refused because its sale is not recorded yet goes to the back."""
    attempts = 0
    while queue:
        attempts += 1
        assert attempts < 500
        kind, arg = queue.pop(0)
        if kind == "paid":
            sale_record(order_id=arg[0], sold_at=arg[1])
        else:
            try:
                refund_record(order_line_ids=arg, refunded_at=START + dt.timedelta(days=700))
            except DomainError as err:
                assert err.code == "ANALYTICS_SALE_NOT_RECORDED"
                queue.append((kind, arg))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=HISTORY, order_seed=st.randoms(use_true_random=False), twice=st.lists(st.integers(0, 20), max_size=4))
def test_rollups_equal_a_full_recomputation_for_any_history(shop, history, order_seed, twice):
    with transaction.atomic():
        events, paid = [], []
        for plan in history:
            at = START + dt.timedelta(days=plan["day"], hours=plan["hour"])
            order = paid_order(
                shop,
                at=at,
                lines=plan["lines"],
                us=plan["us"],
                counter=plan["counter"],
                customer=plan["customer"],
                email=plan["guest"],
            )
            paid.append((order, at))
            events.append(("paid", (order.pk, at)))
            line_ids = list(OrderLine.objects.filter(suborder__order=order).order_by("pk").values_list("pk", flat=True))
            refunded = [pk for pk, r in zip(line_ids, plan["refund"]) if r]
            if refunded:
                events.append(("refund", refunded))
        order_seed.shuffle(events)  # late events: a sale of an older month after newer ones, a refund first
        events += [events[i % len(events)] for i in twice]  # redelivered events
        _deliver(events)

        kept = (_rows(GmvRollup), _rows(GmvSlice), _rows(GmvYearSlice))
        assert SaleFact.objects.count() == sum(len(p["lines"]) for p in history)
        assert RefundFact.objects.count() == sum(sum(r for r, _ in zip(p["refund"], p["lines"])) for p in history)
        rollups_rebuild()
        assert (_rows(GmvRollup), _rows(GmvSlice), _rows(GmvYearSlice)) == kept

        # new customers: each customer's earliest paid order, and only it
        first: dict[int, tuple] = {}
        for order, at in paid:
            key = customer_key(customer_id=order.customer_id, email=order.email)
            if key is not None and (key not in first or (at, order.pk) < first[key]):
                first[key] = (at, order.pk)
        new_orders = set(SaleFact.objects.filter(new_customer=True).values_list("order_id", flat=True))
        assert new_orders == {pk for _, pk in first.values()}
        assert sum(r.new_customers for r in GmvRollup.objects.all()) == len(first)
        net = sum(f.gmv_eur_minor for f in SaleFact.objects.all()) + sum(
            r.gmv_eur_minor for r in RefundFact.objects.all()
        )
        assert sum(r.gmv_eur_minor for r in GmvRollup.objects.all()) == net
        assert sum(r.gmv_eur_minor for r in GmvSlice.objects.all()) == net
        assert sum(r.gmv_eur_minor for r in GmvYearSlice.objects.all()) == net
        transaction.set_rollback(True)


def test_a_refund_before_its_sale_is_refused_and_changes_nothing(shop):
    order = paid_order(shop, at=START, lines=[(0, 1)])
    line = OrderLine.objects.get(suborder__order=order)
    with pytest.raises(DomainError) as err:
        refund_record(order_line_ids=[line.pk], refunded_at=START)
    assert (err.value.code, err.value.details) == ("ANALYTICS_SALE_NOT_RECORDED", {"order_line_ids": [line.pk]})
    assert not RefundFact.objects.exists() and not GmvRollup.objects.exists()


def test_a_fact_has_every_dimension(shop):
    order = paid_order(shop, at=dt.datetime(2025, 3, 31, 23, 30, tzinfo=dt.UTC), lines=[(1, 2)], counter=True)
    (fact,) = sale_record(order_id=order.pk, sold_at=dt.datetime(2025, 3, 31, 23, 30, tzinfo=dt.UTC))
    listing = shop.listings[1]
    assert (fact.sold_on, fact.month) == (dt.date(2025, 4, 1), dt.date(2025, 4, 1))  # Paris is an hour ahead
    assert (fact.market_code, fact.channel_kind, fact.location_id, fact.partner_id) == (
        "FR",
        "partner",
        shop.corner.pk,
        shop.partner.pk,
    )
    assert (fact.category_id, fact.merchant_id, fact.customer_key, fact.new_customer) == (
        listing.variant.model.category_id,
        listing.merchant_id,
        shop.customers[0].pk,
        True,
    )
    assert (fact.gmv_minor, fact.gmv_eur_minor, fact.commission_eur_minor, fact.order_id) == (
        60000,
        60000,
        6000,
        order.pk,
    )
    second = paid_order(shop, at=dt.datetime(2025, 5, 1, tzinfo=dt.UTC), lines=[(0, 1)], us=True)
    (usd,) = sale_record(order_id=second.pk, sold_at=dt.datetime(2025, 5, 1, tzinfo=dt.UTC))
    assert (usd.currency, usd.gmv_minor, usd.gmv_eur_minor, usd.new_customer) == ("USD", 30000, 27000, False)
    assert sale_record(order_id=second.pk, sold_at=dt.datetime(2025, 5, 1, tzinfo=dt.UTC)) == []  # delivered twice
