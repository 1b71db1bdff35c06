"""The page cache never shows stale data and never caches personal pages (signed-in readers: test_page_layers.py)."""

import time

import pytest
import redis
from sqlalchemy import select, text

from app import cache
from app.cache import store, versions
from app.extensions import db
from app.models import ContentVersion, Idea
from app.participation import services
from tests.factories import PASSWORD, create_user, make_idea, redis_url, require_redis
from tests.helpers import Auth


def _queries(client, count_queries, url) -> tuple[int, str]:
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count, response.text


@pytest.fixture
def idea(app, reference):
    return make_idea(create_user("autorin@example.com", display_name="Autorin"), "Bürgerbus in Echtzeit")


@pytest.mark.parametrize("path", ["/", "/ideen?sort=supported", "/ideen?q=Bürgerbus", "IDEA"])
def test_second_anonymous_request_is_served_from_the_cache(app, client, idea, count_queries, path):
    url = f"/ideen/{idea.id}" if path == "IDEA" else path
    first, html = _queries(client, count_queries, url)
    second, cached = _queries(client, count_queries, url)
    assert cached == html
    assert second == 1 < first  # only the version is read


@pytest.mark.parametrize("path", ["/api/v1/ideas?sort=supported", "/api/v1/ideas?after=IDEA", "/api/v1/projects", "/api/v1/projects/P1", "IDEA"])
def test_api_answers_are_cached_as_json_too(app, client, idea, count_queries, path):
    url = f"/api/v1/ideas/{idea.id}" if path == "IDEA" else path.replace("IDEA", str(idea.id))
    first, body = _queries(client, count_queries, url)
    with count_queries() as counter:
        cached = client.get(url)
    assert counter.count == 1 < first
    assert cached.text == body and cached.is_json
    assert cached.headers["Access-Control-Allow-Origin"] == "*"


def _versions(idea) -> tuple[int, int]:
    """The site's content version and the idea's own page version."""
    return db.session.scalar(select(ContentVersion.version)), db.session.scalar(select(Idea.page_version).where(Idea.id == idea.id))


def test_a_support_shows_at_once_to_signed_in_readers_and_keeps_every_entry(app, client, auth, idea, count_queries):
    """A support bumps no version: the count is in each signed-in reader's own support box, read
    per request; anonymous readers' pages keep their entries (counts at most PAGE_CACHE_TIMEOUT old:
    TestTimeout)."""
    url = f"/ideen/{idea.id}"
    assert "0 Unterstützungen" in client.get(url).text
    assert "0 Unterstützungen" in client.get("/ideen").text
    site, page = _versions(idea)
    supporter = create_user()  # erika@example.com
    create_user("olaf@example.com", display_name="Olaf K.")
    services.support_idea(supporter, idea)  # a bulk UPDATE of the counter, no ORM flush of the idea
    db.session.commit()
    assert _versions(idea) == (site, page)
    for path in (url, "/ideen"):
        queries, cached = _queries(client, count_queries, path)
        assert queries == 1 and "0 Unterstützungen" in cached  # the anonymous entries stay
    signed_in = app.test_client()
    Auth(signed_in).login()
    assert "1 Unterstützung" in signed_in.get(url).text  # the supporter's own box
    response = signed_in.get(url)
    assert response.headers["X-Page-Cache"] == "hit" and "1 Unterstützung" in response.text
    other = app.test_client()
    Auth(other).login("olaf@example.com")
    assert "1 Unterstützung" in other.get(url).text  # every signed-in reader's box reads the count
    services.withdraw_support(supporter, idea)  # a bulk DELETE of the support
    db.session.commit()
    assert services.withdraw_support(supporter, idea) is False
    db.session.commit()
    assert _versions(idea) == (site, page)
    assert "0 Unterstützungen" in signed_in.get(url).text and "0 Unterstützungen" in other.get(url).text


