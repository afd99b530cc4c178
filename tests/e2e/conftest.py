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
        browser = p.chromium.launch(
            executable_path=chromium,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        try:
            yield browser.new_page()
        finally:
            browser.close()


def merchant_ships(page, server: str, suborder_id: int, tracking_number: str) -> None:
    """The merchant `seller` (password "correct horse battery") logs in, accepts and ships a sub-order."""
    page.goto(f"{server}/merchant/")
    page.fill('input[name="username"]', "seller")
    page.fill('input[name="password"]', "correct horse battery")
    page.click("button[type=submit]")
    page.click(f'[data-suborder="{suborder_id}"] a')
    page.click("text=Accept order")
    page.fill('input[name="tracking_number"]', tracking_number)
    page.click("text=Mark as shipped")
    page.wait_for_selector("text=Shipped with")
