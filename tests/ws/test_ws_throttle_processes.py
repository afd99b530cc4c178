"""The /ws/ rate limit holds across gunicorn workers: counted per token id in counters every process shares
(core/counters.py), whatever spelling of the token each request uses. Runs on SQLite and PostgreSQL."""

import base64
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from remarket.accounts.models import Role
from remarket.accounts.services import api_token_issue

from ..conftest import build_marketplace, gunicorn_serving
from ..factories import MerchantFactory, UserFactory

LIMIT = 12


@pytest.fixture
def limited_server(transactional_db):
    """gunicorn with 3 workers and a /ws/ limit of 12 requests a minute per token."""
    with gunicorn_serving(env={"REMARKET_WS_RATE_LIMIT": f"{LIMIT}/60"}, workers=3) as base:
        yield base


def _get(url: str, authorization: str) -> tuple[int, str]:
    request = urllib.request.Request(
        url,
        headers={
            "Authorization": authorization,
            "Accept-Language": "fr-fr",
            "User-Agent": "BM-remarket-tests;tests@example.com",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, ""
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("Retry-After", "")


def test_the_limit_holds_across_workers_and_spellings(limited_server):
    build_marketplace()
    user = UserFactory(role=Role.MERCHANT, merchant=MerchantFactory())
    token = api_token_issue(user=user, name="ws")[1]
    spellings = [
        f"Basic {token}",
        f"basic {token}",
        f"Basic   {token}",
        "Basic " + base64.b64encode(f"merchant:{token}".encode()).decode(),
    ]
    attempts = 3 * LIMIT
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(
            pool.map(lambda n: _get(f"{limited_server}/ws/listings", spellings[n % len(spellings)]), range(attempts))
        )
    statuses = [status for status, _ in results]
    assert statuses.count(200) == LIMIT, statuses  # one count, not one per worker or per spelling
    assert statuses.count(429) == attempts - LIMIT
    assert all(1 <= int(after) <= 60 for status, after in results if status == 429)