def test_a_comment_changes_its_ideas_page_at_once(app, client, idea):
    url = f"/ideen/{idea.id}"
    client.get(url)
    site, page = _versions(idea)
    comment = services.add_comment(create_user(), idea, "Gute Idee, der Bus hält bei uns nur stündlich.")
    db.session.commit()
    assert "der Bus hält bei uns nur stündlich" in client.get(url).text
    services.edit_comment(comment.author, comment, "Gute Idee, der Bus hält bei uns nur zweimal am Tag.")
    db.session.commit()
    assert "nur zweimal am Tag" in client.get(url).text
    assert _versions(idea) == (site, page + 2)  # once per transaction, whichever statement bumped it
    services.hide(comment, "moderation")
    db.session.commit()
    assert "der Bus hält bei uns" not in client.get(url).text
    assert _versions(idea) == (site, page + 3)
    other = services.add_comment(create_user("zweite@example.com"), idea, "Ich fahre jeden Tag mit.")
    db.session.commit()
    assert "Ich fahre jeden Tag mit." in client.get(url).text
    services.delete_comment(other.author, other)
    db.session.commit()
    assert "Ich fahre jeden Tag mit." not in client.get(url).text
    assert _versions(idea) == (site, page + 5)


class TestTimeout:
    @pytest.fixture
    def app_config_overrides(self):
        return {"PAGE_CACHE_TIMEOUT": 1}

    def test_counts_the_same_for_everyone_are_at_most_the_timeout_old(self, app, client, idea):
        """The list, the idea's page for anonymous readers and the API (that they keep their entries
        until then: test_a_support_shows_at_once_to_signed_in_readers_and_keeps_every_entry)."""
        api = f"/api/v1/ideas/{idea.id}"
        assert "0 Unterstützungen" in client.get("/ideen").text
        assert "0 Unterstützungen" in client.get(f"/ideen/{idea.id}").text
        assert client.get(api).json["supports"] == 0
        services.support_idea(create_user(), idea)
        db.session.commit()
        assert client.get(api).json["supports"] == 0
        time.sleep(1.1)
        assert "1 Unterstützung" in client.get("/ideen").text
        assert "1 Unterstützung" in client.get(f"/ideen/{idea.id}").text
        assert client.get(api).json["supports"] == 1


def test_edits_and_state_changes_invalidate(app, client, idea):
    from app.ideas.services import withdraw_idea

    url = f"/ideen/{idea.id}"
    client.get(url)
    client.get("/ideen")
    idea.title = "Bürgerbus live"
    db.session.commit()
    assert "Bürgerbus live" in client.get(url).text
    assert "Bürgerbus live" in client.get("/ideen").text  # the site's version: every entry
    withdraw_idea(idea, idea.author, "Erledigt")
    db.session.commit()
    assert "Zurückgezogen" in client.get(url).text


def test_unrelated_writes_keep_the_cache(app, client, idea):
    version = db.session.scalar(select(ContentVersion.version))
    create_user("neu@example.com")  # accounts are not shown on these pages
    client.post("/anmelden", data={"email": "neu@example.com", "password": "falsch-falsch-falsch"})
    db.session.rollback()
    assert db.session.scalar(select(ContentVersion.version)) == version


def test_rolled_back_changes_do_not_invalidate(app, idea):
    version = db.session.scalar(select(ContentVersion.version))
    idea.title = "Nie gespeichert"
    db.session.flush()
    db.session.rollback()
    create_user("x@example.com")
    assert db.session.scalar(select(ContentVersion.version)) == version


def test_a_flash_message_shows_once(app, client, idea):
    create_user()
    client.post("/anmelden", data={"email": "erika@example.com", "password": PASSWORD})
    client.post("/abmelden")  # flashes "Sie sind abgemeldet."
    assert "Sie sind abgemeldet." in client.get("/").text
    assert "Sie sind abgemeldet." not in client.get("/").text


def test_cached_pages_carry_no_session_token_and_set_no_cookie(app, client, idea):
    for url in ("/", "/ideen", f"/ideen/{idea.id}"):
        response = client.get(url)
        assert "csrf_token" not in response.text, url
        assert "Set-Cookie" not in response.headers, url


def test_locales_are_cached_apart(app, client, idea):
    assert "Idee einreichen" in client.get("/").text
    client.post("/sprache", data={"lang": "en"}, headers={"Origin": "http://localhost"})
    assert "Submit an idea" in client.get("/").text


