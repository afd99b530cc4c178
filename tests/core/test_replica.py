"""The replica's routing and read-your-writes pin (core/replica.py) on the suite's database: which database each
query of a view goes to, and when a request pins its author to the primary. The replica itself, served for real,
is tests/postgres/test_replica.py."""

import os
import subprocess
import sys
import time

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory

from remarket.accounts.models import Role, User
from remarket.catalog.models import Category
from remarket.core import replica
from remarket.core.replica import PIN_COOKIE, ReplicaPinMiddleware, ReplicaRouter, pinned, replica_reads

from ..conftest import database_url
from ..factories import UserFactory
from ..test_check_deploy import _run

pytestmark = pytest.mark.django_db
router = ReplicaRouter()


@pytest.fixture
def with_replica(monkeypatch):
    """As if DATABASE_REPLICA_URL were set: only where queries go is looked at, none is sent to it."""
    monkeypatch.setattr(replica, "replica_configured", lambda: True)


def _request(method: str = "GET", user=None, cookies: dict | None = None):
    request = getattr(RequestFactory(), method.lower())("/")
    request.COOKIES.update(cookies or {})
    if user is not None:
        request.user = user
    return request


def _where(request) -> tuple[str, str]:
    """Where a report's query and a token's lookup go inside a view that opted in."""

    @replica_reads
    def view(request):
        return Category.objects.all().db, router.db_for_read(User)

    return view(request)


def test_without_a_replica_every_read_is_the_primarys():
    assert _where(_request()) == ("default", "default")
    assert Category.objects.all().db == "default"


def test_views_that_opt_in_read_the_replica_but_never_for_identity(with_replica):
    assert _where(_request()) == ("replica", "default")
    assert Category.objects.all().db == "default"  # outside such a view
    assert router.db_for_write(Category) == "default"
    assert router.allow_migrate("default", "catalog") and not router.allow_migrate("replica", "catalog")


def test_a_pin_cookie_or_the_users_cache_entry_keeps_the_primary(with_replica):
    user = UserFactory(role=Role.OPERATOR)
    assert _where(_request(cookies={PIN_COOKIE: f"{time.time() + 60:.0f}"}))[0] == "default"
    assert _where(_request(cookies={PIN_COOKIE: f"{time.time() - 1:.0f}"}))[0] == "replica"  # lapsed
    assert _where(_request(cookies={PIN_COOKIE: "not-a-time"}))[0] == "replica"
    assert not pinned(_request(user=user))
    cache.set(f"replica:pin:user:{user.pk}", "1", 60)
    assert _where(_request(user=user))[0] == "default"


def _through_middleware(request, view):
    return ReplicaPinMiddleware(view)(request)


@pytest.mark.parametrize(
    ("method", "status", "writes", "pins"),
    [
        ("POST", 200, False, True),  # a form or an API call answered: it wrote
        ("DELETE", 204, False, True),
        ("POST", 400, False, False),  # refused: nothing changed
        ("GET", 200, False, False),
        ("GET", 200, True, True),  # a read page that wrote through the ORM
    ],
)
def test_a_request_that_wrote_pins_its_author(with_replica, settings, method, status, writes, pins):
    settings.REMARKET = {**settings.REMARKET, "REPLICA_PIN_SECONDS": 7}
    user = UserFactory(role=Role.OPERATOR)

    def view(request):
        if writes:
            Category.objects.create(slug="written", name="Written")
        return HttpResponse(status=status)

    response = _through_middleware(_request(method, user=user), view)
    assert (PIN_COOKIE in response.cookies) is pins
    assert bool(cache.get(f"replica:pin:user:{user.pk}")) is pins
    if pins:
        assert response.cookies[PIN_COOKIE]["max-age"] == 7 and response.cookies[PIN_COOKIE]["httponly"]
        assert pinned(_request(user=user)) and pinned(
            _request(cookies={PIN_COOKIE: response.cookies[PIN_COOKIE].value})
        )


def test_without_a_replica_nothing_is_pinned():
    response = _through_middleware(_request("POST"), lambda request: HttpResponse())
    assert PIN_COOKIE not in response.cookies


def test_the_replica_setting_comes_from_the_environment():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "remarket.settings.test",
        "DATABASE_REPLICA_URL": "postgres://reader@replica.internal:5433/remarket",
        "REMARKET_REPLICA_PIN_SECONDS": "4",
    }
    code = (
        "import django; django.setup(); from django.conf import settings as s; r = s.DATABASES['replica']; "
        "print(r['HOST'], r['PORT'], r['NAME'], r['USER'], r['OPTIONS']['options'].replace(' ', '_'), "
        "r['TEST']['MIRROR'], s.REMARKET['REPLICA_PIN_SECONDS'], s.DATABASE_ROUTERS[0])"
    )
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == [
        "replica.internal",
        "5433",
        "remarket",
        "reader",
        "-c_default_transaction_read_only=on",
        "default",
        "4",
        "remarket.core.replica.ReplicaRouter",
    ], done.stderr


@pytest.mark.django_db(transaction=True)
def test_check_deploy_wants_a_shared_cache_with_a_replica(tmp_path):
    done = _run(tmp_path, DATABASE_REPLICA_URL=database_url())
    assert done.returncode != 0
    assert "ok   database replica:" in done.stdout and "ok   migrations (replica): all applied" in done.stdout
    assert "FAIL replica: read-your-writes needs a cache every app server shares" in done.stdout
    assert "(DEPLOY_REPLICA_WITHOUT_REDIS)" in done.stdout
