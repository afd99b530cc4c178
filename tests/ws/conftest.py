"""Fixtures for the /ws/ seller API. Every /ws/ response any test here gets through a Django test client is
checked against the seller contract (see contract.py): a response that drifts from it fails the test."""

import base64

import pytest
from django.core.cache import cache
from django.test.client import Client

from remarket.accounts.models import Role
from remarket.accounts.services import api_token_issue

from ..factories import ListingFactory, ListingMarketFactory, MerchantFactory, UserFactory
from .contract import Contract


class ContractGuard:
    skip = False  # set by the rare test of a response the contract cannot describe (an unknown /ws/ path)


@pytest.fixture(scope="session")
def contract() -> Contract:
    return Contract()


@pytest.fixture(autouse=True)
def ws_responses_follow_the_contract(contract, monkeypatch):
    """Wraps the test client so that each /ws/ response is validated as it is returned."""
    original = Client.request
    guard = ContractGuard()

    def request(self, **kwargs):
        response = original(self, **kwargs)
        wsgi = response.wsgi_request
        if wsgi.path.startswith("/ws/") and not guard.skip:
            contract.check(wsgi, response)
        return response

    monkeypatch.setattr(Client, "request", request)
    cache.clear()  # rate-limit counters
    yield guard


def basic(token: str, locale: str | None = "fr-fr") -> dict:
    headers = {"HTTP_AUTHORIZATION": f"Basic {token}", "HTTP_USER_AGENT": "BM-remarket-tests;tests@example.com"}
    if locale:
        headers["HTTP_ACCEPT_LANGUAGE"] = locale
    return headers


def http_basic(token: str, user: str = "merchant") -> str:
    return base64.b64encode(f"{user}:{token}".encode()).decode()


class Seller:
    """A merchant with a staff token and a Django test client speaking /ws/ with it."""

    def __init__(self, merchant, token: str, locale: str = "fr-fr"):
        self.merchant, self.token, self.locale = merchant, token, locale
        self.client = Client()

    def headers(self, **over) -> dict:
        return {**basic(self.token, self.locale), **over}

    def get(self, url: str, data=None, **headers):
        return self.client.get(url, data, **self.headers(**headers))

    def post(self, url: str, body: dict | None = None, **headers):
        return self.client.post(url, body or {}, content_type="application/json", **self.headers(**headers))


def seller_for(merchant) -> Seller:
    user = UserFactory(role=Role.MERCHANT, merchant=merchant)
    return Seller(merchant, api_token_issue(user=user, name="ws")[1])


@pytest.fixture
def seller(marketplace) -> Seller:
    return seller_for(MerchantFactory())


@pytest.fixture
def rival(marketplace) -> Seller:
    return seller_for(MerchantFactory())


@pytest.fixture
def listing(seller, marketplace):
    """One of the seller's listings, published in France at 499.00 (min 450.00), 5 units."""
    return ListingMarketFactory(market=marketplace.fr, listing=ListingFactory(merchant=seller.merchant)).listing