class TestWithRedis:
    @pytest.fixture
    def app_config_overrides(self):
        return {"REDIS_URL": require_redis(14, flush=True), "PAGE_CACHE_ITEMS": 5}

    def test_pages_are_shared_through_redis(self, app, client, idea, count_queries):
        from app.cache.store import BoundedRedisCache

        assert isinstance(app.extensions["page_cache"], BoundedRedisCache)
        first, html = _queries(client, count_queries, "/ideen")
        other_worker = app.test_client()
        second, cached = _queries(other_worker, count_queries, "/ideen")
        assert cached == html and second == 0  # the versions come with the page, from Redis
        url = f"/ideen/{idea.id}"
        assert "Kommentare (0)" in client.get(url).text
        services.add_comment(create_user(), idea, "Gute Idee, der Bus hält bei uns nur stündlich.")
        db.session.commit()  # bumps the idea's page version and publishes it
        assert "der Bus hält bei uns nur stündlich" in other_worker.get(url).text

    def test_a_change_is_published_to_every_worker_at_once(self, app, client, idea, count_queries):
        other_worker = app.test_client()
        for path in ("/ideen", f"/ideen/{idea.id}"):
            other_worker.get(path)
            assert _queries(other_worker, count_queries, path)[0] == 0
        idea.title = "Bürgerbus live"
        db.session.commit()  # publishes the site's new version after the commit
        assert "Bürgerbus live" in other_worker.get("/ideen").text
        assert "Bürgerbus live" in other_worker.get(f"/ideen/{idea.id}").text

    def test_a_page_nobody_stored_shares_no_versions_its_next_reader_does(self, app, client, idea):
        """An idea of the long tail is read once: the versions its miss read from the database are
        not written to Redis (a round trip for no one); the next reader, who finds the page, shares them."""
        cache = app.extensions["page_cache"]
        cache.clear()  # pages and versions, also those the fixtures' commits published
        cache.recent.seconds = 0  # every lookup asks Redis, as another worker's would
        version_key = f"ideen:version:idea:{idea.id}"
        redis_store = redis.Redis.from_url(redis_url(14))
        assert client.get(f"/ideen/{idea.id}").headers["X-Page-Cache"] == "miss"
        assert redis_store.get(version_key) is None and redis_store.zcard("ideen:page-index") == 1
        assert client.get(f"/ideen/{idea.id}").headers["X-Page-Cache"] == "hit"
        assert redis_store.get(version_key) is not None

    def test_a_version_nobody_published_shows_within_its_seconds(self, app, client, idea, count_queries):
        """A process that could not reach Redis commits a change: Redis's copy of the version
        lives PAGE_CACHE_VERSION_SECONDS (1 here), then a lookup reads the database."""
        app.config["PAGE_CACHE_VERSION_SECONDS"] = 1
        app.extensions["page_cache"].version_seconds = 1
        app.extensions["page_cache"].clear()  # pages and versions, also those of the fixtures' commits
        client.get("/ideen")
        assert client.get("/ideen").headers["X-Page-Cache"] == "hit"
        db.session.execute(text("UPDATE ideas SET title = 'Bürgerbus still' WHERE id = :id"), {"id": idea.id})
        db.session.execute(text("UPDATE content_versions SET version = version + 1 WHERE id = 1"))  # the session's hooks see no mapper
        db.session.commit()
        time.sleep(1.1)
        response = client.get("/ideen")
        assert response.headers["X-Page-Cache"] == "miss" and "Bürgerbus still" in response.text
        assert _queries(client, count_queries, "/ideen")[0] == 0  # the copy is back

    def test_a_page_renders_when_redis_does_not_answer(self, app, make_app, idea):
        unreachable = make_app(PAGE_CACHE_REDIS_URL="redis://127.0.0.1:9/0")
        with unreachable.app_context():
            client = unreachable.test_client()
            for _ in range(2):
                response = client.get("/ideen")
                assert response.status_code == 200 and "Bürgerbus in Echtzeit" in response.text
                assert "X-Page-Cache" not in response.headers
            idea = db.session.get(Idea, idea.id)
            idea.title = "Bürgerbus offline"
            db.session.commit()  # its publish fails, and is only logged
            assert "Bürgerbus offline" in client.get("/ideen").text

    def test_junk_parameters_create_no_entries_and_the_entries_are_bounded(self, app, client, idea):
        """Probe finding 15: 200 junk URLs grew Redis by ~20 KB each, next to the rate-limit counters."""
        store = redis.Redis.from_url(redis_url(14))
        for number in range(50):
            assert client.get(f"/ideen?junk{number}=x").status_code == 200
            assert client.get(f"/ideen?q={'x' * 200}{number}").status_code == 200
        assert store.zcard("ideen:page-index") == 0 and not store.keys("ideen:page:*")
        client.get("/ideen?sort=new&status=")
        client.get("/ideen?status=&sort=new")  # the same page: one entry
        client.get("/ideen?sort=%20new%20&status=")
        assert store.zcard("ideen:page-index") == 1
        for number in range(1, 12):
            client.get(f"/ideen?page={number}")
        assert store.zcard("ideen:page-index") == 5 and len(store.keys("ideen:page:*")) == 5

    def test_storing_a_page_past_the_bound_is_one_round_trip(self, app, client, idea, monkeypatch):
        """A full cache (the usual state) evicts its oldest page as part of storing the new one, in
        one round trip to Redis, not three (the set, popping the oldest, deleting them)."""
        cache = app.extensions["page_cache"]
        for number in range(1, 6):
            client.get(f"/ideen?page={number}")
        sent = []

        def counted(name):
            original = getattr(cache.client, name)

            def call(*args, **kwargs):
                sent.append(name)
                return original(*args, **kwargs)
            return call

        for name in ("execute_command", "pipeline"):  # a command, or a pipeline of them: a round trip each
            monkeypatch.setattr(cache.client, name, counted(name))
        entry = store.Entry("1", "text/html", b"<p>eine Seite</p>", time.time())
        cache.store("neu", entry)
        assert sent == ["execute_command"], sent
        redis_store = redis.Redis.from_url(redis_url(14))
        assert redis_store.zcard("ideen:page-index") == 5 and len(redis_store.keys("ideen:page:*")) == 5
        assert redis_store.get("ideen:page:neu") == entry.encode(), "the new page is kept, the oldest went"

    def test_a_worker_serves_its_own_copy_while_the_version_is_current(self, app, make_app, client, idea):
        """A hit on this worker's copy reads only the versions from Redis: gone from Redis, the page
        is still served here, not by another worker (another app: its own copies); a change shows at once."""
        store = redis.Redis.from_url(redis_url(14))
        assert client.get("/ideen").headers["X-Page-Cache"] == "miss"
        store.delete(*store.keys("ideen:page:*"))
        response = client.get("/ideen")
        assert response.headers["X-Page-Cache"] == "hit" and "Bürgerbus in Echtzeit" in response.text
        other_worker = make_app(REDIS_URL=redis_url(14), PAGE_CACHE_ITEMS=5)
        with other_worker.app_context():
            assert other_worker.test_client().get("/ideen").headers["X-Page-Cache"] == "miss"
        idea.title = "Bürgerbus mit Kopie"
        db.session.commit()
        response = client.get("/ideen")
        assert response.headers["X-Page-Cache"] == "miss" and "Bürgerbus mit Kopie" in response.text

    def test_a_reader_is_answered_from_the_copy_without_asking_redis(self, app, make_app, client, idea, monkeypatch):
        """Readers get this worker's copy while the versions it saw are under PAGE_CACHE_RECENT_SECONDS
        old: with Redis gone, a hit still is one. A change another process committed reaches them that
        much later; a page this worker has no copy of asks Redis and shows it at once. (The copies'
        clock is the test's: on a busy machine, building the second app took longer than the window.)"""
        clock = [1000.0]
        monkeypatch.setattr("app.cache.versions.time", lambda: clock[0])
        pages = app.extensions["page_cache"]
        pages.recent.seconds = 0.5
        assert client.get("/ideen").headers["X-Page-Cache"] == "miss"
        reachable, pages.client = pages.client, redis.Redis.from_url("redis://127.0.0.1:9/0", socket_timeout=0.2)
        response = client.get("/ideen")
        assert response.headers["X-Page-Cache"] == "hit" and "Bürgerbus in Echtzeit" in response.text
        pages.client = reachable
        elsewhere = make_app(REDIS_URL=redis_url(14), PAGE_CACHE_ITEMS=5)
        with elsewhere.app_context():
            db.session.get(Idea, idea.id).title = "Bürgerbus von anderswo"
            db.session.commit()  # publishes through Redis
        db.session.commit()  # this test's own session sees it (its transaction ends)
        assert "Bürgerbus in Echtzeit" in client.get("/ideen").text  # the version this worker saw 0.5 s ago
        reader = app.test_client()
        Auth(reader).login(create_user().email)
        assert "Bürgerbus von anderswo" in reader.get("/ideen").text
        clock[0] += 0.6
        response = client.get("/ideen")
        assert response.headers["X-Page-Cache"] == "miss" and "Bürgerbus von anderswo" in response.text

    def test_a_reader_s_own_change_shows_at_once_on_a_worker_that_trusts_what_it_saw(self, app, make_app, client, idea):
        """Signed-in readers, too, get this worker's copy without asking Redis, except right after they
        changed public content themselves: that commit marks their session (cache.CHANGED_AT), and a
        version this worker saw before the mark does not count for them, whichever worker they wrote on."""
        pages = app.extensions["page_cache"]
        pages.recent.seconds = 60  # everything this worker sees stays trusted for the whole test
        url = f"/ideen/{idea.id}"
        create_user("leser@example.com", display_name="Leser")
        create_user("nachbarin@example.com", display_name="Nachbarin")
        reader, bystander = client, app.test_client()
        Auth(reader).login("leser@example.com")
        Auth(bystander).login("nachbarin@example.com")
        assert reader.get(url).headers["X-Page-Cache"] == "miss"
        reachable, pages.client = pages.client, redis.Redis.from_url("redis://127.0.0.1:9/0", socket_timeout=0.2)
        response = bystander.get(url)
        assert response.headers["X-Page-Cache"] == "hit" and "Nachbarin" in response.text  # with Redis gone: asked nobody
        pages.client = reachable
        other_worker = make_app(REDIS_URL=redis_url(14), PAGE_CACHE_ITEMS=5)
        with other_worker.app_context():
            writer = other_worker.test_client()  # the reader's browser, its request served by the other worker
            cookie = app.config["SESSION_COOKIE_NAME"]
            writer.set_cookie(cookie, reader.get_cookie(cookie).value)
            response = writer.post(f"{url}/kommentare", data={"body": "Die Linie 3 fährt sonntags gar nicht."})
            assert response.status_code == 302
            reader.set_cookie(cookie, writer.get_cookie(cookie).value)  # the answer's cookie, as the browser keeps it
        db.session.commit()  # this test's own session sees the comment (its transaction ends)
        assert "Die Linie 3" not in bystander.get(url).text  # this worker's version, seen a moment ago
        response = reader.get(url)
        assert response.headers["X-Page-Cache"] == "miss" and "Die Linie 3 fährt sonntags gar nicht." in response.text
        assert "Die Linie 3" in bystander.get(url).text  # the version the reader's page read from Redis

    def test_an_entry_in_another_format_is_a_miss_not_an_error(self, app, client, idea):
        """An entry an earlier release left in Redis (no time it was stored) is rendered anew."""
        store = redis.Redis.from_url(redis_url(14))
        client.get("/ideen")
        [key] = store.keys("ideen:page:*")
        store.set(key, b"1\ntext/html\n<p>alt</p>")
        app.extensions["page_cache"].copies.clear()
        response = client.get("/ideen")
        assert response.status_code == 200 and response.headers["X-Page-Cache"] == "miss" and "Bürgerbus in Echtzeit" in response.text


