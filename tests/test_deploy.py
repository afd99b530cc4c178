import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_production_settings_pass_check_deploy(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "remarket.settings.production",
           "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "shop.example.com",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_passwords_are_hashed_with_argon2_outside_tests():
    from remarket.settings import base
    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
