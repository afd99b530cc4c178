"""`remarket check-deploy` against the services this machine runs: the test database, Redis and RabbitMQ answer;
a closed port, pending migrations or the sandbox gateway in production fail with their code and a non-zero exit.
The environment variables the README documents for running at scale are read as documented."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from .celery_live import BROKER
from .conftest import database_url

pytestmark = pytest.mark.django_db(transaction=True)
REDIS_URL = os.environ.get("REMARKET_TEST_REDIS_URL", "redis://127.0.0.1:6379/9")
REMARKET = str(Path(sys.executable).parent / "remarket")


def _run(tmp_path, **env) -> subprocess.CompletedProcess:
    full = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "remarket.settings.production",
        "DATABASE_URL": database_url(),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "shop.example.com",
        "REMARKET_ALLOW_SANDBOX": "1",
        **env,
    }
    full = {k: v for k, v in full.items() if v is not None}
    return subprocess.run(
        [REMARKET, "check-deploy"], cwd=tmp_path, env=full, capture_output=True, text=True, timeout=120
    )


def test_a_deployment_with_its_database_redis_and_broker_answering_is_ready(tmp_path):
    done = _run(tmp_path, REDIS_URL=REDIS_URL, CELERY_BROKER_URL=BROKER)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("ok   database default:") and "ok   migrations: all applied" in lines
    assert "ok   redis: cache, sessions and rate counters answer" in lines
    assert "ok   broker: amqp answers" in lines and lines[-1] == "the deployment is ready"


@pytest.mark.parametrize(
    ("env", "code"),
    [
        ({"REDIS_URL": "redis://127.0.0.1:1/0"}, "DEPLOY_REDIS_UNREACHABLE"),
        ({"CELERY_BROKER_URL": "amqp://guest:guest@127.0.0.1:1//"}, "DEPLOY_BROKER_UNREACHABLE"),
        ({"REMARKET_ALLOW_SANDBOX": None}, "DEPLOY_UNSAFE"),
        ({"DATABASE_URL": "postgres://postgres@127.0.0.1:1/none"}, "DEPLOY_DATABASE_UNREACHABLE"),
    ],
)
def test_what_does_not_answer_or_is_unsafe_fails_with_its_code(tmp_path, env, code):
    done = _run(tmp_path, **env)
    assert done.returncode != 0
    assert f"({code})" in done.stdout and code in done.stderr, done.stdout + done.stderr


def test_pending_migrations_fail(tmp_path):
    from django.db import connection

    with connection.cursor() as cursor:  # as if the webhooks' migration had not run yet
        cursor.execute("SELECT app, name, applied FROM django_migrations WHERE app = 'webhooks'")
        applied = cursor.fetchall()
        cursor.execute("DELETE FROM django_migrations WHERE app = 'webhooks'")
    try:
        done = _run(tmp_path)
    finally:
        with connection.cursor() as cursor:
            cursor.executemany("INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, %s)", applied)
    assert done.returncode != 0 and "(DEPLOY_MIGRATIONS_PENDING)" in done.stdout, done.stdout
    assert "webhooks.0001_initial" in done.stdout


def test_the_documented_environment_reaches_the_settings(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "remarket.settings.test",
        "CELERY_BROKER_URL": BROKER,
        "REMARKET_OUTBOX_MAX_ATTEMPTS": "4",
        "REMARKET_OUTBOX_RELAY_SECONDS": "0.25",
        "REMARKET_WEBHOOK_TIMEOUT_SECONDS": "2.5",
        "REMARKET_WEBHOOK_MAX_ATTEMPTS": "3",
    }
    code = (
        "import django; django.setup(); from django.conf import settings as s; r = s.REMARKET; "
        "print(s.CELERY_BROKER_URL, r['OUTBOX_MAX_ATTEMPTS'], r['OUTBOX_RELAY_SECONDS'], "
        "r['WEBHOOK_TIMEOUT_SECONDS'], r['WEBHOOK_MAX_ATTEMPTS'])"
    )
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == [BROKER, "4", "0.25", "2.5", "3"], done.stderr
