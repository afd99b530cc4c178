"""Every URL of /api/v1 and /ws/, and the merchant and operator pages, answered with hostile input: NUL bytes,
negative and 64-bit-overflowing numbers, year-0001 and year-9999 months, deep JSON, multipart without a
boundary, bytes that are not UTF-8. None may answer 5xx; the cases the issue names answer exactly their code."""

import json
import re
import urllib.parse

import pytest
from django.test import Client

from remarket.accounts.services import api_token_issue
from remarket.api.v1.api import api
from remarket.api.ws.urls import urlpatterns as ws_patterns
from remarket.checkout.services import Item, checkout_pay, checkout_start
from remarket.web.merchant.urls import urlpatterns as merchant_patterns
from remarket.web.ops.urls import urlpatterns as ops_patterns

from ..conftest import ADDRESS_FR, PAY_OK

pytestmark = pytest.mark.django_db

VALUES = [
    "-1",
    str(2**63),
    str(10**30),
    "\x00",
    "a\x00b",
    "0001-01",
    "0001-01-01",
    "9999-12",
    "9999-12-31",
    "1e309",
    "x" * 3000,
    "%",
    "[]",
]
DEEP = b"[" * 100_000 + b"]" * 100_000
BODIES = [
    ("application/json", DEEP),
    ("application/json", b'{"a": ' * 5000 + b"1" + b"}" * 5000),
    (
        "application/json",
        json.dumps(
            {
                "x": "\x00",
                "sku": "a\x00",
                "quantity": 2**63,
                "price": str(10**30),
                "new_state": 3,
                "tracking_number": "\x00",
                "rows": [{"sku": "\x00"}],
            }
        ).encode(),
    ),
    (
        "application/json",
        json.dumps(
            [
                {
                    "sku": "S\x00",
                    "market": "FR",
                    "price": str(10**30),
                    "quantity": 2**63,
                    "variant_id": 2**63,
                    "grade": "A",
                    "warranty_months": 2**63,
                    "min_price": "-1",
                    "comment": "\x00",
                }
            ]
        ).encode(),
    ),
    ("application/json", b"\xff\xfe\x00not utf-8"),
    ("application/json", b'{"a": 1e999999}'),
    ("multipart/form-data", b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n'),
    ("multipart/form-data; boundary=", b"junk"),
    ("application/x-www-form-urlencoded", b"new_state=3&tracking_number=%00&shipper=%00&quantity=99999999999999999999"),
    ("text/csv", b"sku,quantity,price\n\x00,99999999999999999999,1e309\n"),
]
FORM = dict.fromkeys(
    (
        "tracking_number",
        "carrier",
        "price",
        "quantity",
        "min_price",
        "max_price",
        "comment",
        "market",
        "published",
        "warranty_months",
        "merchant_id",
        "status",
        "next",
        "line_ids",
        "reason",
        "scheme",
        "file",
        "imei",
        "serial_number",
    )
)
QUERY = (
    "period",
    "currency",
    "page",
    "state",
    "from",
    "to",
    "months",
    "offset",
    "limit",
    "market",
    "since",
    "until",
    "first",
    "last",
    "category",
    "variant",
    "q",
    "status",
    "sku",
    "page_size",
    "order_id",
)


@pytest.fixture
def world(marketplace, offer, merchant_user, operator_user):
    order = checkout_start(
        market=marketplace.fr,
        channel=marketplace.web_fr,
        items=[Item(offer.listing_id)],
        email="b@example.com",
        shipping_address=ADDRESS_FR,
    )
    checkout_pay(order=order, card_number=PAY_OK)
    sub = order.suborders.get()
    return {
        "sub": sub,
        "line": sub.lines.get(),
        "listing": offer.listing,
        "merchant": api_token_issue(user=merchant_user, name="m")[1],
        "operator": api_token_issue(user=operator_user, name="o")[1],
        "merchant_user": merchant_user,
        "operator_user": operator_user,
    }


def _quote(value: str) -> str:
    return urllib.parse.quote(value, safe="")


def _requests(method: str, path: str, auth: dict, query_names):
    """(label, kwargs for Client.generic) of every hostile variant of one operation."""
    for value in VALUES:
        query = urllib.parse.urlencode(dict.fromkeys(query_names, value))
        yield (
            f"query={value[:12]!r}",
            dict(method="GET" if method == "GET" else method, path=f"{path(value)}?{query}", **auth),
        )
    if method != "GET":
        for content_type, body in BODIES:
            yield (
                f"body={content_type} {body[:24]!r}",
                dict(method=method, path=path("1"), data=body, content_type=content_type, **auth),
            )


def _walk(client: Client, cases) -> list[tuple]:
    """The cases answered 5xx, each with the exception behind it."""
    failures = []
    for operation, label, kwargs in cases:
        response = client.generic(**kwargs)
        if response.status_code >= 500:
            exc = getattr(response, "exc_info", None)
            failures.append((operation, label, response.status_code, exc and repr(exc[1])[:200]))
    return failures


def _api_cases(world):
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    for template, item in schema["paths"].items():
        for method, operation in item.items():
            token = world["operator"] if template.startswith(("/api/v1/ops", "/api/v1/ops/")) else world["merchant"]
            auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
            query_names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"] or ["offset"]

            def path(value, template=template):
                return re.sub(r"\{[^}]+\}", _quote(value), template)

            for label, kwargs in _requests(method.upper(), path, auth, query_names):
                yield f"{method.upper()} {template}", label, kwargs


def _ws_cases(world):
    auth = {"HTTP_AUTHORIZATION": f"Basic {world['merchant']}", "HTTP_ACCEPT_LANGUAGE": "fr-fr"}
    for pattern in ws_patterns:
        operations = getattr(pattern.callback, "operations", None)
        if operations is None:
            continue  # the catch-all JSON 404
        regex = pattern.pattern.regex.pattern

        def path(value, regex=regex):
            return "/ws/" + re.sub(r"\(\?P<\w+>\[\^/\]\+\)", _quote(value), regex).lstrip("^").replace("/?$", "")

        for method in operations:
            for label, kwargs in _requests(method, path, auth, QUERY):
                yield f"{method} /ws/{regex}", label, kwargs


def _page_cases(prefix: str, patterns):
    for pattern in patterns:
        route = str(pattern.pattern)

        def path(value, route=route):
            filled = re.sub(r"<int:\w+>", value if value.isdigit() else "1", route)
            return f"{prefix}{filled}"

        for value in VALUES:
            query = urllib.parse.urlencode(dict.fromkeys(QUERY, value))
            yield f"GET {prefix}{route}", f"query={value[:12]!r}", dict(method="GET", path=f"{path(value)}?{query}")
            yield f"GET {prefix}{route}", f"path={value[:12]!r}", dict(method="GET", path=path(value))
            form = urllib.parse.urlencode(dict.fromkeys(FORM, value)).encode()
            yield (
                f"POST {prefix}{route}",
                f"form={value[:12]!r}",
                dict(method="POST", path=path(value), data=form, content_type="application/x-www-form-urlencoded"),
            )
        for content_type, body in BODIES:
            yield (
                f"POST {prefix}{route}",
                f"body={content_type}",
                dict(method="POST", path=path("1"), data=body, content_type=content_type),
            )


def test_no_api_v1_operation_answers_5xx_to_hostile_input(world):
    assert _walk(Client(raise_request_exception=False), _api_cases(world)) == []


def test_no_ws_operation_answers_5xx_to_hostile_input(world):
    assert _walk(Client(raise_request_exception=False), _ws_cases(world)) == []


def test_no_merchant_page_answers_5xx_to_hostile_input(world):
    client = Client(raise_request_exception=False)
    client.force_login(world["merchant_user"])
    assert _walk(client, _page_cases("/merchant/", merchant_patterns)) == []


def test_no_operator_page_answers_5xx_to_hostile_input(world):
    client = Client(raise_request_exception=False)
    client.force_login(world["operator_user"])
    assert _walk(client, _page_cases("/ops/", ops_patterns)) == []


NO_BOUNDARY = {"content_type": "multipart/form-data", "data": b"--x\r\nContent-Disposition: form-data; name=a\r\n\r\n1"}
DEEP_JSON = {"content_type": "application/json", "data": DEEP}
# (method, path, token, request options, status, where the code is in the body, code); {sub}, {line} and
# {listing} are the world's ids
EXACT = [
    ("GET", "/api/v1/catalog/products?offset=-1", "merchant", {}, 422, "code", "REQUEST_INVALID"),
    ("GET", f"/api/v1/catalog/products?offset={2**63}", "merchant", {}, 422, "code", "REQUEST_INVALID"),
    ("GET", "/api/v1/merchant/listings?offset=-1", "merchant", {}, 422, "code", "REQUEST_INVALID"),
    ("GET", f"/api/v1/merchant/listings?offset={2**63}", "merchant", {}, 422, "code", "REQUEST_INVALID"),
    ("GET", "/api/v1/merchant/orders?offset=-1", "merchant", {}, 422, "code", "REQUEST_INVALID"),
    ("GET", f"/api/v1/merchant/orders?offset={2**63}", "merchant", {}, 422, "code", "REQUEST_INVALID"),
    ("GET", "/api/v1/merchant/listings?offset=1000000000", "merchant", {}, 200, None, None),
    ("GET", "/api/v1/merchant/statements/0001-01", "merchant", {}, 400, "code", "PAYOUT_PERIOD_INVALID"),
    ("GET", "/api/v1/merchant/statements/9999-12", "merchant", {}, 400, "code", "PAYOUT_PERIOD_INVALID"),
    ("GET", "/api/v1/ops/finance?first=0001-01&last=2026-11", "operator", {}, 400, "code", "PAYOUT_PERIOD_INVALID"),
    ("POST", "/api/v1/ops/payouts/9999-12", "operator", {}, 400, "code", "PAYOUT_PERIOD_INVALID"),
    ("GET", "/api/v1/ops/merchants?status=%00", "operator", {}, 422, "code", "REQUEST_INVALID"),
    ("POST", "/ws/orders/{sub}", "ws", NO_BOUNDARY, 400, "error", "WS_BODY_INVALID"),
    ("PATCH", "/ws/orderlines/{line}", "ws", NO_BOUNDARY, 400, "error", "WS_BODY_INVALID"),
    ("POST", "/ws/listings/{listing}", "ws", NO_BOUNDARY, 400, "text", "WS_BODY_INVALID"),
    ("POST", "/ws/orders/{sub}/invoice", "ws", NO_BOUNDARY, 400, "error", "WS_BODY_INVALID"),
    ("POST", "/ws/listings", "ws", DEEP_JSON, 400, "text", "WS_BODY_INVALID"),
    ("POST", "/ws/orders/{sub}", "ws", DEEP_JSON, 400, "error", "WS_BODY_INVALID"),
    ("GET", f"/ws/listings?page={2**63}", "ws", {}, 400, "error", "WS_PAGE_INVALID"),
    ("GET", "/ws/listings/detail?sku=a%00b", "ws", {}, 400, "error", "WS_PARAMETER_INVALID"),
    ("GET", "/ws/listings/a%00b", "ws", {}, 400, "error", "WS_PARAMETER_INVALID"),
]
PAGES = [
    ("merchant_user", "/merchant/statements/?period=0001-01"),
    ("merchant_user", "/merchant/statements/?period=9999-12"),
    ("merchant_user", "/merchant/statements/statement.csv?period=0001-01"),
    ("operator_user", "/ops/finance/?from=0001-01"),
    ("operator_user", "/ops/finance/?to=9999-12"),
    ("operator_user", "/ops/finance/ledger.csv?period=9999-12"),
    ("operator_user", "/ops/finance/payouts.csv?period=0001-01"),
]


@pytest.mark.parametrize(
    ("method", "path", "who", "options", "status", "where", "code"),
    EXACT,
    ids=[f"{m} {p[:60]} {o.get('content_type', '')}" for m, p, _, o, *_ in EXACT],
)
def test_hostile_input_is_refused_with_its_status_and_code(
    client, world, method, path, who, options, status, where, code
):
    auth = (
        {"HTTP_AUTHORIZATION": f"Basic {world['merchant']}", "HTTP_ACCEPT_LANGUAGE": "fr-fr"}
        if who == "ws"
        else {"HTTP_AUTHORIZATION": f"Bearer {world[who]}"}
    )
    path = path.format(sub=world["sub"].pk, line=world["line"].pk, listing=world["listing"].pk)
    response = client.generic(method, path, **options, **auth)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    if where == "code":
        assert response.json()["code"] == code
    elif where == "error":
        assert response.json()["error"]["code"] == code
    elif where == "text":  # the contract's bare JSON string for a write's 400
        assert response.json().startswith(f"{code}: ")


@pytest.mark.parametrize(("who", "path"), PAGES)
def test_a_month_outside_1900_to_9998_is_the_pages_400(client, world, who, path):
    world[who].language = "en"  # this test reads the English page
    world[who].save(update_fields=["language"])
    client.force_login(world[who])
    response = client.get(path)
    assert (response.status_code, "Wrong period" in response.content.decode()) == (400, True)
