"""CSV batches: POST /ws/listings stores a task, the worker applies it (drained here), GET /ws/tasks reports."""

import pytest

from remarket.events.models import OutboxEvent
from remarket.events.outbox import deliver, drain
from remarket.merchants.models import Merchant
from remarket.offers.feeds import amount_text, feed_decode, feed_table, feed_task_process
from remarket.offers.models import FeedTask, Listing, ListingMarket

from ..factories import VariantFactory
from .test_listings import snapshot

pytestmark = pytest.mark.django_db


def send(seller, catalog: str, **over):
    body = {"catalog": catalog, "quotechar": '"', "delimiter": ";", "encoding": "utf-8", **over}
    response = seller.post("/ws/listings", body)
    assert response.status_code == 200, response.content
    return response.json()["bodymessage"]


def send_bytes(seller, data: bytes, charset: str | None = None):
    content_type = "text/csv" + (f"; charset={charset}" if charset else "")
    response = seller.client.post("/ws/listings", data, content_type=content_type, **seller.headers())
    assert response.status_code == 200, response.content
    return response.json()["bodymessage"]


def task(seller, task_id: int) -> dict:
    response = seller.get(f"/ws/tasks/{task_id}")
    assert response.status_code == 200
    return response.json()


def rows(seller, task_id: int) -> list[tuple]:
    drain()
    body = task(seller, task_id)
    assert body["action_status"] == 9, body
    return [(r["line"], r["sku"], r["status"], r["code"]) for r in body["result"]["rows"]]


@pytest.fixture
def variant(marketplace):
    return VariantFactory(ean="0194252707234")


# ---- the task's life ---------------------------------------------------------------------------------------


def test_a_batch_is_a_task_applied_by_the_worker(seller, variant):
    task_id = send(
        seller,
        f"sku;product_id;grade;price;min_price;quantity;warranty_delay;comment\n"
        f"IP-GOOD-1;{variant.public_id};GOOD;389,00;350;4;24;Boxed\n",
    )
    pending = task(seller, task_id)
    assert (pending["action_status"], pending["last_action_error"], pending["result"]["rows"]) == (0, None, [])
    assert not Listing.objects.exists()
    drain()
    done = task(seller, task_id)
    assert (done["task_id"], done["action_status"], done["statuscode"]) == (task_id, 9, 200)
    assert done["result"] == {
        "total_rows": 1,
        "applied_rows": 1,
        "error_rows": 0,
        "rows": [{"line": 2, "sku": "IP-GOOD-1", "status": "created", "code": None, "message": ""}],
    }
    assert snapshot() == ([("IP-GOOD-1", 4, "GOOD", 24, "Boxed")], [("IP-GOOD-1", "FR", 38900, 35000, None, True)])


def test_a_redelivered_event_does_not_run_the_task_again(seller, variant):
    task_id = send(seller, f"sku;product_id;grade;price;quantity\nA;{variant.public_id};GOOD;10;1\n")
    drain()
    event = OutboxEvent.objects.get(topic="offers.feed_received")
    Listing.objects.update(quantity=9)
    OutboxEvent.objects.filter(pk=event.pk).update(done_at=None)
    assert deliver(OutboxEvent.objects.get(pk=event.pk))
    feed_task_process(task_id=task_id)
    assert Listing.objects.get().quantity == 9 and FeedTask.objects.get().applied_rows == 1


def test_replaying_a_feed_changes_nothing_more(seller, variant, listing):
    catalog = (
        f"sku;product_id;grade;price;quantity\nNEW-1;{variant.public_id};FAIR;99.90;3\n"
        f"{listing.sku};;;479.90;2\nBAD;{variant.public_id};FAIR;-1;3\n"
    )
    first = rows(seller, send(seller, catalog))
    after_first = snapshot()
    second = rows(seller, send(seller, catalog))
    assert snapshot() == after_first
    assert [r[2] for r in first] == ["created", "updated", "error"]
    assert [r[2] for r in second] == ["unchanged", "unchanged", "error"]


def test_a_feed_applies_to_the_market_of_its_accept_language(seller, listing):
    task_id = send(
        seller,
        f"sku;price\n{listing.sku};529.99",
    )
    drain()
    us = seller.post("/ws/listings", {"catalog": f"sku;price\n{listing.sku};549.99"}, HTTP_ACCEPT_LANGUAGE="en-us")
    drain()
    assert task(seller, task_id)["action_status"] == 9 and us.status_code == 200
    assert sorted(listing.terms.values_list("market__code", "currency", "price_minor")) == [
        ("FR", "EUR", 52999),
        ("US", "USD", 54999),
    ]


# ---- bad rows -------------------------------------------------------------------------------------------------


