"""Login throttling (django-axes) on the site's login form and the admin's: the fifth wrong password in a row locks
that username from that address for the cool-off, with a page saying so (429); another address is not locked."""

import pytest
from axes.models import AccessAttempt
from django.test import Client

from remarket.accounts.models import Role

from ..factories import UserFactory

PASSWORD = "correct horse battery"


@pytest.fixture
def customer(db):
    user = UserFactory(role=Role.CUSTOMER, username="ada")
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def operator(db):
    user = UserFactory(role=Role.OPERATOR, username="ops", is_staff=True, is_superuser=True)
    user.set_password(PASSWORD)
    user.save()
    return user


def _fail_five_times(client: Client, url: str, username: str) -> None:
    for _ in range(4):
        response = client.post(url, {"username": username, "password": "wrong"}, REMOTE_ADDR="203.0.113.7")
        assert response.status_code == 200
    fifth = client.post(url, {"username": username, "password": "wrong"}, REMOTE_ADDR="203.0.113.7")
    assert fifth.status_code == 429


@pytest.mark.parametrize("url", ["/login/", "/admin/login/"])
def test_five_failures_lock_that_username_from_that_address(url, customer, operator):
    username = "ops" if url.startswith("/admin") else "ada"
    attacker = Client()
    _fail_five_times(attacker, url, username)
    locked = attacker.post(url, {"username": username, "password": PASSWORD}, REMOTE_ADDR="203.0.113.7")
    assert locked.status_code == 429
    assert b'data-code="LOGIN_LOCKED"' in locked.content
    assert b"paused for 15 minutes" in locked.content
    assert "_auth_user_id" not in attacker.session
    # the account's owner, elsewhere, still logs in
    owner = Client()
    ok = owner.post(url, {"username": username, "password": PASSWORD}, REMOTE_ADDR="198.51.100.20")
    assert ok.status_code == 302
    assert owner.session["_auth_user_id"] == str((operator if username == "ops" else customer).pk)


def test_a_success_before_the_limit_forgets_the_failures(customer):
    client = Client()
    for _ in range(4):
        client.post("/login/", {"username": "ada", "password": "wrong"}, REMOTE_ADDR="203.0.113.7")
    assert AccessAttempt.objects.get(username="ada").failures_since_start == 4
    assert (
        client.post("/login/", {"username": "ada", "password": PASSWORD}, REMOTE_ADDR="203.0.113.7").status_code == 302
    )
    assert not AccessAttempt.objects.filter(username="ada").exists()
