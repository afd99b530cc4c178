"""Sign-up, e-mail login, password reset by mail and e-mail change, through the pages a customer uses; refusals
carry their code and change nothing; sign-up and reset requests are limited per client address."""

import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client

from remarket.accounts.models import Role, User
from remarket.core.models import RateCounter
from remarket.events.models import OutboxEvent
from remarket.events.outbox import drain
from remarket.orders.models import Order

from ..conftest import ADDRESS_FR, PAY_OK
from ..factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"
NEW_PASSWORD = "a longer staple of words"


def signup(client: Client, email="ada@example.com", ip="203.0.113.5", **extra):
    form = {"email": email, "password": PASSWORD, "password2": PASSWORD, "first_name": "Ada", **extra}
    return client.post("/signup/", form, REMOTE_ADDR=ip)


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0).split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def test_signup_logs_the_customer_in_and_they_log_in_again_by_email(client):
    response = signup(client, email="  Ada@Example.com ")
    assert response.status_code == 302 and response["Location"] == "/account/"
    user = User.objects.get()
    assert (user.username, user.email, user.role, user.first_name) == (
        "ada@example.com",
        "ada@example.com",
        Role.CUSTOMER,
        "Ada",
    )
    assert client.session["_auth_user_id"] == str(user.pk)
    other = Client()
    ok = other.post("/login/", {"username": "ADA@example.com", "password": PASSWORD})
    assert ok.status_code == 302 and other.session["_auth_user_id"] == str(user.pk)


@pytest.mark.parametrize(
    ("form", "code"),
    [
        ({"email": "not-an-address"}, "ACCOUNT_EMAIL_INVALID"),
        ({"email": "a" * 140 + "@example.com"}, "ACCOUNT_EMAIL_INVALID"),  # longer than a username
        ({"password": "short", "password2": "short"}, "ACCOUNT_PASSWORD_WEAK"),
        ({"password2": "something else entirely"}, "ACCOUNT_PASSWORDS_DIFFER"),
    ],
)
def test_a_refused_signup_says_why_and_creates_nothing(client, form, code):
    response = signup(client, **form) if "email" not in form else signup(client, email=form["email"])
    assert response.status_code == 400
    assert f'data-code="{code}"' in response.content.decode()
    assert not User.objects.exists() and "_auth_user_id" not in client.session


def test_an_address_signs_up_once_whatever_its_case(client):
    UserFactory(username="ada", email="ada@example.com")
    response = signup(client, email="ADA@example.com")
    assert response.status_code == 400 and 'data-code="ACCOUNT_EMAIL_TAKEN"' in response.content.decode()
    assert User.objects.count() == 1


def test_signups_are_limited_per_client_address(settings):
    settings.REMARKET = {**settings.REMARKET, "ACCOUNT_LIMITS": {"SIGNUP_PER_HOUR": 3, "RESET_PER_HOUR": 3}}
    for n in range(3):
        assert signup(Client(), email=f"a{n}@example.com").status_code == 302
    refused = signup(Client(), email="a3@example.com")
    assert refused.status_code == 429 and refused["Retry-After"]
    assert 'data-code="ACCOUNT_THROTTLED"' in refused.content.decode()
    assert not User.objects.filter(email="a3@example.com").exists()
    # another address is not held back
    assert signup(Client(), email="a3@example.com", ip="198.51.100.9").status_code == 302
    assert RateCounter.objects.filter(key__startswith="account:signup:ip:203.0.113.5").get().count == 4


def test_email_login_stays_under_the_lockout(client):
    UserFactory(username="ada@example.com", email="ada@example.com")
    for _ in range(4):
        assert client.post("/login/", {"username": "Ada@example.com", "password": "x"}).status_code == 200
    assert client.post("/login/", {"username": "ada@EXAMPLE.com", "password": "x"}).status_code == 429
    assert AccessAttempt.objects.get().username == "ada@example.com"
    locked = client.post("/login/", {"username": "ada@example.com", "password": PASSWORD})
    assert locked.status_code == 429 and "_auth_user_id" not in client.session


