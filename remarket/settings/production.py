"""Everything from the environment; TLS terminates at the proxy in front of gunicorn."""

import os

from .base import *  # noqa: F403
from .base import REMARKET, database_from_env, installation_secret, replica_from_env

SECRET_KEY = os.environ["SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
DATABASES = {"default": database_from_env("", os.environ["DATABASE_URL"])}
DATABASES.update(replica_from_env())

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "rm1",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    REMARKET_COUNTERS = "cache"  # Redis's INCR, shared by every app server
# The payment provider. The sandbox only with REMARKET_ALLOW_SANDBOX=1 (a staging site): `remarket check` and
# `remarket serve` refuse it otherwise (remarket/core/checks.py), and its webhook secret is the installation's own.
REMARKET = {
    **REMARKET,
    "PROFILE": "production",
    "ALLOW_SANDBOX": os.environ.get("REMARKET_ALLOW_SANDBOX") == "1",
    "WEBHOOK_SECRET": os.environ.get("REMARKET_WEBHOOK_SECRET") or installation_secret("webhook-secret"),
}

if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
