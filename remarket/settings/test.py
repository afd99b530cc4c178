"""The suite: SQLite by default, PostgreSQL when DATABASE_URL says so."""

import os

from .base import *  # noqa: F403
from .base import REMARKET, VAR_DIR, database_from_env, installation_secret, replica_from_env

VAR_DIR.mkdir(exist_ok=True)
# the same generated file the tests' own gunicorn reads, so a test can sign what the server verifies
REMARKET = {**REMARKET, "WEBHOOK_SECRET": installation_secret("webhook-secret"), "PROFILE": "test"}
SECRET_KEY = "test-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]
DATABASES = {"default": database_from_env(f"sqlite:///{VAR_DIR / 'test.sqlite3'}", os.environ.get("DATABASE_URL"))}
# A file, not memory, so that the end-to-end tests' gunicorn sees the same database; one per test process.
DATABASES["default"]["TEST"] = {
    "NAME": None if "DATABASE_URL" in os.environ else str(VAR_DIR / f"test-db-{os.getpid()}.sqlite3")
}
DATABASES.update(replica_from_env())  # for the servers a test starts with DATABASE_REPLICA_URL
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; production uses argon2
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING = {"version": 1, "disable_existing_loggers": False}
WHITENOISE_AUTOREFRESH = True  # serve static files from the apps, no collectstatic needed in tests
WHITENOISE_USE_FINDERS = True
