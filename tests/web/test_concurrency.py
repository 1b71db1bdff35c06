"""Real concurrent requests against a served app: one support per account, exact counters."""

from __future__ import annotations

import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from app.extensions import db
from app.models import Idea, Support
from tests.conftest import PASSWORD, create_user, make_idea


class Browser:
    """A minimal HTTP client with one cookie, enough to log in and post forms."""

    def __init__(self, base: str):
        self.base = base
        self.cookie = ""

    def request(self, path: str, data: dict | None = None, accept: str = "text/html") -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, headers={"Accept": accept, "Cookie": self.cookie})
        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(req, timeout=60) as response:
                self._keep_cookie(response.headers)
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            self._keep_cookie(error.headers)
            return error.code, error.read().decode()

    def _keep_cookie(self, headers) -> None:
        for header in headers.get_all("Set-Cookie") or []:
            if header.startswith("ideen_session="):
                self.cookie = header.split(";", 1)[0]

    def token(self, path: str) -> str:
        _status, html = self.request(path)
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)

    def login(self, email: str) -> None:
        status, _ = self.request("/anmelden", {"email": email, "password": PASSWORD, "csrf_token": self.token("/anmelden")})
        assert status == 302


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _rows(idea_id: int) -> int:
    db.session.rollback()  # end the test's own read transaction: on SQLite (WAL) it is a snapshot
    return db.session.scalar(select(func.count()).select_from(Support).where(Support.idea_id == idea_id))


def _counter(idea_id: int) -> int:
    db.session.rollback()
    return db.session.scalar(select(Idea.support_count).where(Idea.id == idea_id))


def _fire(count: int, action) -> list[int]:
    barrier = threading.Barrier(count)

    def run(n):
        barrier.wait()
        return action(n)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def test_fifty_concurrent_supports_of_one_account_leave_one_row(live_server, reference):
    idea = make_idea(create_user("autorin@example.com"))
    create_user()
    db.session.commit()
    browser = Browser(live_server)
    browser.login("erika@example.com")
    token = browser.token(f"/ideen/{idea.id}")

    statuses = _fire(50, lambda n: browser.request(f"/ideen/{idea.id}/unterstuetzen", {"csrf_token": token}, accept="application/json")[0])

    assert all(status < 500 for status in statuses), statuses
    assert statuses.count(200) == 50
    assert _rows(idea.id) == 1
    assert _counter(idea.id) == 1


def test_concurrent_supports_and_withdrawals_of_many_accounts_keep_the_count_exact(live_server, reference):
    idea = make_idea(create_user("autorin@example.com"))
    accounts = [create_user(f"person{n}@example.com") for n in range(24)]
    browsers = []
    for account in accounts:
        browser = Browser(live_server)
        browser.login(account.email)
        browsers.append((browser, browser.token(f"/ideen/{idea.id}")))

    def support_twice_then_maybe_withdraw(n):
        browser, token = browsers[n % len(browsers)]
        path = f"/ideen/{idea.id}/unterstuetzen" if n < 48 else f"/ideen/{idea.id}/unterstuetzung-zurueckziehen"
        return browser.request(path, {"csrf_token": token}, accept="application/json")[0]

    # 48 support requests (each account twice) and then, racing with them, 8 withdrawals.
    statuses = _fire(56, support_twice_then_maybe_withdraw)
    assert all(status < 500 for status in statuses), statuses
    rows = _rows(idea.id)
    assert 24 - 8 <= rows <= 24
    assert _counter(idea.id) == rows
