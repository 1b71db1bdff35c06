"""Views change state one way: `attempt(service, ...)` (app/views.py) commits, or a service does.

A `commit()` in a routes module is refused unless it is on the short list below, each with the
reason it cannot go through `attempt`. The global CSRF protection (Flask-WTF's CSRFProtect) checks
every POST before the view runs, so no view checks the token again with an empty form."""

from __future__ import annotations

import ast
import re
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"

# (routes module, view function): why it commits itself.
COMMITS_ALLOWED = {
    ("auth/routes.py", "login"): "a failed log-in counts towards the lockout even when authenticate raises (commit in finally)",
    ("auth/routes.py", "enrol_second_factor"): "a GET's own write, tried again in a transaction of its own when SQLite "
                                               "refused the first (database.committed_in_get)",
}


def _routes_modules() -> list[Path]:
    return sorted(APP.glob("*/routes.py"))


def _commits(path: Path) -> list[tuple[str, int]]:
    """(enclosing function, line) of every `.commit()` call in the module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef):
            for node in ast.walk(function):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "commit":
                    found.append((function.name, node.lineno))
    return found


def test_route_modules_commit_only_where_the_list_says_why():
    unexplained = []
    for path in _routes_modules():
        name = str(path.relative_to(APP))
        for function, line in _commits(path):
            if (name, function) not in COMMITS_ALLOWED:
                unexplained.append(f"app/{name}:{line} in {function}()")
    assert not unexplained, "commit through attempt() or a service: " + ", ".join(unexplained)


def test_the_allow_list_has_no_stale_entries():
    present = {(str(path.relative_to(APP)), function) for path in _routes_modules() for function, _ in _commits(path)}
    assert set(COMMITS_ALLOWED) <= present


def test_no_view_checks_the_csrf_token_again():
    again = [f"app/{path.relative_to(APP)}" for path in _routes_modules()
             if re.search(r"ActionForm\(\)\.validate_on_submit\(\)|def _check_csrf|form = ActionForm\(\)\n\s+if not form\.validate_on_submit",
                          path.read_text(encoding="utf-8"))]
    assert not again, "CSRFProtect checks every POST already: " + ", ".join(again)


def test_the_guard_sees_a_commit():
    """The check above is not blind: it finds the allowed commits."""
    assert ("login", ) == tuple(f for f, _ in _commits(APP / "auth/routes.py") if f == "login")