def test_each_bad_row_is_reported_with_its_line_and_code_and_changes_nothing(seller, variant, listing):
    other = VariantFactory()
    catalog = "\n".join(
        [
            "sku;product_id;grade;state;price;min_price;quantity;warranty_delay;pub_state;currency",
            f"NEW-OK;{variant.public_id};GOOD;;120,50;;3;;;EUR",  # 2 created
            "GHOST;;GOOD;;100;;1;;;",  # 3 unknown SKU, no product
            "NEW-X;6f9619ff-8b86-d011-b42d-00cf4fc964ff;GOOD;;100;;1;;;",  # 4 unknown product
            f"NEW-NEG;{variant.public_id};GOOD;;-10;;1;;;",  # 5 negative price
            f"NEW-NAN;{variant.public_id};GOOD;;ten euros;;1;;;",  # 6 not a number
            f"NEW-MIN;{variant.public_id};GOOD;;100;150;1;;;",  # 7 below min
            f"NEW-NUM;{variant.public_id};2;;100;;1;;;",  # 8 numeric grade
            f"NEW-STA;{variant.public_id};STALLONE;;100;;1;;;",  # 9 refused grade
            f"NEW-ST4;{other.pk};;4;100;;1;;;",  # 10 legacy state of STALLONE
            f"NEW-ST7;{variant.public_id};;7;100;;1;;;",  # 11 unknown legacy state
            f"NEW-WAR;{variant.public_id};GOOD;;100;;1;6;;",  # 12 warranty too short
            f"NEW-PUB;{variant.public_id};GOOD;;100;;1;;9;",  # 13 bad pub_state
            f"NEW-CUR;{variant.public_id};GOOD;;100;;1;;;USD",  # 14 wrong currency
            f"NEW-QTY;{variant.public_id};GOOD;;100;;-2;;;",  # 15 negative quantity
            "SHORT;1",  # 16 too few fields
            f"{listing.sku};;;;;;0;;;",  # 17 updated: stock 0
            f"{listing.sku};;FAIR;;;;;;;",  # 18 grade of an existing listing
        ]
    )
    before = snapshot()
    assert rows(seller, send(seller, catalog)) == [
        (2, "NEW-OK", "created", None),
        (3, "GHOST", "error", "OFFER_SKU_UNKNOWN"),
        (4, "NEW-X", "error", "OFFER_VARIANT_UNKNOWN"),
        (5, "NEW-NEG", "error", "MONEY_NEGATIVE"),
        (6, "NEW-NAN", "error", "MONEY_INVALID"),
        (7, "NEW-MIN", "error", "OFFER_PRICE_BELOW_MIN"),
        (8, "NEW-NUM", "error", "CATALOG_GRADE_NUMERIC"),
        (9, "NEW-STA", "error", "CATALOG_GRADE_STALLONE"),
        (10, "NEW-ST4", "error", "CATALOG_GRADE_STALLONE"),
        (11, "NEW-ST7", "error", "CATALOG_STATE_UNKNOWN"),
        (12, "NEW-WAR", "error", "OFFER_WARRANTY_TOO_SHORT"),
        (13, "NEW-PUB", "error", "OFFER_PUB_STATE_INVALID"),
        (14, "NEW-CUR", "error", "OFFER_CURRENCY_MISMATCH"),
        (15, "NEW-QTY", "error", "OFFER_QUANTITY_NEGATIVE"),
        (16, "", "error", "FEED_ROW_MALFORMED"),
        (17, listing.sku, "updated", None),
        (18, listing.sku, "error", "OFFER_GRADE_CHANGED"),
    ]
    listings, terms = snapshot()
    assert listings == sorted(
        [
            *(row if row[0] != listing.sku else (listing.sku, 0, *row[2:]) for row in before[0]),
            ("NEW-OK", 3, "GOOD", 12, ""),
        ]
    )
    assert terms == sorted([*before[1], ("NEW-OK", "FR", 12050, None, None, True)])
    body = task(seller, FeedTask.objects.get().pk)
    assert (body["result"]["applied_rows"], body["result"]["error_rows"]) == (2, 15)
    assert body["result"]["rows"][1]["message"].startswith("SKU GHOST is not one of your listings")


def test_missing_columns_keep_what_the_listing_has(seller, listing):
    listing.warranty_months = 24
    listing.save()
    listing.terms.update(published=False, max_price_minor=60000)
    assert rows(seller, send(seller, f"sku;quantity\n{listing.sku};11")) == [(2, listing.sku, "updated", None)]
    assert snapshot() == ([(listing.sku, 11, "EXCELLENT", 24, "")], [(listing.sku, "FR", 49900, 45000, 60000, False)])