def _entry(size: int, age: float = 0.0) -> store.Entry:
    return store.Entry("1", "text/html", b"x" * size, time.time() - age)


def test_a_worker_keeps_the_most_recently_used_copies_within_its_bounds():
    copies = store.Copies(items=3, max_bytes=1000, timeout=60)
    for key in "abc":
        copies.put(key, _entry(100))
    assert copies.get("a") is not None  # used: kept the longest
    copies.put("d", _entry(100))
    assert [k for k in "abcd" if copies.get(k) is not None] == ["a", "c", "d"]
    copies.put("big", _entry(900))  # over 1000 bytes in all: the least recently used go
    assert copies.get("big") is not None and copies.get("a") is None and copies.get("c") is None
    copies.put("huge", _entry(1001))  # larger than everything allowed: not kept, nothing evicted for it
    assert copies.get("huge") is None and copies.get("big") is not None


def test_a_copy_lives_no_longer_than_the_entry_it_copies():
    copies = store.Copies(items=10, max_bytes=10_000, timeout=60)
    copies.put("old", _entry(10, age=61))
    copies.put("aging", _entry(10, age=30))
    assert copies.get("old") is None and copies.get("aging") is not None
    copies.get("aging").stored_at -= 31
    assert copies.get("aging") is None


def test_recent_versions_are_those_seen_within_their_seconds_the_greatest_of_each():
    recent = versions.RecentVersions(seconds=0.2, items=3)
    assert recent.get(["site"]) is None
    recent.note([("site", b"12"), ("idea:7", b"3")])
    assert recent.get(["site", "idea:7"]) == "12.3" and recent.get(["site", "idea:8"]) is None
    assert recent.get(["site"], seen_after=time.time()) is None  # seen before the reader's own change
    assert recent.get(["site"], seen_after=time.time() - 1) == "12"
    recent.note([("site", 11)])  # an older number read after a newer one was published
    assert recent.get(["site"]) == "12"
    time.sleep(0.2)
    assert recent.get(["site"]) is None
    recent.note([("site", 13)])
    assert recent.get(["site"]) == "13" and recent.get(["site", "idea:7"]) is None
    recent.note([(f"idea:{number}", 1) for number in range(4)])  # more keys than it keeps: it starts over
    recent.note([("idea:9", 1)])
    assert recent.get(["site"]) is None and recent.get(["idea:9"]) == "1"
    off = versions.RecentVersions(seconds=0, items=3)
    off.note([("site", 1)])
    assert off.get(["site"]) is None


