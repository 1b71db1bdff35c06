"""A real server and a real headless Chromium (Debian's, never a downloaded one)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def _open_page(browser, base_url: str, bypass_csp: bool):
    context = browser.new_context(base_url=base_url, locale="de-DE", bypass_csp=bypass_csp)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


@pytest.fixture
def page(browser, live_server):
    context, page = _open_page(browser, live_server, bypass_csp=False)
    yield page
    context.close()


@pytest.fixture
def axe_page(browser, live_server):
    """A page whose context lets the test inject axe-core (CSP bypassed for the injected script only)."""
    context, page = _open_page(browser, live_server, bypass_csp=True)
    yield page
    context.close()
