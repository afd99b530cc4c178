"""Sign-ups racing on PostgreSQL: eight requests for one address (whatever its case) make one account, the others
are refused with ACCOUNT_EMAIL_TAKEN (never a 500); the per-address counter counts every attempt exactly once."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from remarket.accounts.identity import customer_signup
from remarket.accounts.models import User
from remarket.core.errors import DomainError
from remarket.core.models import RateCounter

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
RACERS = 8


@pytest.fixture(autouse=True)
def _postgres_only():
    assert connection.vendor == "postgresql", "run these with DATABASE_URL=postgres://... (make test-postgres)"


def _signup(n: int) -> str:
    try:
        email = "ada@example.com" if n % 2 else "ADA@Example.com"
        return str(customer_signup(email=email, password="correct horse battery", client_ip="203.0.113.9").pk)
    except DomainError as err:
        return err.code
    finally:
        connections.close_all()


def test_one_address_racing_to_sign_up_makes_one_account(settings):
    settings.REMARKET = {**settings.REMARKET, "ACCOUNT_LIMITS": {"SIGNUP_PER_HOUR": 100, "RESET_PER_HOUR": 100}}
    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        results = list(pool.map(_signup, range(RACERS)))
    (user,) = User.objects.all()
    assert results.count(str(user.pk)) == 1 and results.count("ACCOUNT_EMAIL_TAKEN") == RACERS - 1
    assert user.email == "ada@example.com"
    assert RateCounter.objects.get(key__startswith="account:signup:ip:203.0.113.9").count == RACERS
