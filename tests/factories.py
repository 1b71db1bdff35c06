"""What tests build: accounts, ideas and their way through moderation, each through the real services.

Import these from here (the fixtures that use them live in conftest.py).
"""

from __future__ import annotations

import os

from app.extensions import db
from app.models import User

PASSWORD = "ein-sicheres-passwort"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def worker_number() -> int:
    """0 without xdist and in its first worker (gw0), 1 in gw1, ..."""
    return int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)


def redis_url(database: int) -> str:
    """A Redis database of this test process's own: 15 and 14 in the first worker, 13 and 12 in the second, ..."""
    return f"redis://127.0.0.1:{redis_port()}/{database - 2 * worker_number()}"


_redis_port: list[int] = []


def redis_port() -> int:
    """6379 when a Redis answers there; otherwise a throwaway `redis-server` of this test process's
    own on a free port (nothing kept on disk), started once and stopped when the process ends. The
    Redis tests never skip: without either, they fail and say what is missing."""
    if _redis_port:
        return _redis_port[0]
    import atexit
    import shutil
    import socket
    import subprocess
    import time

    import pytest
    import redis

    try:
        redis.Redis(port=6379, socket_connect_timeout=0.5).ping()
        _redis_port.append(6379)
        return 6379
    except redis.RedisError:
        pass
    server = shutil.which("redis-server") or ("/usr/bin/redis-server" if os.path.exists("/usr/bin/redis-server") else None)
    if server is None:
        pytest.fail("The Redis tests need Redis at 127.0.0.1:6379 or Debian's redis-server to start one (`make test` installs it)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    atexit.register(process.terminate)
    deadline = time.monotonic() + 10
    while True:
        try:
            redis.Redis(port=port, socket_connect_timeout=0.2).ping()
            break
        except redis.RedisError:
            if time.monotonic() > deadline or process.poll() is not None:
                pytest.fail(f"redis-server did not start on port {port}")
            time.sleep(0.05)
    _redis_port.append(port)
    return port


def require_redis(database: int, *, flush: bool = False) -> str:
    """This process's Redis database `database` (redis_url), emptied with flush."""
    import redis

    url = redis_url(database)
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    client.flushdb() if flush else client.ping()
    client.close()
    return url


def damaged(token: str) -> str:
    """An itsdangerous token with its signature's first character changed: always a different signature
    (changing the last characters is not, since base64 ignores the last character's spare bits)."""
    body, _, signature = token.rpartition(".")
    first = "B" if signature[0] == "A" else "A"
    return f"{body}.{first}{signature[1:]}"


def create_user(
    email: str = "erika@example.com",
    *,
    confirmed: bool = True,
    roles: tuple[str, ...] = (),
    display_name: str = "Erika M.",
    organisation: str | None = None,
) -> User:
    from app.auth import services
    from app.legal import services as legal
    from app.models import utcnow

    user = services.register_account(
        email=email,
        password=PASSWORD,
        display_name=display_name,
        account_type="organisation" if organisation else "citizen",
        organisation_name=organisation,
    ).user
    if confirmed:
        user.confirmed_at = utcnow()
    legal.record_acceptance(user)  # as the sign-up form does
    for role in roles:
        services.grant_role(user, role)
    if roles:
        # Staff have a second factor; Auth.login answers it with totp_now().
        user.totp_secret = TOTP_SECRET
        user.totp_enrolled_at = utcnow()
    db.session.commit()
    return user



def totp_now(secret: str = TOTP_SECRET) -> str:
    import pyotp

    return pyotp.TOTP(secret).now()


def make_idea(author: User, title: str = "Sichere Radwege zur Schule", *, publish: bool = True, **card_values):
    """An idea through the real service, committed."""
    from sqlalchemy import select

    from app.ideas.services import IdeaCard, submit_idea
    from app.models import ActionField, Municipality

    fields = card_values.pop("fields", ["mobilitaet"])
    town = card_values.pop("municipality", "coesfeld")
    field_ids = list(db.session.scalars(select(ActionField.id).where(ActionField.slug.in_(fields))))
    municipality_id = db.session.scalar(select(Municipality.id).where(Municipality.slug == town))
    card = IdeaCard(
        title=title,
        summary=card_values.pop("summary", "Kurz gesagt: eine Idee."),
        benefit=card_values.pop("benefit", "Der Nutzen ist groß."),
        challenges=card_values.pop("challenges", "Es gibt Hürden."),
        municipality_id=municipality_id,
        action_field_ids=field_ids,
        partners=card_values.pop("partners", ""),
    )
    assert not card_values, f"unknown card values {card_values}"
    idea = submit_idea(author, card, publish=publish)
    db.session.commit()
    return idea


def advance_idea(idea, *to_states: str, moderator: User | None = None, steering: User | None = None):
    """Move an idea through moderation (in_review, candidate) and the steering committee (shortlisted). Commits."""
    from app.moderation import services as moderation
    from app.portfolio import services as portfolio

    for state in to_states:
        if state == "shortlisted":
            portfolio.shortlist_idea(idea, steering, "Passt zur Strategie.")
        else:
            moderation.change_status(idea, state, moderator)
    db.session.commit()
    return idea


def town_id(slug: str) -> int:
    """The id of a municipality of the reference data, by slug ("duelmen", "kreis-coesfeld")."""
    from sqlalchemy import select

    from app.models import Municipality

    return db.session.scalar(select(Municipality.id).where(Municipality.slug == slug))