def test_a_failed_savepoint_keeps_the_invalidation_of_earlier_changes(app, idea):
    """A savepoint that fails and rolls back (as record_once's does) must not cancel the bump of earlier changes."""
    from sqlalchemy.exc import IntegrityError

    from app.models import Support

    citizen = create_user()
    services.support_idea(citizen, idea)
    db.session.commit()
    version = db.session.scalar(select(ContentVersion.version))
    idea.title = "Geändert"  # a real change ...
    db.session.flush()
    with pytest.raises(IntegrityError):  # ... then a savepoint that fails and rolls back
        with db.session.begin_nested():
            db.session.add(Support(idea_id=idea.id, user_id=citizen.id))
    db.session.commit()
    assert db.session.scalar(select(ContentVersion.version)) == version + 1


def test_the_version_is_bumped_once_per_transaction_not_per_savepoint(app, idea):
    site, page = _versions(idea)
    citizen = create_user()
    services.support_idea(citizen, idea)  # insert, counter, follow: only the count changes
    services.add_comment(citizen, idea, "Gute Idee.")  # insert, counter: the page changes
    db.session.commit()
    assert _versions(idea) == (site, page + 1)
    assert services.support_idea(citizen, idea) is False  # changes nothing, so invalidates nothing
    db.session.commit()
    assert _versions(idea) == (site, page + 1)
    idea.title = "Geändert"
    idea.summary = "Auch geändert"
    db.session.flush()
    idea.title = "Noch einmal geändert"
    db.session.commit()
    assert _versions(idea) == (site + 1, page + 1)