def test_new_listings_name_their_product_by_uuid_legacy_id_or_ean_and_grade_by_legacy_state(seller, variant):
    catalog = (
        f"sku,product_id,backmarket_id,ean,state,price,quantity\nBY-UUID,{variant.public_id},,,9,10,1\n"
        f"BY-ID,,{variant.pk},,0,10,1\nBY-EAN,,,{variant.ean},3,10,1\n"
    )
    assert [r[2] for r in rows(seller, send(seller, catalog, delimiter=","))] == ["created"] * 3
    assert sorted(Listing.objects.values_list("sku", "grade", "variant_id")) == [
        ("BY-EAN", "FAIR", variant.pk),
        ("BY-ID", "EXCELLENT", variant.pk),
        ("BY-UUID", "PREMIUM", variant.pk),
    ]


def test_pub_state_2_puts_online_and_the_other_values_offline(seller, listing):
    rows(seller, send(seller, f"sku;pub_state\n{listing.sku};1"))
    assert listing.terms.get().published is False
    rows(seller, send(seller, f"sku;publication_state\n{listing.sku};2"))
    assert listing.terms.get().published is True


def test_a_rivals_feed_cannot_touch_my_listing_even_with_my_sku(seller, rival, listing):
    before = snapshot()
    assert rows(rival, send(rival, f"sku;quantity;price\n{listing.sku};0;1")) == [
        (2, listing.sku, "error", "OFFER_SKU_UNKNOWN")
    ]
    assert snapshot() == before


def test_a_task_is_only_visible_to_its_merchant(seller, rival, variant):
    task_id = send(seller, f"sku;product_id;grade;price;quantity\nA;{variant.public_id};GOOD;10;1")
    for url in (f"/ws/tasks/{task_id}", "/ws/tasks/999999", "/ws/tasks/abc"):
        response = rival.get(url) if url.endswith(str(task_id)) else seller.get(url)
        assert (response.status_code, response.json()["error"]["code"]) == (404, "FEED_TASK_NOT_FOUND")


# ---- reading the text -------------------------------------------------------------------------------------


def test_bom_semicolons_quotes_and_decimal_commas(seller, listing):
    catalog = f'\ufeff"sku";"price";"quantity"\r\n"{listing.sku}";"1 299,90";"3"\r\n'
    rows(seller, send(seller, catalog))
    assert (listing.terms.get().price_minor, Listing.objects.get(pk=listing.pk).quantity) == (129990, 3)


def test_a_latin_1_file_sent_as_bytes(seller, listing):
    data = f"sku;comment;price\n{listing.sku};Très bon état, écran neuf;489,00\n".encode("latin-1")
    assert rows(seller, send_bytes(seller, data)) == [(2, listing.sku, "updated", None)]
    assert Listing.objects.get(pk=listing.pk).comment == "Très bon état, écran neuf"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-8-sig"])
def test_utf_16_and_utf_8_files_with_or_without_a_bom(seller, listing, codec):
    data = f"sku\tcomment\tquantity\n{listing.sku}\tÉtat neuf – 2 ans\t8\n".encode(codec)
    rows(seller, send_bytes(seller, data))
    assert Listing.objects.filter(pk=listing.pk, comment="État neuf – 2 ans", quantity=8).exists()


def test_another_quote_character(seller, listing):
    rows(seller, send(seller, f"sku;comment\n{listing.sku};'Rayure légère; coque neuve'", quotechar="'"))
    assert Listing.objects.get(pk=listing.pk).comment == "Rayure légère; coque neuve"


@pytest.mark.parametrize(
    "data, encoding, text",
    [
        ("sku;prix".encode("utf-8-sig"), None, "sku;prix"),
        ("é".encode("utf-16-be"), None, "é"),
        (b"caf\xe9 \x80", None, "café €"),  # Windows-1252
        (b"\x81", None, "\x81"),  # not Windows-1252: Latin-1
        ("é".encode("latin-1"), "latin-1", "é"),
        ("é".encode(), "latin-1", "Ã©"),  # the declared encoding is believed when it decodes
    ],
)
def test_feed_decode(data, encoding, text):
    assert feed_decode(data, encoding) == text


@pytest.mark.parametrize(
    "value, text",
    [
        ("199,90", "199.90"),
        ("1.199,90", "1199.90"),
        ("1,199.90", "1199.90"),
        ("1 199,90 €", "1199.90"),
        ("$12", "12"),
        ("-3,5", "-3.5"),
        ("1,2,3", "1,2,3"),
        (None, None),
    ],
)
def test_amount_text(value, text):
    assert amount_text(value) == text


def test_the_separator_is_found_from_the_header():
    assert feed_table("sku,price;x\nA,1;2").delimiter == ","
    assert feed_table("sku;price,x\nA;1,2").delimiter == ";"
    assert feed_table("sku\tprice\nA\t1").delimiter == "\t"
    assert feed_table("\n\nSKU | Price\nA|1").columns == ["sku", "price"]


