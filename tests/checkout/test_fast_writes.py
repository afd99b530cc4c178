"""The purchase writes its rows through core/db.py's statements instead of the ORM's save(): what they write
must read back through the ORM exactly as the ORM would have written it (time zones, JSON, UUIDs, decimals,
defaults), on SQLite and PostgreSQL alike, and the caller's intent settled in place must not hide a change
someone else made first."""

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest

from remarket.checkout.models import StockHold
from remarket.checkout.services import Item, checkout_pay, checkout_settle, checkout_start
from remarket.core import clock
from remarket.core.db import insert_rows, insert_together, insert_with_children, update_rows, update_together
from remarket.events.models import OutboxEvent
from remarket.ledger.models import LedgerTransaction
from remarket.orders.models import Order, OrderHistory, OrderLine, SubOrder
from remarket.payments.gateway import GatewayResult
from remarket.payments.models import PaymentIntent, SandboxCharge

from ..conftest import ADDRESS_FR, PAY_OK

pytestmark = pytest.mark.django_db
AT = dt.datetime(2026, 11, 2, 23, 30, 15, 123456, tzinfo=dt.UTC)


def _start(marketplace, offer):
    return checkout_start(
        market=marketplace.fr,
        channel=marketplace.web_fr,
        items=[Item(offer.listing_id, 1)],
        email="buyer@example.com",
        shipping_address=ADDRESS_FR,
    )


def test_the_rows_of_a_purchase_read_back_as_written(marketplace, offer):
    with clock.frozen(AT):
        order = _start(marketplace, offer)
        checkout_pay(order=order, card_number=PAY_OK)
    stored = Order.objects.get(pk=order.pk)
    assert (stored.public_id, stored.created_at, stored.state) == (order.public_id, AT, 1)
    assert stored.shipping_address == order.shipping_address and stored.shipping_address["phone"] == "+33612345678"
    assert stored.modified_at == AT
    sub = SubOrder.objects.get(order=order)
    assert (sub.created_at, sub.state, sub.shipping_carrier) == (AT, 1, "Standard")
    line = OrderLine.objects.get(suborder=sub)
    assert (line.tax_rate, line.tax_scheme, line.state, line.imei) == (Decimal("0.2"), "vat", 1, "")
    hold = StockHold.objects.get(order=order)
    assert (hold.expires_at - AT, hold.released_at, hold.outcome) == (dt.timedelta(minutes=15), AT, "sold")
    intent = PaymentIntent.objects.get(order=order)
    assert (intent.status, intent.refunded_minor, intent.created_at, intent.updated_at) == ("captured", 0, AT, AT)
    charge = SandboxCharge.objects.get(intent_id=intent.pk)
    assert (charge.ref, charge.refund_keys, charge.created_at) == (intent.gateway_ref, [], AT)
    assert list(OrderHistory.objects.filter(order=order).values_list("at", "what")) == [
        (AT, "created, awaiting payment"),
        (AT, "paid"),
    ]
    events = OutboxEvent.objects.filter(payload__order_id=order.pk).order_by("id")
    assert [(e.topic, e.created_at, e.lease_owner, e.attempts, e.done_at) for e in events] == [
        ("order.created", AT, "", 0, None),
        ("order.paid", AT, "", 0, None),
    ]
    sale = LedgerTransaction.objects.get(order=order)
    assert (sale.at, sale.memo, sale.period) == (AT, "", None)
    assert set(sale.entries.values_list("at", flat=True)) == {AT}


def test_insert_rows_returns_the_keys_in_order_and_update_rows_counts(marketplace, offer):
    order = _start(marketplace, offer)
    ids = insert_rows(OrderHistory, [dict(order_id=order.pk, at=AT, what=f"note {n}") for n in range(3)])
    assert [OrderHistory.objects.get(pk=pk).what for pk in ids] == ["note 0", "note 1", "note 2"]
    assert update_rows(OrderHistory, where={"pk": ids[:2], "suborder_id": None}, values={"what": "seen"}) == 2
    assert update_rows(OrderHistory, where={"pk": ids[2], "what": "seen"}, values={"what": "never"}) == 0
    assert list(OrderHistory.objects.filter(pk__in=ids).order_by("id").values_list("what", flat=True)) == [
        "seen",
        "seen",
        "note 2",
    ]
    # an aware timestamp in another zone is the same instant once read back (PostgreSQL: sent as it is)
    paris = AT.astimezone(zoneinfo.ZoneInfo("Europe/Paris"))
    [pk] = insert_rows(OrderHistory, [dict(order_id=order.pk, at=paris, what="in Paris")])
    assert OrderHistory.objects.get(pk=pk).at == AT


