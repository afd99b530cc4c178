"""What every /ws/ operation shares: authentication, tenancy of the actor, market selection, pagination, error
shapes, rate limits and methods."""

import datetime as dt

import pytest

from remarket.accounts.models import ApiToken, Role
from remarket.accounts.services import api_token_issue, api_token_revoke
from remarket.core import clock

from ..factories import ListingFactory, ListingMarketFactory, MerchantFactory, UserFactory
from .conftest import basic, http_basic

pytestmark = pytest.mark.django_db


# ---- authentication ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_AUTHORIZATION": "Basic"},
        {"HTTP_AUTHORIZATION": "Bearer x"},
        {"HTTP_AUTHORIZATION": "Basic not-a-token"},
    ],
)
def test_no_valid_token_is_401_in_the_contracts_v1_shape(client, listing, headers):
    response = client.get("/ws/listings", **headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "WS_AUTH_REQUIRED"
    assert response.json()["requestId"] == response["X-Request-ID"]


def test_the_category_tree_answers_401_in_its_own_v2_shape(client, marketplace):
    response = client.get("/ws/category/tree")
    assert response.status_code == 401
    assert [e["code"] for e in response.json()["errors"]] == ["WS_AUTH_REQUIRED"]


def test_listings_bi_documents_no_401_so_a_missing_token_is_its_403_problem_json(client, marketplace):
    response = client.get("/ws/listings_bi")
    assert (response.status_code, response["Content-Type"]) == (403, "application/problem+json")
    body = response.json()
    assert (body["status"], body["title"], body["type"], body["error"]["code"]) == (
        403,
        "Forbidden",
        "WS_AUTH_REQUIRED",
        "WS_AUTH_REQUIRED",
    )


def test_a_token_works_raw_and_as_standard_http_basic(seller, listing):
    for credential in (seller.token, http_basic(seller.token), http_basic(seller.token, user="")):
        response = seller.client.get("/ws/listings", **basic(credential))
        assert (response.status_code, response.json()["count"]) == (200, 1)


def test_a_revoked_token_is_refused(seller, listing):
    api_token_revoke(token=ApiToken.objects.get(user__merchant=seller.merchant))
    assert seller.get("/ws/listings").status_code == 401


@pytest.mark.parametrize("role", [Role.CUSTOMER, Role.OPERATOR])
def test_a_token_of_someone_who_is_not_merchant_staff_is_403(client, marketplace, role):
    token = api_token_issue(user=UserFactory(role=role), name="x")[1]
    response = client.get("/ws/listings", **basic(token))
    assert (response.status_code, response.json()["error"]["code"]) == (403, "WS_NOT_A_MERCHANT")
    tree = client.get("/ws/category/tree", **basic(token))
    assert (tree.status_code, tree.json()["errors"][0]["code"]) == (403, "WS_NOT_A_MERCHANT")
    task = client.get("/ws/tasks/1", **basic(token))  # the operation documents no 403: nothing there for you
    assert (task.status_code, task.json()["error"]["code"]) == (404, "WS_NOT_A_MERCHANT")


# ---- market ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "locale, currency, price",
    [
        ("fr-fr", "EUR", "499.00"),
        ("en-us", "USD", "529.99"),
        ("en-US,en;q=0.9", "USD", "529.99"),
        (None, "EUR", "499.00"),
    ],
)
def test_accept_language_selects_the_market_and_france_is_the_default(
    seller, listing, marketplace, locale, currency, price
):
    ListingMarketFactory(listing=listing, market=marketplace.us, price_minor=52999, min_price_minor=None)
    response = seller.client.get(f"/ws/listings/{listing.pk}", **basic(seller.token, locale))
    assert (response.json()["currency"], response.json()["price"]) == (currency, price)


@pytest.mark.parametrize(
    "locale, code",
    [
        ("klingon", "WS_LOCALE_INVALID"),
        ("fr", "WS_LOCALE_INVALID"),
        ("de-de", "WS_MARKET_UNKNOWN"),
        ("xx-zz", "WS_MARKET_UNKNOWN"),
    ],
)
def test_an_unknown_market_is_a_clear_400(seller, listing, locale, code):
    response = seller.get(f"/ws/listings/{listing.pk}", HTTP_ACCEPT_LANGUAGE=locale)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["target"] == "Accept-Language"


def test_the_400_for_a_bad_market_takes_each_operations_shape(seller, listing):
    bad = {"HTTP_ACCEPT_LANGUAGE": "xx-zz"}
    assert seller.post("/ws/listings", {"catalog": "sku\nA"}, **bad).json() == (
        "WS_MARKET_UNKNOWN: xx-zz is not a market of this marketplace."
    )
    assert seller.get("/ws/category/tree", **bad).json()["errors"][0]["code"] == "WS_MARKET_UNKNOWN"
    assert seller.get("/ws/listings_bi", **bad).json()["error"]["code"] == "WS_MARKET_UNKNOWN"


# ---- pagination --------------------------------------------------------------------------------------------


@pytest.fixture
def twelve(seller, marketplace):
    return [
        ListingMarketFactory(market=marketplace.fr, listing=ListingFactory(merchant=seller.merchant)).listing
        for _ in range(12)
    ]


