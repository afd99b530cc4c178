"""The production profile booted for real with REDIS_URL: gunicorn on the test database, Redis for the cache,
sessions and the /ws/ rate counters; a storefront page, a login and a /ws/ call served over HTTP."""

import os
import secrets
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import redis

from remarket.accounts.models import Role
from remarket.accounts.services import api_token_issue

from .conftest import build_marketplace, database_url, gunicorn_serving, no_redirect
from .factories import MerchantFactory, UserFactory

# this test's own database number, emptied first; runs side by side on one machine give each its own
REDIS_URL = os.environ.get("REMARKET_TEST_REDIS_URL", "redis://127.0.0.1:6379/9")


def _get(url: str, **headers) -> tuple[int, dict, str]:
    """As the TLS-terminating proxy forwards it."""
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https", **headers})
    try:
        with no_redirect.open(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read().decode()


@pytest.fixture
def production_server(transactional_db, tmp_path):
    store = redis.Redis.from_url(REDIS_URL)
    store.flushdb()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "remarket.settings.production",
        "DATABASE_URL": database_url(),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "REDIS_URL": REDIS_URL,
        "REMARKET_ALLOW_SANDBOX": "1",
        "REMARKET_SUPERVISE_WORKER": "0",
    }
    remarket = str(Path(sys.executable).parent / "remarket")
    subprocess.run([remarket, "collectstatic", "--no-input", "-v0"], cwd=tmp_path, env=env, check=True, timeout=300)
    try:
        with gunicorn_serving(env=env, cwd=tmp_path, headers={"X-Forwarded-Proto": "https"}) as base:
            yield base, store
    finally:
        store.flushdb()


def test_production_with_redis_serves_pages_and_the_seller_api(production_server):
    base, store = production_server
    build_marketplace()
    user = UserFactory(role=Role.MERCHANT, merchant=MerchantFactory())
    token = api_token_issue(user=user, name="ws")[1]

    status, headers, html = _get(f"{base}/fr/")
    assert status == 200 and "Strict-Transport-Security" in headers and "Content-Security-Policy" in headers
    status, _, _ = _get(f"{base}/fr/", **{"X-Forwarded-Proto": "http"})
    assert status == 301  # plain HTTP goes to HTTPS
    status, _, body = _get(f"{base}/ws/listings", Authorization=f"Basic {token}", **{"Accept-Language": "fr-fr"})
    assert status == 200 and '"results"' in body
    status, headers, _ = _get(f"{base}/login/")
    assert status == 200 and "sessionid" not in headers.get("Set-Cookie", "")  # nothing written for a visit

    keys = [k.decode() for k in store.keys("*")]
    assert any(":ws:rate:default:" in k for k in keys), keys  # the rate counter is Redis's, shared by workers
    assert any(k.startswith(":1:") or "rm1" in k for k in keys), keys  # the cache too (markets kept a minute)
