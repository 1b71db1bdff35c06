import pytest

from tests.factories import PASSWORD, create_user


@pytest.mark.parametrize("url", ["/", "/ideen", "/anmelden", "/gibt-es-nicht"])
def test_security_headers_on_every_page(client, reference, url):
    headers = client.get(url).headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_session_cookie_flags(client, reference):
    create_user()
    response = client.post("/anmelden", data={"email": "erika@example.com", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookie_is_secure(app):
    from app.config import ProductionConfig

    assert ProductionConfig.SESSION_COOKIE_SECURE is True


def test_pages_contain_no_inline_script_or_third_party_resources(client, reference):
    import re

    for url in ("/", "/ideen", "/anmelden", "/registrieren"):
        html = client.get(url).text
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
        assert not re.search(r"\son[a-z]+=", html), url
        assert not re.search(r'(src|href)="(https?:)?//', html), url


def test_static_files_are_served(client):
    assert client.get("/static/css/site.css").status_code == 200


def test_security_txt_names_the_contact_and_an_expiry(make_app, reference):
    """RFC 9116: Contact and Expires are required; both come from configuration."""
    from datetime import datetime, timezone

    text = make_app().test_client().get("/.well-known/security.txt")
    assert text.status_code == 200 and text.mimetype == "text/plain"
    fields = dict(line.split(": ", 1) for line in text.text.splitlines())
    assert fields["Contact"] == "mailto:sicherheit@coesfeld.example"
    assert datetime.fromisoformat(fields["Expires"].replace("Z", "+00:00")) > datetime.now(timezone.utc)
    configured = make_app(SECURITY_CONTACT="https://kreis-coesfeld.example/sicherheit", SECURITY_TXT_EXPIRES="2027-06-30T00:00:00Z")
    fields = dict(line.split(": ", 1) for line in configured.test_client().get("/.well-known/security.txt").text.splitlines())
    assert fields["Contact"] == "https://kreis-coesfeld.example/sicherheit" and fields["Expires"] == "2027-06-30T00:00:00Z"
