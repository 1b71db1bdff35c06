import pytest

from tests.conftest import PASSWORD, create_user


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
