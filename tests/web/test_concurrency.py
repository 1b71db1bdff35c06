"""Real concurrent requests against a served app: one support per account, exact counters."""

from __future__ import annotations

import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select, update

from app.extensions import db
from app.models import ActionField, Idea, Project, Support, User
from tests.factories import PASSWORD, advance_idea, create_user, make_idea, totp_now


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

    def login_staff(self, email: str) -> None:
        """Password, then the TOTP code (the replay guard is reset first: tests log in often)."""
        self.login(email)
        db.session.rollback()  # end this test's read snapshot: the server wrote since (SQLite would refuse the write)
        db.session.execute(update(User).where(User.email == email).values(totp_last_step=None))
        db.session.commit()
        status, _ = self.request("/anmelden/code", {"code": totp_now(), "csrf_token": self.token("/anmelden/code")})
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


def _import_form(browser: Browser, idea_id: int, title: str) -> dict:
    field_id = db.session.scalar(select(ActionField.id).where(ActionField.slug == "mobilitaet"))
    town_id = db.session.scalar(select(Idea.municipality_id).where(Idea.id == idea_id))
    return {
        "csrf_token": browser.token("/portfolio/uebernahme"),
        "projects-0-idea_ids": str(idea_id),
        "projects-0-title": title,
        "projects-0-action_field_id": str(field_id),
        "projects-0-municipality_id": str(town_id),
        "projects-0-priority_group": "",
        "projects-0-budget_kind": "investiv",
        "projects-0-budget_rate": "65",
    }


def test_concurrent_imports_get_distinct_codes_and_an_idea_becomes_one_project(live_server, reference):
    author = create_user("autorin@example.com")
    moderator = create_user("mod@example.com", roles=("moderator",))
    members = [create_user(f"sg{n}@example.com", roles=("steering",)) for n in range(4)]
    ideas = [
        advance_idea(make_idea(author, f"Idee {n}"), "in_review", "candidate", "shortlisted", moderator=moderator, steering=members[0])
        for n in range(3)
    ]
    browsers = []
    for member in members:
        browser = Browser(live_server)
        browser.login_staff(member.email)
        browsers.append(browser)
    # Two members import two different ideas at the same moment; two more race for the third idea.
    forms = [
        _import_form(browsers[0], ideas[0].id, "Projekt A"),
        _import_form(browsers[1], ideas[1].id, "Projekt B"),
        _import_form(browsers[2], ideas[2].id, "Projekt C1"),
        _import_form(browsers[3], ideas[2].id, "Projekt C2"),
    ]
    statuses = _fire(4, lambda n: browsers[n].request("/portfolio/uebernahme", forms[n])[0])

    assert statuses[:2] == [302, 302], statuses
    assert sorted(statuses[2:]) == [302, 422], statuses  # one wins, the other gets a message
    db.session.rollback()
    numbers = sorted(db.session.scalars(select(Project.number).where(Project.number > 28)))
    assert numbers == [29, 30, 31]
    assert db.session.scalar(select(func.count(Project.id)).where(Project.title.like("Projekt C%"))) == 1
    assert all(db.session.get(Idea, i.id).project_id is not None for i in ideas)