def test_staff_still_log_in_with_their_username(client, marketplace):
    UserFactory(username="clerk-nyc", email="clerk@example.com", role=Role.CLERK, location=marketplace.nyc)
    response = client.post("/login/", {"username": "clerk-nyc", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/account/")["Location"] == "/pos/"


def test_password_reset_by_mail_in_the_market_language(client, marketplace):
    user = UserFactory(username="ada@example.com", email="ada@example.com")
    client.cookies["market"] = "fr"
    page = client.post("/password-reset/", {"email": "ADA@example.com"}, REMOTE_ADDR="203.0.113.5")
    assert page.status_code == 200 and "data-sent" in page.content.decode()
    assert OutboxEvent.objects.get().topic == "account.password_reset"
    drain()
    (message,) = mail.outbox
    assert message.to == ["ada@example.com"] and message.subject == "Réinitialisez votre mot de passe remarket"
    path = link_in(message)
    assert client.get(path).status_code == 200
    differ = client.post(path, {"password": NEW_PASSWORD, "password2": "nope"})
    assert 'data-code="ACCOUNT_PASSWORDS_DIFFER"' in differ.content.decode()
    done = client.post(path, {"password": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/login/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # the link worked once
    again = client.post(path, {"password": PASSWORD, "password2": PASSWORD})
    assert again.status_code == 400 and 'data-code="ACCOUNT_RESET_LINK_INVALID"' in again.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_a_reset_for_an_unknown_address_answers_the_same_and_sends_nothing(client):
    page = client.post("/password-reset/", {"email": "nobody@example.com"})
    assert page.status_code == 200 and "data-sent" in page.content.decode()
    assert not OutboxEvent.objects.exists()


def test_a_forged_reset_link_is_refused(client):
    user = UserFactory(username="ada@example.com", email="ada@example.com")
    response = client.post("/password-reset/MQ/forged-token/", {"password": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 400 and 'data-code="ACCOUNT_RESET_LINK_INVALID"' in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_reset_requests_are_limited_per_client_address(client, settings):
    settings.REMARKET = {**settings.REMARKET, "ACCOUNT_LIMITS": {"SIGNUP_PER_HOUR": 3, "RESET_PER_HOUR": 2}}
    UserFactory(username="ada@example.com", email="ada@example.com")
    for _ in range(2):
        assert client.post("/password-reset/", {"email": "ada@example.com"}).status_code == 200
    refused = client.post("/password-reset/", {"email": "ada@example.com"})
    assert refused.status_code == 429 and 'data-code="ACCOUNT_THROTTLED"' in refused.content.decode()
    assert OutboxEvent.objects.count() == 2


def test_email_change_takes_effect_once_the_new_address_confirms(client):
    user = UserFactory(username="ada@example.com", email="ada@example.com")
    client.force_login(user)
    wrong = client.post("/account/email/", {"email": "ada@new.example", "password": "nope"})
    assert wrong.status_code == 400 and 'data-code="ACCOUNT_PASSWORD_WRONG"' in wrong.content.decode()
    assert not OutboxEvent.objects.exists()
    sent = client.post("/account/email/", {"email": "Ada@New.example", "password": PASSWORD})
    assert sent.status_code == 200 and "ada@new.example" in sent.content.decode()
    user.refresh_from_db()
    assert user.email == "ada@example.com"  # not before the new address confirms
    drain()
    confirm, notice = mail.outbox
    assert confirm.to == ["ada@new.example"] and notice.to == ["ada@example.com"]
    path = link_in(confirm)
    done = Client().get(path)
    assert done.status_code == 200 and "data-confirmed" in done.content.decode()
    user.refresh_from_db()
    assert (user.email, user.username) == ("ada@new.example", "ada@new.example")
    assert Client().post("/login/", {"username": "ada@new.example", "password": PASSWORD}).status_code == 302
    again = Client().get(path)
    assert again.status_code == 400 and 'data-code="ACCOUNT_EMAIL_LINK_INVALID"' in again.content.decode()


def test_email_change_to_a_taken_address_is_refused(client):
    user = UserFactory(username="ada@example.com", email="ada@example.com")
    UserFactory(username="bob", email="bob@example.com")
    client.force_login(user)
    response = client.post("/account/email/", {"email": "BOB@example.com", "password": PASSWORD})
    assert response.status_code == 400 and 'data-code="ACCOUNT_EMAIL_TAKEN"' in response.content.decode()
    assert not OutboxEvent.objects.exists()


def test_guest_checkout_needs_no_account(client, offer):
    client.post("/fr/cart/add/", {"listing_id": offer.listing_id, "quantity": 1})
    form = {**ADDRESS_FR, "email": "guest@example.com", "card_number": PAY_OK}
    response = client.post("/fr/checkout/", form)
    order = Order.objects.get()
    assert response.status_code == 302 and order.customer_id is None and order.payment.status == "captured"
    assert not User.objects.exists()
    assert client.get(response["Location"]).status_code == 200


def test_signup_keeps_the_anonymous_cart(client, offer):
    client.post("/fr/cart/add/", {"listing_id": offer.listing_id, "quantity": 1})
    signup(client)
    from remarket.checkout.cart import saved_cart_get

    assert saved_cart_get(user_id=User.objects.get().pk)


def test_with_redis_the_limit_is_counted_there(settings):
    """In production with REDIS_URL the counters are Redis's: the sign-up limit is counted there, once per
    attempt, and holds for every app server reading the same key."""
    import os
    import secrets

    import redis

    url = os.environ.get("REMARKET_TEST_REDIS_URL", "redis://127.0.0.1:6379/9")
    store, prefix = redis.Redis.from_url(url), f"test-{secrets.token_hex(6)}"  # its own keys: the db may be shared
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url, "KEY_PREFIX": prefix}
    }
    settings.REMARKET_COUNTERS = "cache"
    settings.REMARKET = {**settings.REMARKET, "ACCOUNT_LIMITS": {"SIGNUP_PER_HOUR": 2, "RESET_PER_HOUR": 2}}
    try:
        assert signup(Client(), email="a0@example.com").status_code == 302
        assert signup(Client(), email="not-an-address").status_code == 400  # a refused attempt counts too
        refused = signup(Client(), email="a2@example.com")
        assert refused.status_code == 429 and 'data-code="ACCOUNT_THROTTLED"' in refused.content.decode()
        (key,) = [k for k in store.keys(f"{prefix}:*") if b"account:signup:ip:203.0.113.5" in k]
        assert int(store.get(key)) == 3
        assert not RateCounter.objects.exists()  # nothing counted in the database
        assert list(User.objects.values_list("email", flat=True)) == ["a0@example.com"]
    finally:
        for key in store.keys(f"{prefix}:*"):
            store.delete(key)
