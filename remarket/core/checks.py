"""System checks that make the production profile refuse what is only for demos: `remarket check` fails, and so
does `remarket serve` (Django runs the checks before a command) and a bare gunicorn (remarket/wsgi.py)."""

from django.conf import settings
from django.core.checks import Error, register

SANDBOX = "remarket.payments.sandbox.SandboxGateway"
STRIPE = "remarket.payments.stripe_gateway.StripeGateway"
# secrets that were once constants in the repository, or are obviously not secret
KNOWN = {"sandbox-webhook-secret", "test-only-not-secret", "changeme", "secret"}


def _weak(value: str) -> bool:
    return len(value) < 32 or value in KNOWN or "insecure" in value.lower()


@register()
def production_is_safe(app_configs=None, **kwargs) -> list[Error]:
    remarket = settings.REMARKET
    if remarket.get("PROFILE") != "production":
        return []
    errors = []
    if remarket["PAYMENT_GATEWAY"] == SANDBOX and not remarket.get("ALLOW_SANDBOX"):
        errors.append(
            Error(
                "The production profile runs with the sandbox payment gateway, which takes no real money and whose "
                "payments anyone can fake.",
                id="remarket.E001",
                hint="Set REMARKET_PAYMENT_GATEWAY to a real provider, or REMARKET_ALLOW_SANDBOX=1 for a staging site.",
            )
        )
    if _weak(settings.SECRET_KEY):
        errors.append(
            Error(
                "SECRET_KEY is short or a known default.",
                id="remarket.E002",
                hint="Set SECRET_KEY to 50 random characters, e.g. python -c 'import secrets; "
                "print(secrets.token_urlsafe(50))'.",
            )
        )
    if remarket["PAYMENT_GATEWAY"] == STRIPE:
        stripe = remarket.get("STRIPE", {})
        if (
            not stripe.get("SECRET_KEY", "").startswith(("sk_", "rk_"))
            or not stripe.get("WEBHOOK_SECRET")
            or not stripe.get("PUBLISHABLE_KEY", "").startswith("pk_")
        ):
            errors.append(
                Error(
                    "The Stripe gateway needs its secret key, its publishable key and its webhook signing secret.",
                    id="remarket.E004",
                    hint="Set STRIPE_SECRET_KEY (sk_live_... or a restricted rk_ key), STRIPE_PUBLISHABLE_KEY "
                    "(pk_live_..., for the checkout page's card field) and STRIPE_WEBHOOK_SECRET (whsec_... of the "
                    "/payments/webhook endpoint).",
                )
            )
    if remarket["PAYMENT_GATEWAY"] == SANDBOX and _weak(remarket.get("WEBHOOK_SECRET", "")):
        errors.append(
            Error(
                "The sandbox's webhook secret is short or a known default.",
                id="remarket.E003",
                hint="Unset REMARKET_WEBHOOK_SECRET to use the one generated into var/, or set 32+ random characters.",
            )
        )
    return errors


def refuse_unsafe_start() -> None:
    """For processes that run no management command (gunicorn on remarket.wsgi): refuse to serve."""
    from django.core.exceptions import ImproperlyConfigured

    errors = production_is_safe()
    if errors:
        raise ImproperlyConfigured("; ".join(f"{e.id}: {e.msg} {e.hint}" for e in errors))
