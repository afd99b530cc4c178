"""/ws/orders, /ws/orderlines and /ws/shipping/v1/deliveries: a merchant reads its sub-orders as the contract's
`Order` and moves them along through the order services. Every response is checked against the contract by the
package's autouse fixture."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.test.utils import CaptureQueriesContext

from remarket.checkout.services import Item, checkout_pay, checkout_start
from remarket.core import clock
from remarket.core.models import IdempotencyKey
from remarket.events.models import OutboxEvent
from remarket.offers.models import ShippingOption
from remarket.orders.models import OrderLine, Shipment, SubOrder

from ..conftest import ADDRESS_FR, PAY_DECLINED, PAY_OK
from ..factories import ListingFactory, ListingMarketFactory
from .conftest import basic

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)
IMEI, OTHER_IMEI = "490154203237518", "356938035643809"
ADDRESS_US = {
    "first_name": "Walt",
    "last_name": "Whitman",
    "street": "328 Mickle St",
    "postal_code": "10012",
    "city": "New York",
    "state": "NY",
    "country": "US",
    "phone": "(212) 736-5000",
}


@pytest.fixture
def buy(marketplace):
    """`buy(listing, ...)`: a customer checks out those listings (one unit each unless `(listing, n)`) and pays."""

    def buy(*items, pay: str | None = PAY_OK, market: str = "fr", at: dt.datetime = NOW) -> SubOrder:
        wanted = [item if isinstance(item, tuple) else (item, 1) for item in items]
        market_, channel = (
            (marketplace.fr, marketplace.web_fr) if market == "fr" else (marketplace.us, marketplace.web_us)
        )
        with clock.frozen(at):
            order = checkout_start(
                market=market_,
                channel=channel,
                items=[Item(l.pk, n) for l, n in wanted],
                email="buyer@example.com",
                shipping_address=ADDRESS_FR if market == "fr" else ADDRESS_US,
            )
            if pay:
                checkout_pay(order=order, card_number=pay)
        return order.suborders.get()

    return buy


@pytest.fixture
def sold(seller, listing, buy) -> SubOrder:
    """A paid one-unit order of the seller's listing (499.00 + 4.90 Colissimo, 2 days)."""
    ShippingOption.objects.create(terms=listing.terms.get(), carrier="Colissimo", price_minor=490, delay_days=2)
    return buy(listing)


def state_of(sub: SubOrder):
    sub.refresh_from_db()
    return sub.state, sorted(sub.lines.values_list("state", flat=True))


def snapshot():
    return (
        sorted(SubOrder.objects.values_list("pk", "state", "modified_at")),
        sorted(OrderLine.objects.values_list("pk", "state", "imei", "serial_number")),
        sorted(Shipment.objects.values_list("pk", "tracking_number")),
    )


