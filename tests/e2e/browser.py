"""What the browser tests share: logging in, screenshots and the accessibility checks (axe-core and
the Nu HTML Checker). The fixtures (browser, page, axe_page, live_server) are in conftest.py."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from app.extensions import db
from app.models import User
from tests.e2e import html_checker
from tests.factories import PASSWORD, totp_now

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "tests" / "screenshots"


def log_in(page, email: str = "erika@example.com", *, second_factor: bool = False) -> None:
    """Log in through the form (and, for staff, the code of the second factor) and wait until the
    page says so. The replay guard is reset first: tests log in more often than every 30 s."""
    page.goto("/anmelden")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    if second_factor:
        db.session.commit()  # end any read snapshot first (SQLite cannot upgrade an old one to a write)
        db.session.execute(update(User).where(User.email == email).values(totp_last_step=None))
        db.session.commit()
        page.get_by_label("Code").fill(totp_now())
        page.get_by_role("button", name="Bestätigen").click()
    expect(page.get_by_text("Sie sind angemeldet.")).to_be_visible()


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def axe_violations(page) -> list[dict]:
    """Serious and critical WCAG 2.1 A/AA violations on the current page."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: `make test` runs `npm ci`")
    page.add_script_tag(path=str(AXE))
    # resultTypes: axe still runs every rule, but keeps one node of each pass (axe's documented way to
    # save time); only the violations come back to Python.
    violations = page.evaluate(
        """async () => (await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                                                 resultTypes: ['violations']})).violations"""
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


REFLOW_WIDTHS = (320, 375)  # WCAG 1.4.10: 320 CSS px is 1280 px at 400 % zoom; 375 a common phone


_SIDEWAYS = """() => {
    const root = document.documentElement;
    if (root.scrollWidth <= root.clientWidth) return null;
    const beyond = [...document.querySelectorAll('body *')]
        .map(e => [e, e.getBoundingClientRect().right])
        .filter(([e, right]) => right > root.clientWidth + 0.5)
        .sort((a, b) => b[1] - a[1]).slice(0, 3)
        .map(([e, right]) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
             (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : '') + ' → ' + Math.round(right));
    return root.scrollWidth + ' px wide: ' + beyond.join(', ');
}"""

_SMALL_CHART_TEXT = """() => [...document.querySelectorAll('svg text')].filter(t => t.getClientRects().length).map(t => {
    const svg = t.ownerSVGElement, box = svg.viewBox.baseVal;
    const scale = box && box.width ? svg.getBoundingClientRect().width / box.width : 1;
    return [t.textContent.trim(), parseFloat(getComputedStyle(t).fontSize) * scale];
}).filter(([text, px]) => px < 12).map(([text, px]) => text + ' ' + px.toFixed(1) + ' px')"""


# A table's caption squeezed into a narrow column (a table shown as cards on a phone once left its
# caption a hundred pixels wide, a word a line): shown, not visually hidden, under 60 % of its table.
_SQUEEZED_CAPTIONS = """() => [...document.querySelectorAll('caption')]
    .filter(c => c.getClientRects().length && getComputedStyle(c).position !== 'absolute')
    .map(c => [c, c.getBoundingClientRect().width, c.closest('table').getBoundingClientRect().width])
    .filter(([c, width, table]) => table > 200 && width < 0.6 * table)
    .map(([c, width, table]) => c.textContent.trim().slice(0, 40) + ': ' + Math.round(width) + ' of ' + Math.round(table) + ' px')"""


def layout_problems(page) -> tuple[list[str], list[str], list[str]]:
    """At each of REFLOW_WIDTHS: whether the page scrolls sideways, and what sticks out (the widest
    elements beyond the viewport's right edge), and every table caption squeezed narrower than its
    table; there and at the page's own width: the text of every shown chart (SVG) drawn smaller
    than 12 px (a chart scales down with its box, so its labels shrink on a phone). All checks at
    each width, so the page is laid out once per width; the viewport is put back afterwards."""
    size = page.viewport_size
    sideways: list[str] = []
    small: list[str] = []
    squeezed: list[str] = []
    try:
        for width in (*REFLOW_WIDTHS, size["width"] if size else 1280):
            page.set_viewport_size({"width": width, "height": size["height"] if size else 800})
            if width in REFLOW_WIDTHS and (report := page.evaluate(_SIDEWAYS)):
                sideways.append(f"{width} px: {report}")
            if width in REFLOW_WIDTHS:
                squeezed += [f"{width} px: {caption}" for caption in page.evaluate(_SQUEEZED_CAPTIONS)]
            small += [f"{width} px: {text}" for text in page.evaluate(_SMALL_CHART_TEXT)]
    finally:
        if size:
            page.set_viewport_size(size)
    return sideways, small, squeezed


# A full-page screenshot of every checked page cost a tenth of the browser tests' time (0.4 s a
# page): the checks take them only when asked (`SCREENSHOTS=all make test`); the main pages'
# screenshots, which the tests take by name, are always written.
EVERY_CHECK_SCREENSHOTS = os.environ.get("SCREENSHOTS") == "all"


def assert_accessible(page, name: str) -> None:
    """axe-core finds no serious or critical violation, the Nu HTML Checker no error, the page
    does not scroll sideways at 320 or 375 px (WCAG 1.4.10, which axe does not test) and no chart
    label is drawn under 12 px there or at the page's width. The page is checked once loaded."""
    page.wait_for_load_state()
    if EVERY_CHECK_SCREENSHOTS:
        screenshot(page, name)
    reflow, small, squeezed = layout_problems(page)
    assert reflow == [], f"{name} scrolls sideways: {reflow}"
    assert squeezed == [], f"{name}: table captions squeezed on a phone: {squeezed}"
    assert small == [], f"{name}: chart labels under 12 px: {small}"
    # axe-core from an earlier check is an inline script the test put there; the app has none (CSP).
    page.evaluate("document.querySelectorAll('script:not([src])').forEach(s => s.remove())")
    markup = html_checker.errors(page.content())
    assert markup == [], f"{name}: the HTML checker: " + json.dumps(markup, indent=1, ensure_ascii=False)
    violations = axe_violations(page)
    assert violations == [], f"{name}: " + json.dumps(violations, indent=1, ensure_ascii=False)
