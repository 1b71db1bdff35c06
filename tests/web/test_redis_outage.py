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
from tests.helpers import SIGNUP, idea_form
from tests.smtp_server import free_port


class HungRedis:
    """A TCP server that accepts connections and never answers a byte; counts what it accepted."""

    accepted: dict[int, int] = {}  # port -> connections accepted

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
            HungRedis.accepted[self.port] = HungRedis.accepted.get(self.port, 0) + 1

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
    new_idea = client.post("/ideen/neu", data=idea_form())
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
    assert response.json["degraded"] == ["rate limits: counted per worker", "page cache: pages rendered each time"]


def test_a_hung_redis_costs_one_request_its_timeout_not_every_request(app, client, reference, redis_away):
    """The page cache leaves Redis alone for REDIS_PAUSE_SECONDS after it failed to answer: the hung
    server sees no new connection from the next pages (each would wait REDIS_TIMEOUT)."""
    from app.cache import store

    make_idea(create_user())
    page_cache = app.extensions["page_cache"]
    assert _within(20, lambda: client.get("/ideen")).status_code == 200
    assert page_cache.paused_until > 0, "the failure was noticed"
    connections = _connections(redis_away)
    for _ in range(5):
        assert _within(20, lambda: client.get("/ideen")).status_code == 200
    assert _connections(redis_away) == connections, "Redis was left alone"
    assert store.REDIS_PAUSE_SECONDS <= 10


def _connections(url: str) -> int:
    return HungRedis.accepted.get(int(url.rsplit(":", 1)[1].split("/")[0]), 0)
