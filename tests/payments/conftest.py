import pytest

from remarket.payments.gateway import gateway

from .stripe_standin import StripeStandin

WEBHOOK_SECRET = "whsec_standin"


@pytest.fixture
def standin(settings):
    """Stripe's stand-in on 127.0.0.1, and the StripeGateway pointed at it (short timeout, no library retries,
    so a hung or dropped call is a GatewayTimeout at once)."""
    fake = StripeStandin(WEBHOOK_SECRET).start()
    settings.REMARKET = {
        **settings.REMARKET,
        "PAYMENT_GATEWAY": "remarket.payments.stripe_gateway.StripeGateway",
        "STRIPE": {
            "SECRET_KEY": "sk_test_standin",
            "WEBHOOK_SECRET": WEBHOOK_SECRET,
            "API_BASE": fake.base,
            "KEY_PREFIX": "rmk-test-",
            "TIMEOUT": 1,
            "MAX_NETWORK_RETRIES": 0,
        },
    }
    gateway.cache_clear()
    try:
        yield fake
    finally:
        gateway.cache_clear()
        fake.stop()
