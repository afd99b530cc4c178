"""The read replica for real: the production profile booted with REDIS_URL, a broker and DATABASE_REPLICA_URL on a
second PostgreSQL database that tests/replica_standin.py fills from the primary (a stand-in for replication:
this cluster's wal_level is `replica`, so no subscription between two of its databases).

With the stand-in paused, the replica holds the primary as it was: a report asked then is the replica's (it misses
a sale just written to the primary), while the author of a write reads the primary at once (read-your-writes),
until its pin lapses. `remarket check-deploy` checks the replica as it checks the primary."""

import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.db import connection

from remarket.accounts.models import Role
from remarket.accounts.services import api_token_issue
from remarket.analytics.models import GmvRollup
from remarket.core import clock
from remarket.core.replica import PIN_COOKIE
from remarket.events.outbox import drain

from ..celery_live import BROKER
from ..conftest import ADDRESS_FR, PAY_OK, build_marketplace, database_url, gunicorn_serving
from ..factories import ListingFactory, ListingMarketFactory, MerchantFactory, ProductModelFactory, UserFactory
from ..replica_standin import ReplicaStandIn
from ..test_check_deploy import _run

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
REDIS_URL = os.environ.get("REMARKET_TEST_REDIS_URL", "redis://127.0.0.1:6379/9")
PIN_SECONDS = 2
HTTPS = {"X-Forwarded-Proto": "https"}  # as the TLS-terminating proxy forwards every request
TIMEOUT = 30


@pytest.fixture(autouse=True)
def _postgres_only():
    assert connection.vendor == "postgresql", "run these with DATABASE_URL=postgres://... (make test-postgres)"