def test_pages_have_count_and_absolute_next_and_previous(seller, twelve):
    first = seller.get("/ws/listings").json()
    assert (first["count"], len(first["results"]), first["previous"]) == (12, 10, None)
    assert first["next"] == "http://testserver/ws/listings?page=2"
    second = seller.get("/ws/listings", {"page": 2}).json()
    assert [r["listing_id"] for r in second["results"]] == [l.pk for l in twelve[10:]]
    assert (second["next"], second["previous"]) == (None, "http://testserver/ws/listings?page=1")


@pytest.mark.parametrize("param", ["page-size", "page_size"])
def test_page_size_is_read_under_both_spellings_and_kept_in_links(seller, twelve, param):
    body = seller.get("/ws/listings", {param: 5, "min_quantity": 1, "page": 2}).json()
    assert [r["listing_id"] for r in body["results"]] == [l.pk for l in twelve[5:10]]
    assert body["next"] == f"http://testserver/ws/listings?{param}=5&min_quantity=1&page=3"
    assert body["previous"] == f"http://testserver/ws/listings?{param}=5&min_quantity=1&page=1"


def test_page_size_is_at_most_50_and_a_page_past_the_end_is_empty(seller, marketplace):
    ListingFactory.create_batch(55, merchant=seller.merchant)
    assert len(seller.get("/ws/listings", {"page-size": 500}).json()["results"]) == 50
    past = seller.get("/ws/listings", {"page": 9}).json()
    assert (past["count"], past["results"], past["next"]) == (55, [], None)


@pytest.mark.parametrize(
    "query", [{"page": "two"}, {"page": 0}, {"page-size": -1}, {"publication_state": 7}, {"min_quantity": "many"}]
)
def test_bad_page_or_filter_parameters_are_400_with_their_code(seller, listing, query):
    response = seller.get("/ws/listings", query)
    assert response.status_code == 400
    assert response.json()["error"]["code"] in ("WS_PAGE_INVALID", "WS_FILTER_INVALID")
    assert response.json()["error"]["target"] == next(iter(query))


# ---- methods and paths -------------------------------------------------------------------------------------


def test_patch_on_a_listing_is_405_with_allow(seller, listing):
    response = seller.client.patch(
        f"/ws/listings/{listing.public_id}", {"quantity": 1}, content_type="application/json", **seller.headers()
    )
    assert response.status_code == 405 and response["Allow"] == "GET, POST"
    assert response.json()["error"]["code"] == "WS_METHOD_NOT_ALLOWED"
    listing.refresh_from_db()
    assert listing.quantity == 5


def test_paths_answer_with_a_trailing_slash_too(seller, listing):
    assert seller.get("/ws/listings/").json()["count"] == 1
    assert seller.get(f"/ws/listings/{listing.pk}/").json()["sku"] == listing.sku


def test_an_unknown_ws_path_is_a_json_404(seller, ws_responses_follow_the_contract):
    ws_responses_follow_the_contract.skip = True  # not in the contract: nothing to check it against
    response = seller.get("/ws/nothing/here")
    assert (response.status_code, response.json()["error"]["code"]) == (404, "WS_NOT_FOUND")


# ---- rate limits -------------------------------------------------------------------------------------------


@pytest.fixture
def low_limits(settings):
    settings.WS_RATE_LIMIT = (3, 10)
    settings.WS_CATALOG_RATE_LIMIT = (2, 10)


def test_past_the_limit_a_token_gets_429_with_retry_after_until_the_window_ends(seller, rival, listing, low_limits):
    with clock.frozen(dt.datetime(2026, 11, 2, 10, 0, 3, tzinfo=dt.UTC)):
        assert [seller.get("/ws/listings").status_code for _ in range(3)] == [200, 200, 200]
        refused = seller.get("/ws/listings")
        assert (refused.status_code, refused["Retry-After"]) == (429, "7")
        assert refused.json()["error"]["code"] == "WS_RATE_LIMITED"
        assert refused.json()["error"]["data"] == {"retry_after": 7, "limit": 3, "window_seconds": 10}
        assert rival.get("/ws/listings").status_code == 200  # per token
        clock.advance(dt.timedelta(seconds=7))
        assert seller.get("/ws/listings").status_code == 200


def test_catalog_endpoints_have_their_own_lower_limit(seller, listing, low_limits):
    with clock.frozen(dt.datetime(2026, 11, 2, 10, 0, 0, tzinfo=dt.UTC)):
        assert [seller.get("/ws/category/tree").status_code for _ in range(3)] == [200, 200, 429]
        assert seller.get("/ws/listings").status_code == 200


def test_a_429_takes_the_shape_the_operation_documents(seller, listing, low_limits, settings):
    settings.WS_RATE_LIMIT = (0, 10)
    with clock.frozen(dt.datetime(2026, 11, 2, 10, 0, 0, tzinfo=dt.UTC)):
        assert seller.post("/ws/listings", {"catalog": "sku\nA"}).json()["error"]["code"] == "WS_RATE_LIMITED"
        problem = seller.get("/ws/listings_bi")
        assert (problem.status_code, problem["Content-Type"]) == (429, "application/problem+json")
        assert problem.json()["status"] == 429


# ---- tenancy of the token -------------------------------------------------------------------------------


def test_a_token_only_ever_sees_its_own_merchants_listings(seller, rival, listing, marketplace):
    ListingMarketFactory(market=marketplace.fr, listing=ListingFactory(merchant=rival.merchant))
    ListingFactory(merchant=MerchantFactory())
    assert [r["sku"] for r in seller.get("/ws/listings").json()["results"]] == [listing.sku]
    assert rival.get("/ws/listings").json()["count"] == 1