def test_insert_together_returns_each_parts_keys_in_order_and_fails_as_one(marketplace, offer):
    from django.db import IntegrityError, connection, transaction
    from django.test.utils import CaptureQueriesContext

    order = _start(marketplace, offer)
    history = [dict(order_id=order.pk, at=AT, what=f"line {n}") for n in range(3)]
    events = [dict(topic=f"test.{n}", payload={"n": n}, created_at=AT, available_at=AT) for n in range(2)]
    with transaction.atomic(), CaptureQueriesContext(connection) as seen:
        history_ids, nothing, event_ids = insert_together(
            [(OrderHistory, history), (OrderLine, []), (OutboxEvent, events)]
        )
    assert len(seen) == (1 if connection.vendor == "postgresql" else 2)
    assert nothing == []
    assert [OrderHistory.objects.get(pk=pk).what for pk in history_ids] == ["line 0", "line 1", "line 2"]
    assert [OutboxEvent.objects.get(pk=pk).payload for pk in event_ids] == [{"n": 0}, {"n": 1}]
    before = (OrderHistory.objects.count(), OutboxEvent.objects.count())
    with pytest.raises(IntegrityError), transaction.atomic():  # the second part's row fails: neither is kept
        insert_together([(OutboxEvent, events[:1]), (OrderHistory, [dict(order_id=None, at=AT, what="x")])])
    assert (OrderHistory.objects.count(), OutboxEvent.objects.count()) == before


