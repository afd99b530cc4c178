"""End-to-end: a real gunicorn process on the test database, driven by Debian's headless Chromium."""
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(transactional_db):
    """gunicorn serving the test database (committed data, hence transactional_db); stopped by its pid."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{settings['NAME']}"
    else:
        url = f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "remarket.settings.test", "DATABASE_URL": url,
           "REMARKET_SUPERVISE_WORKER": "0"}
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "remarket.wsgi:application", "--config",
                             str(ROOT / "remarket" / "cli" / "gunicorn_conf.py"), "--bind", f"127.0.0.1:{port}",
                             "--workers", "2"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError("gunicorn exited before serving")
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=15)


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is required for the browser tests: `make browser` installs it"
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the ORM checks run beside Playwright's event loop
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        try:
            yield browser.new_page()
        finally:
            browser.close()
