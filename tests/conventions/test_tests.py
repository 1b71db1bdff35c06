"""The tests find their shared helpers in one place: no test module imports another."""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
SHARED = {"tests.e2e", "tests.helpers", "tests.factories", "tests.smtp_server", "tests.e2e.browser", "tests.e2e.html_checker"}


def test_no_test_module_imports_another():
    found = []
    for path in sorted(TESTS.rglob("*.py")):
        for module in re.findall(r"^\s*from (tests(?:\.\w+)+) import", path.read_text(encoding="utf-8"), flags=re.M):
            if module not in SHARED and not module.startswith("tests.conventions"):
                found.append(f"{path.relative_to(TESTS.parent)} imports {module}")
    assert not found, "put shared helpers into tests/helpers.py (or e2e/browser.py): " + "; ".join(found)
