"""What a production deployment must not get wrong (probe findings 5, 6, 17): the visitor's address
behind a proxy, shared rate limits, no demo accounts, HSTS, no caching of signed-in pages."""

import pytest
from sqlalchemy import func, select

from app.config import ProductionConfig
from app.extensions import db
from app.models import User
from tests.factories import create_user, redis_url


def _login_attempts(client, addresses):
    """Wrong log-ins from the given X-Forwarded-For addresses; their status codes."""
    return [
        client.post("/anmelden", data={"email": "x@example.com", "password": "falsch"}, headers={"X-Forwarded-For": address}).status_code
        for address in addresses
    ]


@pytest.mark.parametrize(
    ("trusted", "limited_third"),
    [(0, True), (1, False)],
    ids=["no proxy trusted: the header is ignored", "one proxy trusted: each visitor has their own limit"],
)
def test_rate_limits_behind_a_trusted_proxy_see_the_visitor(make_app, reference, trusted, limited_third):
    app = make_app(TRUSTED_PROXIES=trusted, RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="2 per minute")
    client = app.test_client()
    codes = _login_attempts(client, ["203.0.113.1", "203.0.113.1", "203.0.113.2"])
    assert codes[:2] == [422, 422]
    assert (codes[2] == 429) is limited_third
    # A visitor cannot pose as another one by sending the header itself: only the last hop counts.
    if trusted:
        spoofed = client.post("/anmelden", data={"email": "x@example.com", "password": "falsch"},
                              headers={"X-Forwarded-For": "198.51.100.9, 203.0.113.1"})
        assert spoofed.status_code == 429


def test_production_refuses_rate_limits_in_worker_memory():
    from app import create_app

    config = type("P", (ProductionConfig,), {"SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://x@localhost/test",
                                             "RATELIMIT_STORAGE_URI": "memory://",
                                             "SECURITY_CONTACT": "mailto:sicherheit@kreis-coesfeld.example", "SECURITY_TXT_EXPIRES": "2027-06-30"})
    with pytest.raises(RuntimeError, match="REDIS_URL"):
        create_app(config)


def test_demo_data_is_refused_in_production(make_app, reference):
    app = make_app(ENV_NAME="production", SECRET_KEY="p" * 40, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=redis_url(15),
                   SECURITY_CONTACT="mailto:sicherheit@kreis-coesfeld.example", SECURITY_TXT_EXPIRES="2027-06-30")
    with app.app_context():  # the command runs in this app, not in the test's
        result = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code != 0 and "refused in production" in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_hsts_is_on_in_production_and_configurable(make_app, reference):
    assert ProductionConfig.HSTS_MAX_AGE == 365 * 24 * 3600
    assert "Strict-Transport-Security" not in make_app().test_client().get("/").headers
    headers = make_app(HSTS_MAX_AGE=600).test_client().get("/").headers
    assert headers["Strict-Transport-Security"] == "max-age=600; includeSubDomains"


def test_signed_in_pages_are_not_stored(client, auth, reference):
    assert "no-store" not in client.get("/ideen").headers.get("Cache-Control", "")
    create_user()
    auth.login()
    for url in ("/", "/ideen", "/ideen/meine"):
        assert client.get(url).headers["Cache-Control"] == "no-store", url
    create_user("mod@example.com", roles=("moderator",))
    auth.logout()
    auth.login("mod@example.com")
    assert client.get("/moderation").headers["Cache-Control"] == "no-store"
