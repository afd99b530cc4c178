import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_production_settings_pass_check_deploy(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "remarket.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "shop.example.com",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REMARKET_ALLOW_SANDBOX": "1",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_passwords_are_hashed_with_argon2_outside_tests():
    from remarket.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def _check(env_over: dict, tmp_path, *args) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "remarket.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "shop.example.com",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **env_over,
    }
    env = {k: v for k, v in env.items() if v is not None}
    remarket = str(Path(sys.executable).parent / "remarket")  # the installed command, run where var/ is fresh
    return subprocess.run(
        [remarket, "check", *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_the_sandbox_gateway_unless_allowed_explicitly(tmp_path):
    refused = _check({"REMARKET_ALLOW_SANDBOX": None}, tmp_path)
    assert refused.returncode != 0 and "remarket.E001" in refused.stderr
    allowed = _check({"REMARKET_ALLOW_SANDBOX": "1"}, tmp_path)
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
    # the sandbox's webhook secret was generated for this installation, not taken from the repository
    secret = (tmp_path / "var" / "webhook-secret").read_text()
    assert len(secret) >= 50 and secret != "sandbox-webhook-secret"
    assert (tmp_path / "var" / "webhook-secret").stat().st_mode & 0o777 == 0o600


def test_production_refuses_default_secrets(tmp_path):
    weak_key = _check({"REMARKET_ALLOW_SANDBOX": "1", "SECRET_KEY": "test-only-not-secret"}, tmp_path)
    assert weak_key.returncode != 0 and "remarket.E002" in weak_key.stderr
    old_constant = _check(
        {"REMARKET_ALLOW_SANDBOX": "1", "REMARKET_WEBHOOK_SECRET": "sandbox-webhook-secret"}, tmp_path
    )
    assert old_constant.returncode != 0 and "remarket.E003" in old_constant.stderr


def test_a_bare_gunicorn_on_the_production_profile_refuses_the_sandbox(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "remarket.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "shop.example.com",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    env.pop("REMARKET_ALLOW_SANDBOX", None)
    result = subprocess.run(
        [sys.executable, "-c", "import remarket.wsgi"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "remarket.E001" in result.stderr


def test_production_with_stripe_needs_its_secrets(tmp_path):
    stripe = {
        "REMARKET_PAYMENT_GATEWAY": "remarket.payments.stripe_gateway.StripeGateway",
        "REMARKET_ALLOW_SANDBOX": None,
    }
    missing = _check(stripe, tmp_path)
    assert missing.returncode != 0 and "remarket.E004" in missing.stderr and "remarket.E001" not in missing.stderr
    keys = {
        "STRIPE_SECRET_KEY": "sk_test_" + secrets.token_hex(12),
        "STRIPE_WEBHOOK_SECRET": "whsec_" + secrets.token_hex(16),
    }
    no_publishable = _check({**stripe, **keys}, tmp_path)  # the checkout page could not show its card field
    assert no_publishable.returncode != 0 and "remarket.E004" in no_publishable.stderr
    configured = _check(
        {**stripe, **keys, "STRIPE_PUBLISHABLE_KEY": "pk_test_" + secrets.token_hex(12)}, tmp_path, "--deploy"
    )
    assert configured.returncode == 0, configured.stdout + configured.stderr
