"""A blocked account's supports count nowhere until it is unblocked (probe finding 2)."""

import re

import pytest
from sqlalchemy import func, select

from app.admin import services as admin
from app.extensions import db
from app.models import Idea, Support
from app.moderation import services as moderation
from app.participation import services as participation
from tests.factories import create_user, make_idea
from tests.helpers import HttpBrowser, card_titles, csv_rows, fire_at_once


def _counted(idea_id: int) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(Support.id)).where(Support.idea_id == idea_id, Support.suspended_at.is_(None)))


def _counter(idea_id: int) -> int:
    db.session.rollback()
    return db.session.scalar(select(Idea.support_count).where(Idea.id == idea_id))


@pytest.fixture
def ideas(app, reference):
    author = create_user("autorin@example.com")
    pushed = make_idea(author, "Viele Unterstützer")
    honest = make_idea(author, "Echte Unterstützer")
    supporters = [create_user(f"fan{n}@example.com") for n in range(8)]
    for supporter in supporters:
        participation.support_idea(supporter, pushed)
    for supporter in supporters[:4]:
        participation.support_idea(supporter, honest)
    db.session.commit()
    return pushed, honest, supporters


def test_blocking_removes_supports_from_every_count_and_unblocking_restores_them(client, auth, ideas):
    pushed, honest, supporters = ideas
    create_user("admin@example.com", roles=("admin", "moderator"))
    auth.login("admin@example.com")
    assert card_titles(client.get("/ideen?sort=supported"))[:2] == ["Viele Unterstützer", "Echte Unterstützer"]
    for supporter in supporters[3:8]:
        assert client.post(f"/verwaltung/konten/{supporter.id}/sperren", data={"reason": "Mehrfachkonten"}).status_code == 302
    assert _counter(pushed.id) == _counted(pushed.id) == 3
    assert _counter(honest.id) == _counted(honest.id) == 3
    assert db.session.scalar(select(func.count(Support.id))) == 12, "the rows stay, only suspended"
    assert re.search(r"3\s*Unterstützungen", client.get(f"/ideen/{pushed.id}").text)
    assert client.get("/api/v1/ideas").json["data"][0]["supports"] == 3
    exported = {row["Titel"]: row["Unterstützungen"] for row in csv_rows(client.get("/moderation/ideen/export.csv").data)}
    assert exported == {"Viele Unterstützer": "3", "Echte Unterstützer": "3"}
    for supporter in supporters[3:8]:
        client.post(f"/verwaltung/konten/{supporter.id}/entsperren", data={"reason": "Geklärt"})
    assert _counter(pushed.id) == _counted(pushed.id) == 8
    assert _counter(honest.id) == _counted(honest.id) == 4


def test_a_blocked_supporter_of_a_merged_idea_stays_uncounted_at_the_target(ideas):
    pushed, honest, supporters = ideas
    moderator = create_user("mod@example.com", roles=("moderator",))
    target = make_idea(create_user("andere@example.com"), "Das Original")
    admin.block_user(supporters[7], None, "Spam")
    db.session.commit()
    carried = moderation.merge_idea(pushed, target, moderator, "Doppelt")
    db.session.commit()
    assert carried == 7
    assert _counter(target.id) == _counted(target.id) == 7
    admin.unblock_user(supporters[7], None)
    db.session.commit()
    assert _counter(target.id) == _counted(target.id) == 8


def test_counters_equal_the_counted_rows_when_blocks_and_supports_race(live_server, ideas):
    pushed, _honest, supporters = ideas
    newcomers = [create_user(f"neu{n}@example.com") for n in range(5)]
    create_user("admin@example.com", roles=("admin",))
    db.session.commit()
    admin_browser = HttpBrowser(live_server)
    admin_browser.login_staff("admin@example.com")
    browsers = []
    for person in newcomers:
        browser = HttpBrowser(live_server)
        browser.login(person.email)
        browsers.append(browser)
    idea_id, blocked_ids = pushed.id, [s.id for s in supporters[:5]]  # no lazy loads in the threads
    support_token = [b.token(f"/ideen/{idea_id}") for b in browsers]
    block_token = admin_browser.token(f"/verwaltung/konten/{blocked_ids[0]}")

    def act(n):
        if n < 5:
            return browsers[n].request(f"/ideen/{idea_id}/unterstuetzen", {"csrf_token": support_token[n]}, accept="application/json")[0]
        return admin_browser.request(f"/verwaltung/konten/{blocked_ids[n - 5]}/sperren", {"csrf_token": block_token, "reason": "Test"})[0]

    statuses = fire_at_once(10, act)
    assert all(status < 500 for status in statuses), statuses
    assert _counter(idea_id) == _counted(idea_id) == 8 - 5 + 5