def code(response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def form(seller, url: str, text: str, method: str = "post", **headers):
    return getattr(seller.client, method)(
        url, text, content_type="application/x-www-form-urlencoded", **seller.headers(**headers)
    )


def patch(seller, url: str, body: dict):
    return seller.client.patch(url, json.dumps(body), content_type="application/json", **seller.headers())


# ---- reading ----------------------------------------------------------------------------------------------------


def test_an_order_in_the_contracts_fields(seller, listing, sold):
    line = sold.lines.get()
    body = seller.get(f"/ws/orders/{sold.pk}").json()
    variant = listing.variant
    address = {
        "company": "",
        "street": "6 place des Vosges",
        "street2": "",
        "city": "Paris",
        "state": "",
        "country": "FR",
        "firstName": "Victor",
        "lastName": "Hugo",
        "postalCode": "75004",
        "phoneNumber": "+33612345678",
        "first_name": "Victor",
        "last_name": "Hugo",
        "postal_code": "75004",
        "phone": "+33612345678",
        "email": "buyer@example.com",
    }
    assert body == {
        "order_id": sold.pk,
        "merchant_id": seller.merchant.pk,
        "state": 1,
        "date_creation": "2026-11-02T10:00:00Z",
        "date_modification": "2026-11-02T10:00:00Z",
        "date_payment": "2026-11-02T10:00:00Z",
        "expected_dispatch_date": "2026-11-05T10:00:00Z",
        "shipping_address": address,
        "billing_address": address,
        "tracking_number": "",
        "tracking_url": "",
        "shipper": "Colissimo",
        "shipper_display": "Colissimo",
        "is_backship": False,
        "price": "499.00",
        "shipping_price": "4.90",
        "sales_taxes": "0.00",
        "currency": "EUR",
        "country_code": "fr-fr",
        "paypal_reference": None,
        "installment_payment": False,
        "payment_method": "CARD",
        "orderlines": [
            {
                "id": line.pk,
                "date_creation": "2026-11-02T10:00:00Z",
                "state": 1,
                "price": "499.00",
                "shipping_price": "4.90",
                "shipping_delay": 48,
                "currency": "EUR",
                "return_message": "",
                "listing": listing.sku,
                "listing_id": listing.pk,
                "orderline_fee": "49.90",
                "sales_taxes": "0.00",
                "product": line.title,
                "quantity": 1,
                "brand": "Apple",
                "product_id": variant.pk,
                "backcare": False,
                "backcare_price": 0,
                "imei": "",
                "serial_number": "",
                "condition": 10,
            }
        ],
    }


def test_prices_add_up_and_conditions_follow_the_grade(seller, listing, buy):
    fair = ListingMarketFactory(
        market=listing.terms.get().market,
        price_minor=19999,
        min_price_minor=None,
        listing=ListingFactory(merchant=seller.merchant, grade="FAIR"),
    ).listing
    body = seller.get(f"/ws/orders/{buy((listing, 2), fair).pk}").json()
    assert (body["price"], body["shipping_price"]) == ("1197.99", "0.00")
    assert [
        (l["listing"], l["quantity"], l["price"], l["shipping_price"], l["condition"], l["shipping_delay"])
        for l in body["orderlines"]
    ] == [(listing.sku, 2, "499.00", "0.00", 10, 72), (fair.sku, 1, "199.99", "0.00", 12, 72)]


def test_the_list_hides_new_and_unpaid_orders_unless_asked(seller, listing, buy):
    paid, pending, unpaid, new = buy(listing), buy(listing, pay=None), buy(listing, pay=PAY_DECLINED), buy(listing)
    SubOrder.objects.filter(pk=new.pk).update(state=0)  # a state no flow of ours produces (identity checks)

    def ids(**query):
        return [r["order_id"] for r in seller.get("/ws/orders", query).json()["results"]]

    assert (state_of(pending)[0], state_of(unpaid)[0]) == (10, 8)
    assert sorted(ids()) == sorted([paid.pk, pending.pk])
    assert ids(state=8) == [unpaid.pk] and ids(state=0) == [new.pk] and ids(state=10) == [pending.pk]
    assert ids(state=1) == [paid.pk] and ids(state=9) == []


def test_filters_by_date_of_creation_and_modification_and_country(seller, listing, buy, marketplace):
    ListingMarketFactory(market=marketplace.us, listing=listing, price_minor=54900, min_price_minor=None)
    early = buy(listing, at=NOW - dt.timedelta(days=3))
    late = buy(listing, at=NOW)
    american = buy(listing, market="us", at=NOW - dt.timedelta(days=1))
    with clock.frozen(NOW + dt.timedelta(hours=1)):
        seller.post(f"/ws/orders/{early.pk}", {"new_state": 2})

    def ids(**query):
        response = seller.get("/ws/orders", query)
        assert response.status_code == 200, response.content
        return sorted(r["order_id"] for r in response.json()["results"])

    assert ids(date_creation="2026-11-01T00:00:00Z") == [late.pk, american.pk]
    assert ids(date_creation="2026-11-02T10:00:00Z") == [late.pk]  # at or after
    assert ids(date_creation="2026-11-02T11:00:00+02:00") == [late.pk]
    assert ids(date_creation="2026-11-02") == [late.pk]
    assert seller.get("/ws/orders?date_creation=2026-11-02T10:00:00+01:00").json()["count"] == 1  # "+" unescaped
    assert ids(date_modification="2026-11-02T10:30:00Z") == [early.pk]
    assert ids(country_code="en-us") == [american.pk]
    assert ids(country_code="fr-fr") == sorted([early.pk, late.pk])
    polled = seller.get(f"/ws/orders/{early.pk}").json()["date_modification"]
    assert ids(date_modification=polled) == [early.pk]  # a date read back from an order is a valid filter


@pytest.mark.parametrize(
    "query, field",
    [
        ({"state": 2}, "state"),
        ({"state": "paid"}, "state"),
        ({"state": "²"}, "state"),
        ({"date_creation": "yesterday"}, "date_creation"),
        ({"date_modification": "2026-13-01"}, "date_modification"),
        ({"country_code": "fr"}, "country_code"),
        ({"page": 0}, "page"),
    ],
)
def test_a_bad_filter_is_a_400_naming_it(seller, sold, query, field):
    response = seller.get("/ws/orders", query)
    assert code(response) == (400, "WS_FILTER_INVALID" if field != "page" else "WS_PAGE_INVALID")
    assert response.json()["error"]["target"] == field


def test_pages_with_absolute_links_and_both_size_spellings(seller, listing, buy):
    listing.quantity = 20
    listing.save()
    subs = [buy(listing, at=NOW + dt.timedelta(minutes=i)) for i in range(5)]
    first = seller.get("/ws/orders", {"page-size": 2}).json()
    assert (first["count"], [r["order_id"] for r in first["results"]]) == (5, [subs[4].pk, subs[3].pk])
    assert first["previous"] is None
    assert first["next"] == "http://testserver/ws/orders?page-size=2&page=2"
    last = seller.get("/ws/orders", {"page_size": 2, "page": 3, "state": 1}).json()
    assert [r["order_id"] for r in last["results"]] == [subs[0].pk] and last["next"] is None
    assert last["previous"] == "http://testserver/ws/orders?page_size=2&page=2&state=1"
    assert seller.get("/ws/orders", {"page": 9}).json()["results"] == []


def test_the_list_costs_the_same_few_queries_for_1_or_25_orders(seller, listing, buy):
    listing.quantity = 60
    listing.save()
    other = ListingMarketFactory(
        market=listing.terms.get().market, listing=ListingFactory(merchant=seller.merchant, quantity=60)
    ).listing

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = seller.get("/ws/orders", {"page-size": 50})
        assert response.status_code == 200
        return len(queries), response.json()["count"]

    buy(listing)
    one, _ = count_queries()
    for i in range(12):
        sub = buy(listing, other)
        seller.post(f"/ws/orders/{sub.pk}", {"new_state": 2})
        if i % 2:
            seller.post(f"/ws/orders/{sub.pk}", {"new_state": 3, "tracking_number": f"T{i}"})
    assert count_queries() == (one, 13)
    assert one <= 5  # token, count, page (payment date and shipment joined in), lines (+ savepoints)


def test_an_unknown_order_is_404_and_a_malformed_id_400(seller, sold):
    assert code(seller.get("/ws/orders/999999")) == (404, "ORDER_NOT_FOUND")
    assert code(seller.get("/ws/orders/12abc")) == (400, "WS_ORDER_ID_INVALID")
    assert code(seller.post("/ws/orders/999999", {"new_state": 2})) == (404, "ORDER_NOT_FOUND")
    assert code(seller.post("/ws/orders/-1", {"new_state": 2})) == (400, "WS_ORDER_ID_INVALID")


def test_without_a_token_the_orders_answer_their_documented_403(client, sold):
    for response in (
        client.get("/ws/orders"),
        client.get(f"/ws/orders/{sold.pk}"),
        client.post(f"/ws/orders/{sold.pk}", {"new_state": 2}),
        client.patch(f"/ws/orderlines/{sold.lines.get().pk}", {"imei": IMEI}, content_type="application/json"),
    ):
        assert code(response) == (403, "WS_AUTH_REQUIRED")
    assert state_of(sold) == (1, [1])


def test_accept_language_does_not_filter_or_refuse_orders(seller, sold):
    assert seller.get("/ws/orders", HTTP_ACCEPT_LANGUAGE="en-us").json()["count"] == 1
    assert seller.get("/ws/orders", HTTP_ACCEPT_LANGUAGE="xx").json()["count"] == 1


# ---- tenancy ------------------------------------------------------------------------------------------------------


def test_another_merchant_sees_nothing_and_changes_nothing(seller, rival, sold):
    seller.post(f"/ws/orders/{sold.pk}", {"new_state": 2})
    seller.post(f"/ws/orders/{sold.pk}", {"new_state": 3, "tracking_number": "6A1"})
    line, shipment = sold.lines.get(), Shipment.objects.get()
    before = snapshot()
    assert rival.get("/ws/orders").json()["count"] == 0
    assert rival.get("/ws/shipping/v1/deliveries").json()["count"] == 0
    assert code(rival.get(f"/ws/orders/{sold.pk}")) == (404, "ORDER_NOT_FOUND")
    for body in ({"new_state": 6}, {"new_state": 3, "tracking_number": "X"}):
        assert code(rival.post(f"/ws/orders/{sold.pk}", body)) == (404, "ORDER_NOT_FOUND")
    assert code(rival.post(f"/ws/orders/{sold.pk}", {"new_state": 6}, HTTP_IDEMPOTENCY_KEY="k")) == (
        404,
        "ORDER_NOT_FOUND",
    )
    assert code(patch(rival, f"/ws/orderlines/{line.pk}", {"imei": IMEI})) == (404, "ORDER_LINE_NOT_FOUND")
    assert code(rival.get(f"/ws/shipping/v1/deliveries/{shipment.pk}")) == (404, "DELIVERY_NOT_FOUND")
    assert snapshot() == before and not IdempotencyKey.objects.exists()


def test_a_customer_order_split_between_merchants_is_one_order_each(seller, rival, listing, buy, marketplace):
    theirs = ListingMarketFactory(market=marketplace.fr, listing=ListingFactory(merchant=rival.merchant)).listing
    with clock.frozen(NOW):
        order = checkout_start(
            market=marketplace.fr,
            channel=marketplace.web_fr,
            items=[Item(listing.pk), Item(theirs.pk, 2)],
            email="buyer@example.com",
            shipping_address=ADDRESS_FR,
        )
        checkout_pay(order=order, card_number=PAY_OK)
    mine, its = order.suborders.get(merchant=seller.merchant), order.suborders.get(merchant=rival.merchant)
    assert [
        (o["order_id"], o["price"], [l["listing"] for l in o["orderlines"]])
        for o in seller.get("/ws/orders").json()["results"]
    ] == [(mine.pk, "499.00", [listing.sku])]
    assert [(o["order_id"], o["price"]) for o in rival.get("/ws/orders").json()["results"]] == [(its.pk, "998.00")]
    assert seller.post(f"/ws/orders/{mine.pk}", {"new_state": 2}).json()["state"] == 3
    assert code(seller.post(f"/ws/orders/{its.pk}", {"new_state": 2})) == (404, "ORDER_NOT_FOUND")
    assert (state_of(mine), state_of(its)) == ((3, [2]), (1, [1]))


def test_other_methods_are_405_with_allow(seller, sold, ws_responses_follow_the_contract):
    ws_responses_follow_the_contract.skip = True  # these operations document no error body to hold a 405
    for method, url, allow in (
        ("patch", f"/ws/orders/{sold.pk}", "GET, POST"),
        ("post", f"/ws/orderlines/{sold.lines.get().pk}", "PATCH"),
        ("post", "/ws/shipping/v1/deliveries", "GET"),
    ):
        response = getattr(seller.client, method)(url, "{}", content_type="application/json", **seller.headers())
        assert (code(response), response["Allow"]) == ((405, "WS_METHOD_NOT_ALLOWED"), allow)
    assert state_of(sold) == (1, [1])


# ---- moving an order along ----------------------------------------------------------------------------------------


def test_accept_then_ship_with_tracking(seller, sold):
    with clock.frozen(NOW + dt.timedelta(hours=2)):
        accepted = seller.post(
            f"/ws/orders/{sold.pk}", {"order_id": sold.pk, "new_state": 2, "sku": sold.lines.get().sku}
        )
    assert accepted.status_code == 200
    assert (accepted.json()["state"], accepted.json()["orderlines"][0]["state"]) == (3, 2)
    assert accepted.json()["date_modification"] == "2026-11-02T12:00:00Z"
    with clock.frozen(NOW + dt.timedelta(days=1)):
        body = seller.post(
            f"/ws/orders/{sold.pk}",
            {
                "new_state": 3,
                "tracking_number": "6A123456789",
                "shipper": "La Poste",
                "tracking_url": "https://www.laposte.fr/outils/suivre-vos-envois?code=6A123456789",
                "date_shipping": "2026-11-03T09:00:00Z",
            },
        ).json()
    assert (body["state"], body["orderlines"][0]["state"]) == (9, 3)
    assert (body["tracking_number"], body["shipper"], body["shipper_display"], body["date_shipping"]) == (
        "6A123456789",
        "La Poste",
        "La Poste",
        "2026-11-03T10:00:00Z",
    )
    assert body["tracking_url"] == "https://www.laposte.fr/outils/suivre-vos-envois?code=6A123456789"
    assert "expected_dispatch_date" not in body
    assert state_of(sold) == (9, [3])


def test_form_encoded_bodies_accept_and_ship(seller, sold):
    url = f"/ws/orders/{sold.pk}"
    assert form(seller, url, f"order_id={sold.pk}&new_state=2").json()["state"] == 3
    multipart = seller.client.post(url, {"new_state": "3", "tracking_number": "6A1"}, **seller.headers())
    assert (multipart.status_code, multipart.json()["state"], multipart.json()["shipper"]) == (200, 9, "Colissimo")


def test_cancel_paid_lines_then_refund_accepted_or_shipped_ones(seller, listing, buy):
    other = ListingMarketFactory(
        market=listing.terms.get().market, listing=ListingFactory(merchant=seller.merchant)
    ).listing
    cancelled = buy(listing)
    assert seller.post(f"/ws/orders/{cancelled.pk}", {"new_state": 4}).json()["state"] == 9
    assert state_of(cancelled) == (9, [4])

    partly = buy(listing, other)
    body = seller.post(f"/ws/orders/{partly.pk}", {"new_state": 4, "sku": other.sku.lower()}).json()
    assert sorted((l["listing"], l["state"]) for l in body["orderlines"]) == sorted([(listing.sku, 1), (other.sku, 4)])
    assert seller.post(f"/ws/orders/{partly.pk}", {"new_state": 2, "sku": listing.sku}).json()["state"] == 3
    assert seller.post(f"/ws/orders/{partly.pk}", {"new_state": 5}).json()["state"] == 9
    assert state_of(partly) == (9, [4, 5])

    after = buy(listing)
    seller.post(f"/ws/orders/{after.pk}", {"new_state": 2})
    seller.post(f"/ws/orders/{after.pk}", {"new_state": 3, "tracking_number": "6A2"})
    assert (
        seller.post(
            f"/ws/orders/{after.pk}", {"new_state": 6, "return_reason": 1, "return_message": "Withdrawn"}
        ).json()["state"]
        == 9
    )
    assert state_of(after) == (9, [6])


def test_accepting_one_sku_of_several_waiting_is_refused_with_the_way_out(seller, listing, buy):
    other = ListingMarketFactory(
        market=listing.terms.get().market, listing=ListingFactory(merchant=seller.merchant)
    ).listing
    sub = buy(listing, other)
    response = seller.post(f"/ws/orders/{sub.pk}", {"new_state": 2, "sku": listing.sku})
    assert code(response) == (400, "ORDER_ACCEPT_PARTIAL_UNSUPPORTED")
    assert response.json()["error"]["data"]["waiting_skus"] == [other.sku]
    assert state_of(sub) == (1, [1, 1])
    assert seller.post(f"/ws/orders/{sub.pk}", {"new_state": 2}).json()["state"] == 3  # both at once
    assert state_of(sub) == (3, [2, 2])


@pytest.mark.parametrize(
    "steps, body, expected",
    [
        ([], {"new_state": 3, "tracking_number": "6A1"}, "ORDER_LINE_TRANSITION_REFUSED"),  # not accepted yet
        ([{"new_state": 2}], {"new_state": 2}, "ORDER_LINE_TRANSITION_REFUSED"),  # accepted twice
        ([{"new_state": 2}], {"new_state": 4}, "ORDER_LINE_TRANSITION_REFUSED"),  # 2 → 4
        ([], {"new_state": 5}, "ORDER_LINE_TRANSITION_REFUSED"),  # 1 → 5
        ([{"new_state": 2}], {"new_state": 6}, "ORDER_LINE_TRANSITION_REFUSED"),  # 2 → 6
        (
            [{"new_state": 2}, {"new_state": 3, "tracking_number": "6A1"}],
            {"new_state": 3, "tracking_number": "6A2"},
            "ORDER_ALREADY_SHIPPED",
        ),
        (
            [{"new_state": 2}, {"new_state": 3, "tracking_number": "6A1"}],
            {"new_state": 5},
            "ORDER_LINE_TRANSITION_REFUSED",
        ),  # 3 → 5
        ([{"new_state": 2}], {"new_state": 3}, "ORDER_TRACKING_REQUIRED"),
        ([{"new_state": 2}], {"new_state": 3, "tracking_number": "  "}, "ORDER_TRACKING_REQUIRED"),
        ([{"new_state": 2}], {"new_state": 3, "tracking_number": "X" * 201}, "WS_FIELD_INVALID"),
        (
            [{"new_state": 2}],
            {"new_state": 3, "tracking_number": "6A1", "tracking_url": "not a url"},
            "ORDER_TRACKING_URL_INVALID",
        ),
        ([{"new_state": 2}], {"new_state": 3, "tracking_number": "6A1", "shipper": "S" * 201}, "WS_FIELD_INVALID"),
        (
            [{"new_state": 2}],
            {"new_state": 3, "tracking_number": "6A1", "imei": "490154203237519"},
            "ORDER_IMEI_INVALID",
        ),
        ([], {"new_state": 1}, "ORDER_STATE_NOT_SETTABLE"),
        ([], {"new_state": 7}, "ORDER_STATE_NOT_SETTABLE"),
        ([], {"new_state": 12}, "ORDER_STATE_INVALID"),
        ([], {"new_state": "accepted"}, "ORDER_STATE_INVALID"),
        ([], {"new_state": True}, "ORDER_STATE_INVALID"),
        ([], {"new_state": 2.5}, "ORDER_STATE_INVALID"),
        ([], {"new_state": "²"}, "ORDER_STATE_INVALID"),
        ([], {"new_state": " 2 ", "order_id": "x"}, "WS_FIELD_INVALID"),
        ([], {}, "ORDER_STATE_REQUIRED"),
        ([], {"new_state": 2, "order_id": 99999999}, "ORDER_ID_MISMATCH"),
        ([], {"new_state": 2, "sku": {"a": 1}}, "WS_FIELD_INVALID"),
    ],
)
def test_a_refused_move_is_a_400_with_our_code_and_changes_nothing(seller, sold, steps, body, expected):
    for step in steps:
        assert seller.post(f"/ws/orders/{sold.pk}", step).status_code == 200
    before = snapshot()
    assert code(seller.post(f"/ws/orders/{sold.pk}", body)) == (400, expected)
    assert snapshot() == before


def test_a_sku_not_in_the_order_is_404(seller, sold):
    assert code(seller.post(f"/ws/orders/{sold.pk}", {"new_state": 2, "sku": "NOPE"})) == (404, "ORDER_LINE_NOT_FOUND")
    assert state_of(sold) == (1, [1])


def test_a_body_that_is_not_json_or_a_form_is_400(seller, sold):
    response = seller.client.post(
        f"/ws/orders/{sold.pk}", "new_state: 2", content_type="application/json", **seller.headers()
    )
    assert code(response) == (400, "WS_BODY_INVALID")
    assert code(
        seller.client.post(f"/ws/orders/{sold.pk}", "[2]", content_type="application/json", **seller.headers())
    ) == (400, "WS_BODY_INVALID")


def test_the_imei_of_a_one_unit_order_is_recorded_when_shipping(seller, sold, listing, buy):
    seller.post(f"/ws/orders/{sold.pk}", {"new_state": 2})
    body = seller.post(
        f"/ws/orders/{sold.pk}",
        {"new_state": 3, "tracking_number": "6A1", "imei": "4901 5420 3237 518", "serial_number": "SN-1"},
    ).json()
    assert (body["orderlines"][0]["imei"], body["orderlines"][0]["serial_number"]) == (IMEI, "SN-1")
    two = buy((listing, 2))
    seller.post(f"/ws/orders/{two.pk}", {"new_state": 2})
    response = seller.post(f"/ws/orders/{two.pk}", {"new_state": 3, "tracking_number": "6A2", "imei": IMEI})
    assert code(response) == (400, "ORDER_SERIAL_AMBIGUOUS")
    assert state_of(two) == (3, [2])


def test_shipping_with_the_imei_already_recorded_by_patch(seller, sold):
    line = sold.lines.get()
    patch(seller, f"/ws/orderlines/{line.pk}", {"imei": IMEI})
    seller.post(f"/ws/orders/{sold.pk}", {"new_state": 2})
    again = seller.post(f"/ws/orders/{sold.pk}", {"new_state": 3, "tracking_number": "6A1", "imei": OTHER_IMEI})
    assert code(again) == (400, "ORDER_SERIAL_ALREADY_SET")
    same = seller.post(f"/ws/orders/{sold.pk}", {"new_state": 3, "tracking_number": "6A1", "imei": IMEI})
    assert (same.status_code, same.json()["state"], same.json()["orderlines"][0]["imei"]) == (200, 9, IMEI)


# ---- Idempotency-Key ------------------------------------------------------------------------------------------------


def test_a_replayed_key_returns_the_first_answer_and_changes_once(seller, sold):
    url = f"/ws/orders/{sold.pk}"
    seller.post(url, {"new_state": 2})
    ship = {"new_state": 3, "tracking_number": "6A1", "shipper": "UPS"}
    first = seller.post(url, ship, HTTP_IDEMPOTENCY_KEY="ship-1")
    history = sold.order.history.count()
    with clock.frozen(NOW + dt.timedelta(days=2)):
        again = seller.post(url, ship, HTTP_IDEMPOTENCY_KEY="ship-1")
        as_form = form(seller, url, "new_state=3&tracking_number=6A1&shipper=UPS", HTTP_IDEMPOTENCY_KEY="ship-1")
    assert first.status_code == again.status_code == as_form.status_code == 200
    assert again.json() == as_form.json() == first.json()
    assert (again["Idempotent-Replayed"], "Idempotent-Replayed" in first) == ("true", False)
    assert Shipment.objects.count() == 1 and sold.order.history.count() == history
    assert OutboxEvent.objects.filter(topic="suborder.shipped").count() == 1
    without_key = seller.post(url, ship)
    assert code(without_key) == (400, "ORDER_ALREADY_SHIPPED")


def test_a_key_reused_with_another_body_is_422(seller, sold, contract, ws_responses_follow_the_contract):
    url = f"/ws/orders/{sold.pk}"
    assert seller.post(url, {"new_state": 2}, HTTP_IDEMPOTENCY_KEY="k-1").status_code == 200
    before = snapshot()
    ws_responses_follow_the_contract.skip = True  # the contract has no Idempotency-Key, hence no 422 here
    response = seller.post(url, {"new_state": 4}, HTTP_IDEMPOTENCY_KEY="k-1")
    ws_responses_follow_the_contract.skip = False
    assert code(response) == (422, "IDEMPOTENCY_KEY_REUSED")
    v1 = contract._resolve(contract.spec["components"]["schemas"]["ErrorResponseV1"])
    contract._validate_schema(response.json(), v1, "application/json", response, "422")  # still the V1 shape
    assert snapshot() == before


def test_a_refused_request_leaves_its_key_free(seller, sold):
    url = f"/ws/orders/{sold.pk}"
    assert code(seller.post(url, {"new_state": 3, "tracking_number": "6A1"}, HTTP_IDEMPOTENCY_KEY="k")) == (
        400,
        "ORDER_LINE_TRANSITION_REFUSED",
    )
    assert not IdempotencyKey.objects.exists()


# ---- PATCH /ws/orderlines/{id} ---------------------------------------------------------------------------------------


def test_identifiers_are_recorded_once(seller, sold):
    line = sold.lines.get()
    url = f"/ws/orderlines/{line.pk}"
    first = patch(seller, url, {"imei": IMEI})
    assert (first.status_code, first.json()) == (200, {"imei": IMEI, "serial_number": ""})
    assert patch(seller, url, {"imei": IMEI, "serial_number": "SN-ABC123XYZ"}).json() == {
        "imei": IMEI,
        "serial_number": "SN-ABC123XYZ",
    }
    modified = SubOrder.objects.get(pk=sold.pk).modified_at
    with clock.frozen(NOW + dt.timedelta(days=400)):
        again = patch(seller, url, {"imei": "4901-5420-3237-518", "serial_number": "SN-ABC123XYZ"})
    assert (again.status_code, again.json()["imei"]) == (200, IMEI)  # the same values again: nothing changes
    assert SubOrder.objects.get(pk=sold.pk).modified_at == modified
    before = snapshot()
    assert code(patch(seller, url, {"imei": OTHER_IMEI})) == (422, "ORDER_SERIAL_ALREADY_SET")
    assert code(patch(seller, url, {"serial_number": "SN-OTHER"})) == (422, "ORDER_SERIAL_ALREADY_SET")
    assert snapshot() == before


def test_identifiers_from_a_form_url_encoded_or_multipart(seller, sold, buy, listing):
    line = sold.lines.get()
    response = form(seller, f"/ws/orderlines/{line.pk}", f"imei={IMEI}&serial_number=SN-1", method="patch")
    assert (response.status_code, response.json()) == (200, {"imei": IMEI, "serial_number": "SN-1"})
    other = buy(listing).lines.get()
    multipart = seller.client.patch(
        f"/ws/orderlines/{other.pk}",
        encode_multipart(BOUNDARY, {"imei": OTHER_IMEI}),
        content_type=MULTIPART_CONTENT,
        **seller.headers(),
    )
    assert (multipart.status_code, multipart.json()) == (200, {"imei": OTHER_IMEI, "serial_number": ""})


@pytest.mark.parametrize(
    "body, expected",
    [
        ({}, (400, "ORDER_SERIAL_MISSING")),
        ({"imei": "", "serial_number": None}, (400, "ORDER_SERIAL_MISSING")),
        ({"imei": "490154203237519"}, (400, "ORDER_IMEI_INVALID")),
        ({"imei": "12345"}, (400, "ORDER_IMEI_INVALID")),
        ({"serial_number": "S" * 51}, (400, "WS_FIELD_INVALID")),
    ],
)
def test_bad_identifiers_are_refused(seller, sold, body, expected):
    before = snapshot()
    assert code(patch(seller, f"/ws/orderlines/{sold.lines.get().pk}", body)) == expected
    assert snapshot() == before


def test_an_unknown_or_malformed_orderline(seller, sold):
    assert code(patch(seller, "/ws/orderlines/999999", {"imei": IMEI})) == (404, "ORDER_LINE_NOT_FOUND")
    assert code(patch(seller, "/ws/orderlines/abc", {"imei": IMEI})) == (400, "WS_ORDERLINE_ID_INVALID")


# ---- deliveries ------------------------------------------------------------------------------------------------------


def shipped(seller, sub, tracking: str, at: dt.datetime):
    seller.post(f"/ws/orders/{sub.pk}", {"new_state": 2})
    with clock.frozen(at):
        seller.post(
            f"/ws/orders/{sub.pk}",
            {"new_state": 3, "tracking_number": tracking, "tracking_url": f"https://track.example/{tracking}"},
        )
    return Shipment.objects.get(suborder=sub)


def test_a_delivery_per_shipped_parcel(seller, sold):
    line = sold.lines.get()
    assert seller.get("/ws/shipping/v1/deliveries").json() == {
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
    }
    shipment = shipped(seller, sold, "6A1", dt.datetime(2026, 11, 6, 15, 0, tzinfo=dt.UTC))  # a Friday
    delivery = {
        "order": sold.pk,
        "shipmentId": shipment.pk,
        "carrierId": 0,
        "orderlines": [line.pk],
        "referenceNumber": str(sold.pk),
        "trackingNumber": "6A1",
        "trackingUrl": "https://track.example/6A1",
        "carrierName": "Colissimo",
        "hubScanned": False,
        "invoicedCurrency": "EUR",
        "invoicedPrice": 0,
        "datePickup": "2026-11-06T15:00:00Z",
        "dateCreation": "2026-11-06T15:00:00Z",
        "dateDelivery": "2026-11-10T15:00:00Z",  # 2 business days later: Tuesday
        "labelUrl": "",
        "type": "DELIVERY",
        "pickupInfo": {
            "confirmationNumber": "6A1",
            "datePickupActual": "2026-11-06T15:00:00Z",
            "datePickupRangeStart": "2026-11-06T15:00:00Z",
            "datePickupRangeEnd": "2026-11-06T15:00:00Z",
            "datePickupRequested": "2026-11-06",
            "isCanceled": False,
            "pickupId": shipment.pk,
        },
    }
    assert seller.get("/ws/shipping/v1/deliveries").json()["results"] == [delivery]
    assert seller.get(f"/ws/shipping/v1/deliveries/{shipment.pk}").json() == delivery
    assert code(seller.get("/ws/shipping/v1/deliveries/999999")) == (404, "DELIVERY_NOT_FOUND")
    assert code(seller.get("/ws/shipping/v1/deliveries/abc")) == (404, "DELIVERY_NOT_FOUND")


def test_deliveries_filters_and_pages(seller, listing, buy):
    one, two, three = buy(listing), buy(listing), buy(listing)
    s1 = shipped(seller, one, "T1", NOW)
    s2 = shipped(seller, two, "T2", NOW + dt.timedelta(days=2))
    seller.post(f"/ws/orders/{two.pk}", {"new_state": 6})  # refunded after shipping: the order is done (9)
    seller.post(f"/ws/orders/{three.pk}", {"new_state": 2})  # accepted, not shipped: no parcel yet

    def ids(**query):
        response = seller.get("/ws/shipping/v1/deliveries", query)
        assert response.status_code == 200, response.content
        return [d["shipmentId"] for d in response.json()["results"]]

    assert ids() == [s2.pk, s1.pk]
    assert ids(order_id=one.pk) == [s1.pk] and ids(order_id=three.pk) == []
    assert ids(start_date="2026-11-03T00:00:00Z") == [s2.pk]
    assert ids(end_date="2026-11-02T10:00:00Z") == [s1.pk]  # at and before
    assert ids(end_date="2026-11-04") == [s2.pk, s1.pk]  # the whole day
    assert ids(pickup_start_date="2026-11-02T10:00:01Z", pickup_end_date="2026-11-04T10:00:00Z") == [s2.pk]
    assert ids(order_state=9) == [s2.pk, s1.pk] and ids(order_state=3) == []
    assert ids(hub_scanned="true") == [] and ids(hub_scanned="false") == [s2.pk, s1.pk]
    page = seller.get("/ws/shipping/v1/deliveries", {"page": 2, "page-size": 1}).json()
    assert [d["shipmentId"] for d in page["results"]] == [s1.pk] and page["next"] is None
    assert page["previous"] == "http://testserver/ws/shipping/v1/deliveries?page=1&page-size=1"


@pytest.mark.parametrize(
    "query, field",
    [
        ({"order_id": "abc"}, "order_id"),
        ({"order_state": 2}, "order_state"),
        ({"order_state": "³"}, "order_state"),
        ({"start_date": "soon"}, "start_date"),
        ({"hub_scanned": "maybe"}, "hub_scanned"),
        ({"page": "x"}, "page"),
    ],
)
def test_a_bad_delivery_filter_is_the_contracts_422(seller, sold, query, field):
    response = seller.get("/ws/shipping/v1/deliveries", query)
    body = response.json()
    assert response.status_code == 422 and body["error"]["code"] in ("WS_FILTER_INVALID", "WS_PAGE_INVALID")
    assert list(body["data"]["fields"]) == [field]


def test_the_delivery_list_costs_the_same_few_queries_for_1_or_10(seller, listing, buy):
    listing.quantity = 20
    listing.save()

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = seller.get("/ws/shipping/v1/deliveries", {"page-size": 50})
        return len(queries), response.json()["count"]

    shipped(seller, buy(listing), "T0", NOW)
    one, _ = count_queries()
    for i in range(1, 10):
        shipped(seller, buy(listing), f"T{i}", NOW)
    assert count_queries() == (one, 10) and one <= 5


def test_a_non_merchant_token_gets_the_deliverys_404(client, sold):
    from remarket.accounts.models import Role
    from remarket.accounts.services import api_token_issue

    from ..factories import UserFactory

    token = api_token_issue(user=UserFactory(role=Role.CUSTOMER), name="x")[1]
    assert code(client.get(f"/ws/shipping/v1/deliveries/{Shipment.objects.count() + 1}", **basic(token))) == (
        404,
        "WS_NOT_A_MERCHANT",
    )
