"""Helpers the tests share: form data, reading pages and files, pictures, an HTTP browser for a
served app. Data builders (accounts, ideas) are in factories.py; browser helpers in e2e/browser.py."""

from __future__ import annotations

import io
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal as D
from html import unescape

from PIL import Image
from sqlalchemy import select, update

from app.exports import read_csv
from app.extensions import db
from app.models import ActionField, Municipality, User
from tests.factories import PASSWORD, totp_now

SIGNUP = {
    "email": "neu@example.com",
    "password": PASSWORD,
    "password_confirm": PASSWORD,
    "display_name": "Neue Bürgerin",
    "account_type": "citizen",
    "organisation_name": "",
    "municipality_id": "0",
    "website": "",
    "accept_terms": "y",
}


def idea_form(**changes):
    """The draft card as the new-idea form posts it (action field Mobilität, town Nottuln); `changes` override."""
    field_id = db.session.scalar(select(ActionField.id).where(ActionField.slug == "mobilitaet"))
    town_id = db.session.scalar(select(Municipality.id).where(Municipality.slug == "nottuln"))
    data = {
        "title": "Bürgerbus in Echtzeit",
        "summary": "Die Bürgerbusse zeigen ihre Position live.",
        "benefit": "Wartende wissen, wann der Bus kommt.\n\n- weniger Warten\n- mehr Fahrgäste",
        "challenges": "Technik in alten Fahrzeugen.",
        "action_field_ids": [str(field_id)],
        "municipality_id": str(town_id),
        "partners": "Bürgerbusverein",
        "publish": "Veröffentlichen",
    }
    data.update(changes)
    return data


def page_text(html: str) -> str:
    """A page's text without tags, whitespace collapsed: what a reader sees, for assertions on wording
    (no space before a comma or full stop that follows a link: "Nottuln, Olfen")."""
    text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).replace("\u00a0", " ")
    return re.sub(r" ([,.;:])(?=\s|$)", r"\1", text)


def picture(fmt: str = "JPEG", size=(2000, 1000), mode: str = "RGB", **save) -> bytes:
    """A generated picture file (one colour) in the given format and size."""
    out = io.BytesIO()
    Image.new(mode, size, (200, 30, 30) if mode == "RGB" else None).save(out, fmt, **save)
    return out.getvalue()


def csv_rows(data: bytes) -> list[dict[str, str]]:
    """A downloaded CSV file as one dict per row (the BOM first, as Excel expects it)."""
    assert data.startswith("\ufeff".encode())
    header, rows = read_csv(data.decode("utf-8-sig"))
    return [dict(zip(header, cells, strict=True)) for _line, cells in rows]


def upload_csv(client, text: str | bytes, kind: str = "projekte", name: str = "portfolio.csv"):
    """Post a CSV file to the portfolio import (its preview step)."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    return client.post("/portfolio/csv-import", data={"kind": kind, "file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def card_titles(response) -> list[str]:
    """The titles of the idea cards on a list page, in order."""
    return re.findall(r'class="idea-card-title"><a href="/ideen/\d+">([^<]+)</a>', response.text)


class HttpBrowser:
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


def fire_at_once(count: int, action) -> list[int]:
    """Run action(0..count-1) in `count` threads released together; their answers in order."""
    barrier = threading.Barrier(count)

    def run(n):
        barrier.wait()
        return action(n)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


SEED_ROWS = [
    ("Raum für smarte Arbeit", "0.04", "0.33"),
    ("Raum für nachhaltige Mobilität", "3.30", "0.85"),
    ("Raum für regionalen Handel", "0.04", "0.37"),
    ("Raum für zukunftssichernde Innovationen", "0.89", "0.61"),
    ("Raum für partizipative Stadt- und Regionalentwicklung", "0.13", "0.39"),
    ("Raum für digitale Bildung", "0.50", "0.59"),
    ("Raum für breite Teilhabe", "0.02", "0.14"),
]


MIO = D(1_000_000)


class Auth:
    """Logs a test client in (the fixture `auth`), staff with their second factor."""

    def __init__(self, client):
        self.client = client

    def login(self, email: str = "erika@example.com", password: str = PASSWORD):
        """Log in; for staff, also answer the second factor (a TOTP code may be used once,
        so the replay guard is reset first: tests log in more often than every 30 s)."""
        response = self.client.post("/anmelden", data={"email": email, "password": password})
        if response.status_code == 302 and response.headers["Location"].endswith("/anmelden/code"):
            db.session.execute(update(User).where(User.email == email).values(totp_last_step=None))
            db.session.commit()
            response = self.client.post("/anmelden/code", data={"code": totp_now()})
        return response

    def logout(self):
        return self.client.post("/abmelden")