def test_a_request_with_unknown_parameters_is_rendered_not_cached(app, client, idea, count_queries):
    client.get("/ideen")
    with count_queries() as counter:
        client.get("/ideen?utm_source=newsletter")
    assert counter.count > 1, "rendered, not served from the entry of /ideen"
    with count_queries() as counter:
        client.get("/ideen?utm_source=newsletter")
    assert counter.count > 1, "and not stored"


def test_a_version_connection_the_database_dropped_is_replaced(app, client, idea):
    """Cached pages read their version over a connection kept open (versions.VersionReader); a database
    restart ends it, and the next request opens a new one instead of failing."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("a connection is ended by PostgreSQL (pg_terminate_backend)")
    client.get("/ideen")
    assert client.get("/ideen").headers["X-Page-Cache"] == "hit"
    held = app.extensions["page_cache_versions"]._connection()
    backend = held.connection.dbapi_connection.info.backend_pid
    assert db.session.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
    db.session.commit()
    response = client.get("/ideen")
    assert response.status_code == 200 and response.headers["X-Page-Cache"] == "hit"
    assert app.extensions["page_cache_versions"]._connection() is not held


def test_the_version_connection_closes_with_its_engine(app, make_app, idea):
    other = make_app()
    with other.app_context():
        other.test_client().get("/ideen")
        reader = other.extensions["page_cache_versions"]
        held = reader._connection()
        db.engine.dispose()
        assert held.closed and reader._held is None


def test_the_version_connection_stays_one_however_many_threads_read(app, client, idea):
    """A threaded server (the development server, the browser tests' live server) starts a thread
    per request: they share the one kept connection instead of each keeping one (the pool ran dry)."""
    import threading

    versions, failures = [], []

    def read():
        try:
            with app.app_context():
                versions.append(cache.current_version())
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(error)

    threads = [threading.Thread(target=read) for _ in range(40)]  # more than the pool's 5 + 10
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == [] and len(versions) == 40 and None not in versions
    assert db.engine.pool.checkedout() <= 2  # the kept one, and this test's session
