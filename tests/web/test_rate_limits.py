"""Rate limits on sign-up, log-in, password reset and idea submission, in German."""

import pytest

from app.config import TestConfig
from tests.factories import PASSWORD, create_user, require_redis
from tests.helpers import SIGNUP, idea_form


@pytest.fixture(params=["memory", "redis"])
def app_config_overrides(request):
    overrides = {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_LOGIN": "3 per minute",
        "RATELIMIT_LOGIN_ADDRESS": "8 per minute",
        "RATELIMIT_SIGNUP": "2 per minute",
        "RATELIMIT_SIGNUP_ADDRESS": "4 per minute",
        "RATELIMIT_RESET": "2 per minute",
        "RATELIMIT_RESET_ADDRESS": "4 per minute",
        "RATELIMIT_SUBMIT": "2 per minute",
        "RATELIMIT_API": "3 per minute",
    }
    if request.param == "redis":
        overrides["RATELIMIT_STORAGE_URI"] = require_redis(15, flush=True)
    else:
        overrides["RATELIMIT_STORAGE_URI"] = TestConfig.RATELIMIT_STORAGE_URI
    return overrides


def test_login_is_rate_limited(client, reference):
    create_user()
    for _ in range(3):
        assert client.post("/anmelden", data={"email": "erika@example.com", "password": "falsch-falsch-falsch"}).status_code == 422
    response = client.post("/anmelden", data={"email": "erika@example.com", "password": PASSWORD})
    assert response.status_code == 429
    assert "Zu viele Anfragen" in response.text
    assert client.get("/anmelden").status_code == 200, "reading the form is not limited"


def test_signup_and_reset_are_rate_limited(client, reference):
    for _ in range(5):  # a workshop's typos: refused forms do not count
        assert client.post("/registrieren", data={**SIGNUP, "password_confirm": "anders"}).status_code == 422
    for _ in range(2):
        assert client.post("/registrieren", data={**SIGNUP, "email": "x0@example.com"}).status_code == 302
    refused = client.post("/registrieren", data={**SIGNUP, "email": "x0@example.com"})
    assert refused.status_code == 429, "one address: RATELIMIT_SIGNUP"
    assert "Bitte versuchen Sie es in einer Minute wieder" in refused.text, "says when to try again"
    for n in (1, 2):
        assert client.post("/registrieren", data={**SIGNUP, "email": f"x{n}@example.com"}).status_code == 302
    assert client.post("/registrieren", data={**SIGNUP, "email": "x9@example.com"}).status_code == 429, "RATELIMIT_SIGNUP_ADDRESS"
    for _ in range(2):
        client.post("/passwort-vergessen", data={"email": "x@example.com"})
    assert client.post("/passwort-vergessen", data={"email": "x@example.com"}).status_code == 429
    assert client.post("/passwort-vergessen", data={"email": "y@example.com"}).status_code == 302, "another person has their own"
    others = [client.post("/passwort-vergessen", data={"email": f"z{n}@example.com"}).status_code for n in range(3)]
    assert 429 in others, f"RATELIMIT_RESET_ADDRESS: {others}"


def test_a_workshop_on_one_wifi_can_log_in(client, reference):
    """Twenty people behind one address used to share one log-in budget (20 per 15 minutes) with
    their typos: now each account has its own, and the address a larger one over all accounts."""
    people = [create_user(f"teilnehmer{n}@example.com") for n in range(3)]  # (the address limit is 8 a minute here)
    for person in people:
        wrong = client.post("/anmelden", data={"email": person.email, "password": "falsch-falsch-falsch"})
        assert wrong.status_code == 422
        assert client.post("/anmelden", data={"email": person.email, "password": PASSWORD}).status_code == 302
        client.post("/abmelden")
    sprayed = [client.post("/anmelden", data={"email": f"fremd{n}@example.com", "password": "falsch-falsch-falsch"}).status_code
               for n in range(3)]
    assert sprayed[-1] == 429, f"one address cannot try accounts without end: {sprayed}"


def test_idea_submission_is_limited_per_account(app, client, reference):
    """RATELIMIT_SUBMIT counts saved ideas, not cards with errors or "check similar ideas" round trips;
    the card that hits the limit comes back with its text (probe finding 8)."""

    create_user()
    client.post("/anmelden", data={"email": "erika@example.com", "password": PASSWORD})
    for _ in range(5):
        assert client.post("/ideen/neu", data={"title": ""}).status_code == 422
        assert client.post("/ideen/neu", data=idea_form(check_similar="1", publish="")).status_code == 200
    for number in range(2):
        assert client.post("/ideen/neu", data=idea_form(title=f"Idee Nummer {number}", similar_checked="1")).status_code == 302
    refused = client.post("/ideen/neu", data=idea_form(title="Die dritte Idee", similar_checked="1"), headers={"Origin": "http://localhost"})
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert 'value="Die dritte Idee"' in refused.text or ">Die dritte Idee</textarea>" in refused.text
    assert "Wartende wissen, wann der Bus kommt." in refused.text
    create_user("zweite@example.com")
    other = app.test_client()
    other.post("/anmelden", data={"email": "zweite@example.com", "password": PASSWORD})
    assert other.post("/ideen/neu", data={"title": ""}).status_code == 422, "another account has its own budget"