@pytest.fixture(scope="module")
def replica(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        standin = ReplicaStandIn(connection.settings_dict, delay=1.0).start()
    try:
        yield standin
    finally:
        standin.stop()


@pytest.fixture(autouse=True)
def _replica_paused_after(transactional_db, replica):
    """The stand-in reads no more once a test ends: the primary's flush then truncates every table."""
    yield
    replica.pause()


@pytest.fixture
def production(replica, tmp_path):
    """gunicorn under the production profile on the primary, Redis, the broker and the replica."""
    import redis

    store = redis.Redis.from_url(REDIS_URL)
    store.flushdb()
    env = {
        "DJANGO_SETTINGS_MODULE": "remarket.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "REDIS_URL": REDIS_URL,
        "CELERY_BROKER_URL": BROKER,  # no Celery worker runs: this test drains the outbox itself
        "DATABASE_REPLICA_URL": replica.url,
        "REMARKET_REPLICA_PIN_SECONDS": str(PIN_SECONDS),
        "REMARKET_ALLOW_SANDBOX": "1",
        "REMARKET_TRUSTED_PROXIES": "1",
    }
    remarket = str(Path(sys.executable).parent / "remarket")
    subprocess.run(
        [remarket, "collectstatic", "--no-input", "-v0"],
        cwd=tmp_path,
        env={**os.environ, "DATABASE_URL": database_url(), **env},
        check=True,
        timeout=300,
    )
    try:
        with gunicorn_serving(env=env, cwd=tmp_path, headers=HTTPS) as base:
            yield base
    finally:
        store.flushdb()


def _get(base: str, path: str, token: str | None = None, cookies: dict | None = None, **params) -> requests.Response:
    headers = {**HTTPS, **({"Authorization": f"Bearer {token}"} if token else {})}
    answer = requests.get(base + path, params=params, headers=headers, cookies=cookies, timeout=TIMEOUT)
    assert answer.status_code == 200, (path, answer.status_code, answer.text[:300])
    return answer


def _buy(base: str, listing_id: int) -> None:
    headers = {**HTTPS, "X-Forwarded-For": "10.0.0.7"}
    body = {
        "market": "FR",
        "email": "buyer@example.com",
        "shipping_address": ADDRESS_FR,
        "items": [{"listing_id": listing_id, "quantity": 1}],
    }
    made = requests.post(f"{base}/api/v1/checkout", json=body, headers=headers, timeout=TIMEOUT)
    assert made.status_code == 201, made.text
    paid = requests.post(
        f"{base}/api/v1/orders/{made.json()['id']}/pay", json={"card_number": PAY_OK}, headers=headers, timeout=TIMEOUT
    )
    assert paid.status_code == 200 and paid.json()["payment_status"] == "captured", paid.text


def test_reports_and_read_pages_come_from_the_replica_and_writers_read_their_writes(production, replica):
    base = production
    mp = build_marketplace()
    merchant = MerchantFactory()
    offer = ListingMarketFactory(market=mp.fr, listing=ListingFactory(merchant=merchant, quantity=5))
    ops = api_token_issue(user=UserFactory(role=Role.OPERATOR), name="ops")[1]
    writer = api_token_issue(user=UserFactory(role=Role.MERCHANT, merchant=merchant), name="writer")[1]
    colleague = api_token_issue(user=UserFactory(role=Role.MERCHANT, merchant=merchant), name="colleague")[1]
    year = str(clock.now().year)
    replica.sync()
    replica.pause()  # from here the replica holds the marketplace before the sale

    assert _get(base, "/api/v1/reports/gmv", ops, period=year).json()["total"]["orders"] == 0

    # a sale written to the primary, and the rollups its event's handlers keep
    _buy(base, offer.listing_id)
    assert drain() > 0
    assert sum(GmvRollup.objects.values_list("orders", flat=True)) == 1  # on the primary

    # the report is the replica's: the sale is not in it yet
    assert _get(base, "/api/v1/reports/gmv", ops, period=year).json()["total"]["orders"] == 0

    # a merchant's staff subscribes: its next read is the primary's (the pin in Redis: a token keeps no cookie)
    made = requests.post(
        f"{base}/api/v1/webhooks",
        json={"url": "https://hooks.example.com/remarket", "topics": ["order.paid"]},
        headers={**HTTPS, "Authorization": f"Bearer {writer}"},
        timeout=TIMEOUT,
    )
    assert made.status_code == 201, made.text
    assert PIN_COOKIE in made.cookies  # a browser keeps this instead
    assert [s["url"] for s in _get(base, "/api/v1/webhooks", writer).json()] == ["https://hooks.example.com/remarket"]
    assert _get(base, "/api/v1/webhooks", colleague).json() == []  # not its write: the replica's answer

    # a new product on the primary: a visitor pinned by its cookie sees it, another reads the replica
    ProductModelFactory(slug="replica-test-phone")
    pinned_cookie = {PIN_COOKIE: made.cookies[PIN_COOKIE]}
    slugs = {p["slug"] for p in _get(base, "/api/v1/catalog/products", limit=500, cookies=pinned_cookie).json()}
    assert "replica-test-phone" in slugs
    assert "replica-test-phone" not in {p["slug"] for p in _get(base, "/api/v1/catalog/products", limit=500).json()}

    # the replica catches up: everyone sees the sale and the subscription
    replica.sync()
    assert _get(base, "/api/v1/reports/gmv", ops, period=year).json()["total"]["orders"] == 1
    assert len(_get(base, "/api/v1/webhooks", colleague).json()) == 1

    # once the pin has lapsed, the writer reads the replica again
    (sub,) = _get(base, "/api/v1/webhooks", writer).json()
    gone = requests.delete(
        f"{base}/api/v1/webhooks/{sub['id']}", headers={**HTTPS, "Authorization": f"Bearer {writer}"}, timeout=TIMEOUT
    )
    assert gone.status_code == 204
    assert _get(base, "/api/v1/webhooks", writer).json() == []  # its own delete, at once
    time.sleep(PIN_SECONDS + 0.5)
    assert len(_get(base, "/api/v1/webhooks", writer).json()) == 1  # the replica, not yet told

    # left running, the stand-in applies the primary's writes after its delay
    replica.resume()
    applied = replica.applied
    deadline = time.monotonic() + 30
    while replica.applied < applied + 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _get(base, "/api/v1/webhooks", colleague).json() == []


def _deploy_env(replica: ReplicaStandIn, **extra) -> dict:
    return {"REDIS_URL": REDIS_URL, "CELERY_BROKER_URL": BROKER, "DATABASE_REPLICA_URL": replica.url, **extra}


def test_check_deploy_checks_the_replica(replica, tmp_path):
    replica.sync()
    done = _run(tmp_path, **_deploy_env(replica))
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert "ok   database replica: postgresql answers" in lines
    assert "ok   migrations (replica): all applied" in lines
    assert any(line.startswith("ok   replica: reports and read-only API pages read from it") for line in lines)
    assert lines[-1] == "the deployment is ready"


def test_check_deploy_refuses_a_replica_it_cannot_use(replica, tmp_path):
    unreachable = _run(tmp_path, **_deploy_env(replica, DATABASE_REPLICA_URL="postgres://postgres@127.0.0.1:1/none"))
    assert unreachable.returncode != 0 and "FAIL database replica" in unreachable.stdout
    assert "(DEPLOY_DATABASE_UNREACHABLE)" in unreachable.stdout

    without_redis = _run(tmp_path, **_deploy_env(replica, REDIS_URL=None))
    assert without_redis.returncode != 0 and "(DEPLOY_REPLICA_WITHOUT_REDIS)" in without_redis.stdout

    # a replica that has not caught up with the last migration yet
    replica.sync()
    replica.pause()
    import psycopg

    with psycopg.connect(replica.url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute("DELETE FROM django_migrations WHERE app = 'webhooks'")
    behind = _run(tmp_path, **_deploy_env(replica))
    replica.sync()
    replica.resume()
    assert behind.returncode != 0, behind.stdout
    assert "FAIL migrations (replica)" in behind.stdout and "(DEPLOY_MIGRATIONS_PENDING)" in behind.stdout
    assert "ok   migrations: all applied" in behind.stdout  # the primary's
