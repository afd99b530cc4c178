import datetime as dt
import json
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from remarket.core import clock

NOW = dt.datetime(2026, 11, 27, 15, 0, tzinfo=dt.UTC)
SMALL = {"merchants": 5, "listings": 300, "orders": 400, "seed": 7}


@dataclass
class Demo:
    credentials_path: Path
    credentials: dict
    output: str


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """One small demo for the module, built at a frozen time inside a transaction rolled back at the end;
    each test runs in a savepoint within it."""
    path = tmp_path_factory.mktemp("demo") / "demo-credentials.json"
    out = StringIO()
    with django_db_blocker.unblock(), clock.frozen(NOW):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("demo", credentials=path, stdout=out, verbosity=0, **SMALL)
            yield Demo(path, json.loads(path.read_text()), out.getvalue())
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
