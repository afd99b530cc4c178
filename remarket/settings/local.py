"""What `make run` uses: one laptop, SQLite under var/, DEBUG off, plain-HTTP cookies."""
import os
import secrets

from .base import *  # noqa: F403
from .base import VAR_DIR, database_from_env

VAR_DIR.mkdir(exist_ok=True)
_key_file = VAR_DIR / "secret-key"
if not _key_file.exists():
    _key_file.write_text(secrets.token_urlsafe(50))
    _key_file.chmod(0o600)
SECRET_KEY = _key_file.read_text().strip()

DEBUG = os.environ.get("REMARKET_DEBUG") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
DATABASES = {"default": database_from_env(f"sqlite:///{VAR_DIR / 'remarket.sqlite3'}", os.environ.get("DATABASE_URL"))}
