"""The /ws/ rate limit holds across gunicorn workers: counted per token id in counters every process shares
(core/counters.py), whatever spelling of the token each request uses. Runs on SQLite and PostgreSQL."""
import base64
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from remarket.accounts.models import Role
from remarket.accounts.services import api_token_issue

from ..conftest import ROOT, _free_port, build_marketplace, database_url
from ..factories import MerchantFactory, UserFactory

LIMIT = 12


@pytest.fixture
def limited_server(transactional_db):
    """gunicorn with 3 workers and a /ws/ limit of 12 requests a minute per token; stopped by its pid."""
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "remarket.settings.test", "DATABASE_URL": database_url(),
           "REMARKET_SUPERVISE_WORKER": "0", "REMARKET_WS_RATE_LIMIT": f"{LIMIT}/60"}
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "remarket.wsgi:application", "--config",
                             str(ROOT / "remarket" / "cli" / "gunicorn_conf.py"), "--bind", f"127.0.0.1:{port}",
                             "--workers", "3"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                break
            except OSError:
                assert proc.poll() is None, "gunicorn exited before serving"
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def _get(url: str, authorization: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Authorization": authorization, "Accept-Language": "fr-fr",
                                                   "User-Agent": "BM-remarket-tests;tests@example.com"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, ""
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("Retry-After", "")


def test_the_limit_holds_across_workers_and_spellings(limited_server):
    build_marketplace()
    user = UserFactory(role=Role.MERCHANT, merchant=MerchantFactory())
    token = api_token_issue(user=user, name="ws")[1]
    spellings = [f"Basic {token}", f"basic {token}", f"Basic   {token}",
                 "Basic " + base64.b64encode(f"merchant:{token}".encode()).decode()]
    attempts = 3 * LIMIT
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda n: _get(f"{limited_server}/ws/listings", spellings[n % len(spellings)]),
                                range(attempts)))
    statuses = [status for status, _ in results]
    assert statuses.count(200) == LIMIT, statuses  # one count, not one per worker or per spelling
    assert statuses.count(429) == attempts - LIMIT
    assert all(1 <= int(after) <= 60 for status, after in results if status == 429)