def test_supports_comments_and_reports_are_limited_per_account(app, client, reference):
    app.config.update(RATELIMIT_SUPPORT="3 per minute", RATELIMIT_COMMENT="2 per minute", RATELIMIT_REPORT="1 per minute")
    from tests.factories import make_idea

    idea = make_idea(create_user("autorin@example.com"))
    create_user()
    client.post("/anmelden", data={"email": "erika@example.com", "password": PASSWORD})
    for _ in range(3):
        assert client.post(f"/ideen/{idea.id}/unterstuetzen").status_code == 302
    limited = client.post(f"/ideen/{idea.id}/unterstuetzen", headers={"Accept": "application/json"})
    assert limited.status_code == 429 and "Zu viele Anfragen" in limited.text
    for n in range(2):
        assert client.post(f"/ideen/{idea.id}/kommentare", data={"body": f"Kommentar {n}"}).status_code == 302
    assert client.post(f"/ideen/{idea.id}/kommentare", data={"body": "noch einer"}).status_code == 429
    assert client.post(f"/ideen/{idea.id}/melden", data={"reason": "spam"}).status_code == 302
    assert client.post(f"/ideen/{idea.id}/melden", data={"reason": "spam"}).status_code == 429


def test_the_api_is_rate_limited_per_address_with_a_json_answer(client, reference):
    for _ in range(3):
        assert client.get("/api/v1/municipalities").status_code == 200
    limited = client.get("/api/v1/action-fields")
    assert limited.status_code == 429
    assert limited.is_json and limited.json["error"]["status"] == 429
    assert limited.json["error"]["message"].startswith("Sie haben das in kurzer Zeit zu oft versucht. Bitte versuchen Sie es in")
    assert int(limited.headers["Retry-After"]) > 0
    assert limited.headers["Cache-Control"] == "no-store", "a refusal is kept by nobody"


def test_an_answer_within_the_limit_reads_no_window_for_headers(client, reference):
    """X-RateLimit-* headers cost two Redis round trips per answer (the window's count and expiry)
    besides the hit itself: only a refusal says when to try again (Retry-After, above)."""
    answer = client.get("/api/v1/municipalities")
    assert answer.status_code == 200
    assert not [name for name in answer.headers.keys() if name.lower().startswith(("x-ratelimit", "retry-after"))]


def test_every_limit_outside_the_api_is_on_posts():
    """GETs outside the API skip Flask-Limiter (rate_limits._read_without_limits). That loses no limit
    only while every other one is declared through limit_per_address or limit_per_account, on POSTs."""
    import ast
    from pathlib import Path

    from app import rate_limits

    root = Path(__file__).resolve().parents[2]
    declared = []
    for path in sorted((root / "app").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("limit", "shared_limit")
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "limiter"):
                methods = next((ast.literal_eval(kw.value) for kw in node.keywords if kw.arg == "methods"), None)
                declared.append((path.relative_to(root).as_posix(), node.func.attr, methods))
    assert sorted(declared) == [("app/rate_limits.py", "limit", ["POST"])] * 4 + [("app/rate_limits.py", "shared_limit", None)]
    assert list(rate_limits.LIMITED_READS) == ["api"]


def test_a_read_outside_the_api_does_not_reach_flask_limiter(app, client, reference):
    """Its before_request check costs 70 µs even to find a request exempt: it runs for the API and
    for every POST, never for a GET of a page (rate_limits.check_limits_only_where_they_can_apply)."""
    from app.extensions import limiter

    asked: list[str] = []
    identify = limiter.identify_request
    limiter.identify_request = lambda: asked.append("asked") or identify()  # the check's first step
    try:
        assert client.get("/ideen").status_code == 200
        assert client.get("/portfolio").status_code == 200
        assert not asked  # (a limited view's own decorator still asks on its GET, and finds it exempt: the filter)
        assert client.get("/api/v1/municipalities").status_code == 200
        assert asked
        asked.clear()
        client.post("/anmelden", data={"email": "erika@example.com", "password": "falsch-falsch-falsch"})
        assert asked
    finally:
        del limiter.identify_request
