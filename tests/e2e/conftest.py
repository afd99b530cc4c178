"""End-to-end: a real gunicorn process on the test database (tests/conftest.py `server`), driven by Debian's
headless Chromium."""
import shutil

import pytest


@pytest.fixture
def page(monkeypatch):
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is required for the browser tests: `make browser` installs it"
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM checks run beside Playwright's event loop
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        try:
            yield browser.new_page()
        finally:
            browser.close()
