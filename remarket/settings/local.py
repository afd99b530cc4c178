"""What `make run` uses: one laptop, SQLite under var/, DEBUG off, plain-HTTP cookies; the secret key and the
sandbox's webhook secret generated into var/ on the first run."""

import os

from .base import *  # noqa: F403
from .base import REMARKET, VAR_DIR, database_from_env, installation_secret

SECRET_KEY = installation_secret("secret-key")
REMARKET = {**REMARKET, "WEBHOOK_SECRET": installation_secret("webhook-secret"), "PROFILE": "local"}

DEBUG = os.environ.get("REMARKET_DEBUG") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
DATABASES = {"default": database_from_env(f"sqlite:///{VAR_DIR / 'remarket.sqlite3'}", os.environ.get("DATABASE_URL"))}
