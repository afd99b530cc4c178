import datetime as dt
import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation

from remarket.accounts.models import Role
from remarket.accounts.permissions import Actor
from remarket.accounts.services import api_token_issue
from remarket.markets.models import Channel, Location, Market

from .factories import ListingFactory, ListingMarketFactory, MerchantFactory, UserFactory, VariantFactory

PAY_OK, PAY_DECLINED, PAY_3DS, PAY_TIMEOUT = (
    "4242424242424242",
    "4000000000000002",
    "4000000000003220",
    "4000000000000119",
)
ADDRESS_FR = {
    "first_name": "Victor",
    "last_name": "Hugo",
    "street": "6 place des Vosges",
    "postal_code": "75004",
    "city": "Paris",
    "country": "FR",
    "phone": "06 12 34 56 78",
}


ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language and leaves it so: Django activates a request's language in its
    thread and never resets it, so a French page requested by one test would otherwise speak French to the
    services the next test calls directly."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


def _tax_rates_after_flush(sender, using="default", **kwargs) -> None:
    """A test that commits (transaction=True) ends with a flush, which empties every table, the tax rates that
    migration markets 0003 loaded among them: load them again for the tests that follow, as Django recreates its
    content types after a flush."""
    from remarket.markets.models import TaxRate
    from remarket.markets.services import tax_rates_load

    if sender.label == "markets" and not TaxRate.objects.using(using).exists():
        tax_rates_load()


@pytest.fixture(scope="session", autouse=True)
def _tax_rates_kept_between_tests():
    from django.db.models.signals import post_migrate

    post_migrate.connect(_tax_rates_after_flush, dispatch_uid="tests.tax_rates_after_flush")
    yield
    post_migrate.disconnect(dispatch_uid="tests.tax_rates_after_flush")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: cached markets (shared and per process), product views, tax rates and
    commission rates never leak between tests."""
    from django.core.cache import cache

    from remarket.catalog.selectors import category_rates_forget, images_forget
    from remarket.markets.selectors import markets_forget
    from remarket.markets.tax import tax_rates_changed

    cache.clear()
    tax_rates_changed()
    category_rates_forget()
    images_forget()
    markets_forget()
    yield
    cache.clear()


def database_url() -> str:
    """The URL of the database the tests run on, for processes started by a test."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    return (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer to look at, not to follow


no_redirect = urllib.request.build_opener(_NoRedirect)


@contextmanager
def gunicorn_serving(
    *,
    env: dict[str, str | None] | None = None,
    workers: int = 2,
    cwd: Path = ROOT,
    headers: dict[str, str] | None = None,
):
    """gunicorn on the test database with the test profile (or what `env` sets instead; a None value removes a
    variable), once /healthz answers 200 (asked with `headers`, as a proxy would forward it); stopped by its pid,
    killed if it does not stop in time."""
    port = _free_port()
    full_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "remarket.settings.test",
        "DATABASE_URL": database_url(),
        "REMARKET_SUPERVISE_WORKER": "0",
        **(env or {}),
    }
    full_env = {k: v for k, v in full_env.items() if v is not None}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "remarket.wsgi:application",
            "--config",
            str(ROOT / "remarket" / "cli" / "gunicorn_conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
        ],
        cwd=cwd,
        env=full_env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):  # 15 s at most
            try:
                with no_redirect.open(urllib.request.Request(f"{base}/healthz", headers=headers or {}), timeout=1):
                    break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError("gunicorn exited before serving") from None
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not answer /healthz within 15 s")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture
def server(transactional_db):
    """gunicorn serving the test database (committed data, hence transactional_db). It trusts one proxy: a test
    speaks as many clients by sending X-Forwarded-For (core/http.py client_ip)."""
    with gunicorn_serving(env={"REMARKET_TRUSTED_PROXIES": "1"}) as base:
        yield base


@dataclass
class Marketplace:
    fr: Market
    us: Market
    web_fr: Channel
    web_us: Channel
    store_us: Channel
    nyc: Location


def build_marketplace() -> Marketplace:
    from remarket.markets.fx import FxRate

    fr = Market.objects.create(code="FR", country="FR", currency="EUR", language="fr-FR", time_zone="Europe/Paris")
    us = Market.objects.create(
        code="US",
        country="US",
        currency="USD",
        language="en-US",
        time_zone="America/New_York",
        prices_include_tax=False,
    )
    web_fr = Channel.objects.create(code="web-fr", kind="web", market=fr)
    web_us = Channel.objects.create(code="web-us", kind="web", market=us)
    store_us = Channel.objects.create(code="store-us", kind="store", market=us)
    nyc = Location.objects.create(
        channel=store_us,
        code="nyc-soho",
        name="remarket New York — SoHo",
        town="New York",
        region="NY",
        postcode="10012",
        service_pickup=True,
        service_returns=True,
    )
    FxRate.objects.bulk_create([FxRate(currency="EUR", month=dt.date(2026, m, 1), per_usd="0.8670") for m in (1, 6)])
    return Marketplace(fr, us, web_fr, web_us, store_us, nyc)


@pytest.fixture
def marketplace(db) -> Marketplace:
    return build_marketplace()


@pytest.fixture
def offer(marketplace):
    """A published French offer of 5 units."""
    return ListingMarketFactory(market=marketplace.fr, listing=ListingFactory(quantity=5))


@pytest.fixture
def merchant_user(offer):
    return UserFactory(role=Role.MERCHANT, merchant=offer.listing.merchant)


@pytest.fixture
def merchant_actor(merchant_user) -> Actor:
    return Actor.of(merchant_user)


@pytest.fixture
def merchant_token(merchant_user) -> str:
    return api_token_issue(user=merchant_user, name="test")[1]


@pytest.fixture
def other_merchant_user(marketplace):
    other = ListingMarketFactory(market=marketplace.fr, listing=ListingFactory(merchant=MerchantFactory()))
    return UserFactory(role=Role.MERCHANT, merchant=other.listing.merchant)


@pytest.fixture
def operator_user(db):
    return UserFactory(role=Role.OPERATOR, is_staff=True, is_superuser=True)


__all__ = ["PAY_OK", "PAY_DECLINED", "PAY_3DS", "PAY_TIMEOUT", "ADDRESS_FR", "VariantFactory"]