def test_update_together_counts_each_update(marketplace, offer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    order = _start(marketplace, offer)
    ids = insert_rows(OrderHistory, [dict(order_id=order.pk, at=AT, what=f"note {n}") for n in range(3)])
    with CaptureQueriesContext(connection) as seen:
        counts = update_together(
            [
                (OrderHistory, {"pk": ids[:2]}, {"what": "seen"}),
                (OrderHistory, {"pk": ids[2], "what": "not this"}, {"what": "never"}),
                (Order, {"pk": order.pk}, {"email": "changed@example.com"}),
            ]
        )
    assert counts == [2, 0, 1]
    assert len(seen) == (1 if connection.vendor == "postgresql" else 3)
    assert list(OrderHistory.objects.filter(pk__in=ids).order_by("id").values_list("what", flat=True)) == [
        "seen",
        "seen",
        "note 2",
    ]
    assert Order.objects.get(pk=order.pk).email == "changed@example.com"


def test_insert_with_children_writes_the_row_and_the_rows_that_refer_to_it(marketplace, offer):
    from django.db import IntegrityError, connection, transaction
    from django.test.utils import CaptureQueriesContext

    from remarket.ledger.models import LedgerEntry

    order = _start(marketplace, offer)
    entries = [
        dict(account="gateway_clearing", line="sale", at=AT, merchant_id=None, amount_minor=500, currency="EUR"),
        dict(
            account="merchant_payable",
            line="sale",
            at=AT,
            merchant_id=offer.listing.merchant_id,
            amount_minor=-500,
            currency="EUR",
        ),
    ]
    with transaction.atomic(), CaptureQueriesContext(connection) as seen:
        txn_id = insert_with_children(
            LedgerTransaction,
            dict(kind="sale", order_id=order.pk, at=AT, memo="test"),
            LedgerEntry,
            "transaction_id",
            entries,
        )
    assert len(seen) == (1 if connection.vendor == "postgresql" else 2)
    txn = LedgerTransaction.objects.get(pk=txn_id)
    assert (txn.kind, txn.order_id, txn.at, txn.memo, txn.period) == ("sale", order.pk, AT, "test", None)
    assert list(txn.entries.order_by("id").values_list("account", "merchant_id", "amount_minor", "currency", "at")) == [
        ("gateway_clearing", None, 500, "EUR", AT),
        ("merchant_payable", offer.listing.merchant_id, -500, "EUR", AT),
    ]
    count = LedgerTransaction.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():  # a child that cannot be written: nothing is
        insert_with_children(
            LedgerTransaction,
            dict(kind="sale", at=AT),
            LedgerEntry,
            "transaction_id",
            [dict(entries[0], currency=None)],
        )
    assert LedgerTransaction.objects.count() == count


def test_an_intent_settled_by_someone_else_first_is_answered_as_it_stands(marketplace, offer):
    order = _start(marketplace, offer)
    stale = order.payment  # the caller's copy, read before the webhook settled the payment
    checkout_settle(intent_id=stale.pk, result=GatewayResult("captured", "ch_first"))
    intent = checkout_settle(
        intent_id=stale.pk, result=GatewayResult("failed", "ch_late", "card_declined"), intent=stale
    )
    assert (intent.status, intent.gateway_ref, intent.order.state) == ("captured", "ch_first", 1)
    assert PaymentIntent.objects.get(pk=stale.pk).status == "captured"
    assert LedgerTransaction.objects.filter(order=order).count() == 1


def test_the_hot_cursor_is_kept_per_connection_and_shown_to_whoever_watches(marketplace, offer):
    from django.db import IntegrityError, connection, connections
    from django.test.utils import CaptureQueriesContext

    from remarket.core.db import fetch_rows, hot_cursor

    fetch_rows("SELECT 1")
    with hot_cursor() as first, hot_cursor() as second:
        assert first is second  # nothing watching: the backend's own cursor, kept on the connection
        assert first is connections["default"].__dict__["hot_cursor"]
    with CaptureQueriesContext(connection) as seen:
        assert fetch_rows("SELECT 2") == [(2,)]
    assert [q["sql"] for q in seen] == ["SELECT 2"]  # watched: through Django's cursor, counted
    with pytest.raises(IntegrityError):  # the driver's errors arrive as Django's
        insert_rows(OrderHistory, [dict(order_id=None, at=AT, what="of no order")])


def test_objects_read_with_fetch_objects_equal_the_orms(marketplace, offer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from remarket.core.db import fetch_objects
    from remarket.payments.models import PaymentIntent

    with clock.frozen(AT):
        order = _start(marketplace, offer)
    key = Order._meta.get_field("public_id").get_db_prep_value(order.public_id, connection)
    [read] = fetch_objects(
        Order,
        "t.public_id = %s",
        [key],
        joins="JOIN markets_market m ON m.id = t.market_id",
        extra={"market_code": "m.code"},
    )
    orm = Order.objects.get(pk=order.pk)  # timestamps, JSON and the UUID converted as the ORM converts them
    assert [getattr(read, f.attname) for f in Order._meta.concrete_fields] == [
        getattr(orm, f.attname) for f in Order._meta.concrete_fields
    ]
    assert read.created_at == AT and read.shipping_address["city"] == ADDRESS_FR["city"]
    assert read.market_code == "FR" and not read._state.adding
    assert fetch_objects(Order, "t.id = %s", [-1]) == []
    # a joined row built as the relation's instance, in the same statement
    with CaptureQueriesContext(connection) as seen:
        [read] = fetch_objects(
            Order,
            "t.id = %s",
            [order.pk],
            related={"payment": (PaymentIntent, "p")},
            joins="JOIN payments_paymentintent p ON p.order_id = t.id",
            extra={"one": "1"},
        )
        payment = read.payment
        assert payment.order is read  # both sides of the one-to-one cached
    assert len(seen) == 1
    orm = PaymentIntent.objects.get(order=order)
    assert [getattr(payment, f.attname) for f in PaymentIntent._meta.concrete_fields] == [
        getattr(orm, f.attname) for f in PaymentIntent._meta.concrete_fields
    ]
    assert read.one == 1 and read.public_id == order.public_id
