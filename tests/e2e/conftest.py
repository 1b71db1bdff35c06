"""A real server and a real headless Chromium (Debian's, never a downloaded one)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.e2e import html_checker

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "tests" / "screenshots"
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


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def axe_violations(page) -> list[dict]:
    """Serious and critical WCAG 2.1 A/AA violations on the current page."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: `make test` runs `npm ci`")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def assert_accessible(page, name: str) -> None:
    """axe-core finds no serious or critical violation, and the Nu HTML Checker no error."""
    screenshot(page, name)
    # axe-core from an earlier check is an inline script the test put there; the app has none (CSP).
    page.evaluate("document.querySelectorAll('script:not([src])').forEach(s => s.remove())")
    markup = html_checker.errors(page.content())
    assert markup == [], f"{name}: the HTML checker: " + json.dumps(markup, indent=1, ensure_ascii=False)
    violations = axe_violations(page)
    assert violations == [], f"{name}: " + json.dumps(violations, indent=1, ensure_ascii=False)
