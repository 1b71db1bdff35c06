"""With CSRF switched on, as in production: every state-changing request needs the token."""

import re

import pytest

from tests.factories import PASSWORD, create_user


@pytest.fixture
def app_config_overrides():
    return {"WTF_CSRF_ENABLED": True}


def _token(page) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)


@pytest.mark.parametrize(
    "url",
    ["/registrieren", "/anmelden", "/abmelden", "/passwort-vergessen", "/ideen/neu", "/bestaetigen/erneut", "/bestaetigen/x"],
)
def test_posts_without_token_are_refused(client, reference, url):
    response = client.post(url, data={"email": "erika@example.com", "password": PASSWORD})
    assert response.status_code in (400, 302)
    if response.status_code == 400:
        assert "Ihr Formular ist abgelaufen" in response.text


def test_login_without_token_fails_with_token_works(client, reference):
    create_user()
    assert client.post("/anmelden", data={"email": "erika@example.com", "password": PASSWORD}).status_code == 400
    token = _token(client.get("/anmelden"))
    response = client.post("/anmelden", data={"email": "erika@example.com", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_logout_needs_the_token(client, reference):
    create_user()
    token = _token(client.get("/anmelden"))
    client.post("/anmelden", data={"email": "erika@example.com", "password": PASSWORD, "csrf_token": token})
    assert client.post("/abmelden").status_code == 400
    assert "Erika M." in client.get("/").text
    token = _token(client.get("/"))
    client.post("/abmelden", data={"csrf_token": token})
    assert "Erika M." not in client.get("/").text


def test_logout_by_get_is_not_possible(client, reference):
    assert client.get("/abmelden").status_code == 405


def test_language_switch_is_protected_by_origin_instead_of_a_token(client, reference):
    """The language form sits on cached anonymous pages, so it carries no session token."""
    assert client.post("/sprache", data={"lang": "en"}).status_code == 400  # no Origin, no Referer
    assert client.post("/sprache", data={"lang": "en"}, headers={"Origin": "https://evil.example"}).status_code == 400
    assert client.post("/sprache", data={"lang": "en"}, headers={"Referer": "https://evil.example/x"}).status_code == 400
    assert client.post("/sprache", data={"lang": "en"}, headers={"Referer": "http://localhost.evil.example/"}).status_code == 400
    assert 'lang="de"' in client.get("/").text
    assert client.post("/sprache", data={"lang": "en"}, headers={"Referer": "http://localhost/ideen"}).status_code == 302
    assert 'lang="en"' in client.get("/").text
    assert client.post("/sprache", data={"lang": "de"}, headers={"Origin": "http://localhost"}).status_code == 302
    assert 'lang="de"' in client.get("/").text


EXEMPT = {"main.set_language", "notifications.unsubscribe"}  # checked by origin, and by the signed token


def test_every_post_route_refuses_a_request_without_the_token(app, client, reference):
    """The views do not check the token again (tests/conventions): the global protection covers
    every POST route but the two exempt ones, signed in or not, before the view runs."""
    create_user()
    token = _token(client.get("/anmelden"))
    client.post("/anmelden", data={"email": "erika@example.com", "password": PASSWORD, "csrf_token": token})
    checked = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint in EXEMPT:
            continue
        url = rule.build({name: (1 if "id" in name or name == "number" else "x") for name in rule.arguments}, append_unknown=False)[1]
        response = client.post(url, data={})
        assert response.status_code == 400 and "Ihr Formular ist abgelaufen" in response.text, f"{rule.endpoint} {url}"
        checked.append(rule.endpoint)
    assert len(checked) > 40
