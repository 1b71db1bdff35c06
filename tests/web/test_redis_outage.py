"""Redis away: log-in, sign-up and every write go on, with the rate limits counted in each worker's
memory until Redis answers again; nothing typed is lost and /health says what is degraded.

Two faults, as the outside probe found them: Redis refusing connections (a port where nothing
listens) and Redis hung (a port that accepts and never answers: the client's socket timeout, not
an endless wait)."""

from __future__ import annotations

import socket
import threading

import pytest
from sqlalchemy import func, select

from app.extensions import db, limiter
from app.models import Comment, Idea, Support, User
from tests.factories import PASSWORD, create_user, make_idea
from tests.smtp_server import free_port
from tests.web.test_auth_routes import SIGNUP
from tests.web.test_idea_routes import _form


class HungRedis:
    """A TCP server that accepts connections and never answers a byte."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.held: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            self.held.append(connection)

    def close(self):
        self.server.close()
        for connection in self.held:
            connection.close()


@pytest.fixture(scope="module", params=["refused", "hung"])
def redis_away(request):
    if request.param == "refused":
        yield f"redis://127.0.0.1:{free_port()}/0"
        return
    hung = HungRedis()
    yield f"redis://127.0.0.1:{hung.port}/0"
    hung.close()


@pytest.fixture
def app_config_overrides(redis_away):
    return {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": redis_away, "REDIS_URL": redis_away,
            "RATELIMIT_LOGIN": "3 per minute", "RATELIMIT_COMMENT": "100 per minute"}


@pytest.fixture(autouse=True)
def limiter_back_on_its_own_storage():
    """Flask-Limiter is one object per process; the next test's app must not start in fallback mode."""
    yield
    limiter._storage_dead = False


def _within(seconds: float, call):
    """Run `call` in a thread: a request that waits for Redis forever fails the test instead of hanging it."""
    result = []
    thread = threading.Thread(target=lambda: result.append(call()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert result, f"no answer within {seconds} s: the request waits for Redis"
    return result[0]


def test_log_in_sign_up_and_writes_work_and_keep_their_limits(app, client, reference):
    author = create_user("autorin@example.com")
    idea = make_idea(author)
    create_user()

    signup = _within(20, lambda: client.post("/registrieren", data=SIGNUP))
    assert signup.status_code == 302
    assert db.session.scalar(select(func.count(User.id)).where(User.email == "neu@example.com")) == 1

    login = _within(20, lambda: client.post("/anmelden", data={"email": "erika@example.com", "password": PASSWORD}))
    assert login.status_code == 302
    assert client.post(f"/ideen/{idea.id}/unterstuetzen").status_code in (302, 303)
    comment = client.post(f"/ideen/{idea.id}/kommentare", data={"body": "Gute Idee, auch ohne Redis."})
    assert comment.status_code in (302, 303)
    new_idea = client.post("/ideen/neu", data=_form())
    assert new_idea.status_code == 302
    assert db.session.scalar(select(func.count(Support.id))) == 1
    assert db.session.scalar(select(Comment.body)) == "Gute Idee, auch ohne Redis."
    assert db.session.scalar(select(func.count(Idea.id))) == 2
    assert client.get("/api/v1/ideas").status_code == 200

    client.post("/abmelden")
    wrong = {"email": "erika@example.com", "password": "falsch-falsch-falsch"}
    assert [client.post("/anmelden", data=wrong).status_code for _ in range(2)] == [422, 422]
    refused = client.post("/anmelden", data=wrong)
    assert refused.status_code == 429, "the log-in limit still holds, counted in this worker's memory"
    assert "Zu viele Anfragen" in refused.text


def test_health_says_what_is_degraded(app, client):
    response = _within(20, lambda: client.get("/health"))
    assert response.status_code == 200, "the platform works; the proxy keeps sending requests"
    assert response.json["status"] == "degraded"
    assert response.json["database"] == "ok" and response.json["redis"] == "failing"
    assert response.json["degraded"] == ["rate limits: counted per worker", "page cache: per worker"]
