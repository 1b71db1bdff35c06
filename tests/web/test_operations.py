"""/health for the proxy and one log line per request (running it for real)."""

import logging

from tests.factories import create_user, make_idea, redis_url, require_redis


def test_health_answers_ok_with_the_database_and_sets_no_cookie(client):
    response = client.get("/health")
    assert response.status_code == 200
    unfinished = ["impressum", "datenschutz", "nutzungsbedingungen", "barrierefreiheit"]  # the shipped defaults
    assert response.json == {"status": "ok", "database": "ok", "redis": "not used", "legal_texts_incomplete": unfinished}
    assert response.headers["Cache-Control"] == "no-store" and "Set-Cookie" not in response.headers


def test_health_fails_when_the_database_is_unreachable(make_app):
    down = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/test_down")
    response = down.test_client().get("/health")
    assert response.status_code == 503
    assert response.json["status"] == "failing" and response.json["database"] == "failing"


def test_health_checks_every_configured_redis(make_app):
    require_redis(15)
    up = make_app(REDIS_URL=redis_url(14), RATELIMIT_STORAGE_URI=redis_url(15))
    assert {k: v for k, v in up.test_client().get("/health").json.items() if k != "legal_texts_incomplete"} == {
        "status": "ok", "database": "ok", "redis": "ok"}
    half = make_app(REDIS_URL=redis_url(14), RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0")
    response = half.test_client().get("/health")
    assert response.status_code == 200, "without Redis the platform works on, degraded"
    assert response.json["degraded"] == ["rate limits: counted per worker"]
    assert (response.json["status"], response.json["database"], response.json["redis"]) == ("degraded", "ok", "failing")


def test_each_request_is_logged_once_by_its_route_without_the_query(client, reference, caplog):
    idea = make_idea(create_user())
    with caplog.at_level(logging.INFO, logger="app.requests"):
        response = client.get(f"/ideen/{idea.id}?antwort=geheimes-wort", headers={"X-Request-ID": "proxy-id-12345"})
        client.get("/ideen?q=Datenschutzbeauftragte", headers={"X-Request-ID": "<script>"})
    lines = [r.getMessage() for r in caplog.records if r.name == "app.requests"]
    assert len(lines) == 2
    assert lines[0] == f"request id=proxy-id-12345 method=GET route=/ideen/<int:idea_id> status=200 duration_ms={lines[0].rsplit('=', 1)[1]}"
    assert response.headers["X-Request-ID"] == "proxy-id-12345"
    assert "route=/ideen " in lines[1] and "Datenschutz" not in lines[1] and "script" not in lines[1], "no query, no odd ids"
    assert "geheim" not in " ".join(lines)
    assert float(lines[1].rsplit("=", 1)[1]) > 0