# ---- refused batches --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body, message",
    [
        ({}, "WS_BODY_INVALID: parameter catalog not found"),
        ({"catalog": ""}, "WS_BODY_INVALID: parameter catalog not found"),
        ({"catalog": "sku\nA", "quotechar": "''"}, "WS_BODY_INVALID: quotechar is one character."),
        ({"catalog": "sku\nA", "encoding": "klingon"}, "FEED_ENCODING_UNKNOWN: Unknown encoding 'klingon'."),
        (
            {"catalog": "price;quantity\n1;2"},
            "FEED_SKU_COLUMN_MISSING: The header has no sku column: every row names its listing by SKU.",
        ),
        ({"catalog": "sku;price\n\n"}, "FEED_EMPTY: The catalog has a header but no rows."),
        (
            {"catalog": ";;;\n;;\n"},
            "FEED_EMPTY: The catalog is empty: send a header line (sku;quantity;price...) and rows.",
        ),
        ({"catalog": "sku;sku\nA;B"}, "FEED_COLUMN_DUPLICATED: Columns appear twice: sku."),
    ],
)
def test_a_batch_that_cannot_be_read_is_a_400_string_and_makes_no_task(seller, marketplace, body, message):
    response = seller.post("/ws/listings", body)
    assert (response.status_code, response.json()) == (400, message)
    assert not FeedTask.objects.exists() and not OutboxEvent.objects.exists()


def test_more_lines_than_the_contracts_limit_are_refused(seller, marketplace):
    catalog = "sku;quantity\n" + "\n".join(f"S{i};1" for i in range(15_001))
    response = seller.post("/ws/listings", {"catalog": catalog})
    assert (response.status_code, response.json()) == (
        400,
        "FEED_TOO_MANY_LINES: The catalog has 15001 rows; the limit is 15000.",
    )
    assert not FeedTask.objects.exists()


def test_a_suspended_merchants_batch_is_403(seller, marketplace):
    Merchant.objects.filter(pk=seller.merchant.pk).update(status="suspended")
    response = seller.post("/ws/listings", {"catalog": "sku;quantity\nA;1"})
    assert (response.status_code, response.json()["error"]["code"]) == (403, "MERCHANT_CANNOT_PUBLISH")


def test_a_merchant_suspended_after_sending_gets_a_failed_task(seller, variant):
    task_id = send(seller, f"sku;product_id;grade;price;quantity\nA;{variant.public_id};GOOD;10;1")
    Merchant.objects.filter(pk=seller.merchant.pk).update(status="suspended")
    drain()
    body = task(seller, task_id)
    assert (body["action_status"], body["result"]["rows"]) == (8, [])
    assert body["last_action_error"].startswith("MERCHANT_CANNOT_PUBLISH: ")
    assert not Listing.objects.exists()


# ---- size ---------------------------------------------------------------------------------------------------


def test_a_10k_line_feed_reports_every_row(seller, marketplace, variant):
    lines = [f"BULK-{i:05d};{variant.public_id};GOOD;{100 + i % 50},90;{i % 7}" for i in range(10_000)]
    lines[4321] = f"BULK-04321;{variant.public_id};GOOD;-1;1"
    lines[9998] = "NOT-MINE;;GOOD;10;1"
    task_id = send(seller, "sku;product_id;grade;price;quantity\n" + "\n".join(lines))
    drain()
    body = task(seller, task_id)
    result = body["result"]
    assert (body["action_status"], result["total_rows"], result["applied_rows"], result["error_rows"]) == (
        9,
        10_000,
        9_998,
        2,
    )
    assert [r["line"] for r in result["rows"]] == list(range(2, 10_002))
    assert {r["status"] for r in result["rows"][:4321]} == {"created"}
    assert [(r["line"], r["code"]) for r in result["rows"] if r["status"] == "error"] == [
        (4323, "MONEY_NEGATIVE"),
        (10_000, "OFFER_SKU_UNKNOWN"),
    ]
    assert Listing.objects.filter(merchant=seller.merchant).count() == 9_998
    assert ListingMarket.objects.get(listing__sku="BULK-00049").price_minor == 14990


def test_a_json_body_in_latin_1(seller, listing):
    body = (
        f'{{"catalog": "sku;comment\\n{listing.sku};Écran rayé", "quotechar": "\\"", "delimiter": ";", '
        f'"encoding": "latin-1"}}'.encode("latin-1")
    )
    response = seller.client.post("/ws/listings", body, content_type="application/json", **seller.headers())
    rows(seller, response.json()["bodymessage"])
    assert Listing.objects.get(pk=listing.pk).comment == "Écran rayé"
