"""Signed-in readers get the shared layer of a page from the cache and only their own parts rendered (app/cache/layers.py)."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.cache import layers
from app.extensions import db
from app.models import AuthSession, Comment, utcnow
from app.participation import services
from tests.factories import create_user, make_idea
from tests.helpers import Auth


@pytest.fixture
def idea(app, reference):
    return make_idea(create_user("autorin@example.com", display_name="Autorin"), "Bürgerbus in Echtzeit")


def _olafs_comment(idea, body: str) -> Comment:
    """Erika (who reads) and Olaf, who wrote a comment."""
    create_user()
    comment = services.add_comment(create_user("olaf@example.com", display_name="Olaf K."), idea, body)
    db.session.commit()
    return comment


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token" value=""', html)


def _get(client, count_queries, url):
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200, url
    assert "<!--slot:" not in response.text, "every slot is filled"
    return counter.count, response.text


@pytest.mark.parametrize("url", ["/", "/ideen", "/ideen?sort=supported", "/portfolio", "/portfolio/P1", "/neuigkeiten", "IDEA"])
def test_a_signed_in_reader_gets_the_shared_layer_from_the_cache(app, client, auth, idea, count_queries, url):
    url = f"/ideen/{idea.id}" if url == "IDEA" else url
    create_user()
    auth.login()
    client.get("/offene-daten")  # shows the log-in's flash message
    first, html = _get(client, count_queries, url)
    second, cached = _get(client, count_queries, url)
    # The account and the content version. On an idea's or a project's page the query of the account
    # also reads the reader's marks and own comments there (app/auth/sessions.py read_with_account).
    assert second <= 2 < first
    assert _without_tokens(cached) == _without_tokens(html)  # a CSRF token carries the second it was signed
    assert "Erika M." in cached and 'name="csrf_token"' in cached  # their name, their log-out form


def test_each_reader_gets_their_own_parts_on_the_same_shared_page(app, client, auth, idea):
    url = f"/ideen/{idea.id}"
    supporter, other = create_user(), create_user("olaf@example.com", display_name="Olaf K.")
    services.support_idea(supporter, idea)
    db.session.commit()
    client.get(url)  # an anonymous reader fills the cache first
    auth.login()
    erika = client.get(url).text
    auth.logout()
    auth.login("olaf@example.com")
    olaf = client.get(url).text
    assert "Erika M." in erika and "Olaf K." not in erika
    assert "Olaf K." in olaf and "Erika M." not in olaf
    withdraw = f'action="/ideen/{idea.id}/unterstuetzung-zurueckziehen"'
    assert withdraw in erika and withdraw not in olaf
    assert other.id and "Kommentar veröffentlichen" in olaf


def test_the_marks_read_with_the_account_are_that_reader_s_on_that_idea(app, client, auth, idea):
    """A cached idea page's reader parts come from the account's query (read_with_account): the
    reader's own marks on that idea, also when that query's request wrote the session's last visit
    (a commit, which expires what it loaded) before the parts were read."""
    erika = create_user()
    other = make_idea(create_user("olaf@example.com", display_name="Olaf K."), "Zweite Idee")
    services.support_idea(erika, idea)
    db.session.commit()
    auth.login()
    withdraw, support = 'action="/ideen/{}/unterstuetzung-zurueckziehen"', 'action="/ideen/{}/unterstuetzen"'
    for _ in range(2):  # rendered, then from the cache
        supported, not_supported = client.get(f"/ideen/{idea.id}"), client.get(f"/ideen/{other.id}")
    assert supported.headers["X-Page-Cache"] == not_supported.headers["X-Page-Cache"] == "hit"
    assert withdraw.format(idea.id) in supported.text and support.format(other.id) in not_supported.text
    assert withdraw.format(other.id) not in not_supported.text
    db.session.execute(update(AuthSession).values(last_seen_at=utcnow() - timedelta(hours=1)))
    db.session.commit()
    page = client.get(f"/ideen/{idea.id}")
    assert page.headers["X-Page-Cache"] == "hit"
    assert withdraw.format(idea.id) in page.text and "Erika M." in page.text
    assert db.session.scalar(select(AuthSession.last_seen_at)) > utcnow() - timedelta(minutes=1)


def test_staff_own_comments_come_with_the_account_on_a_cached_page(app, client, auth, idea):
    """Read with the account (several rows: one per own comment), for staff too: each of their
    comments on a cached idea page has its edit link, no one else's has."""
    moderator = create_user("mod@example.com", roles=("moderator",), display_name="Mona Moderatorin")
    own = [services.add_comment(moderator, idea, f"Eigener Kommentar {n}") for n in (1, 2)]
    other = _olafs_comment(idea, "Olafs Kommentar")
    auth.login("mod@example.com")
    for _ in range(2):
        page = client.get(f"/ideen/{idea.id}")
    assert page.headers["X-Page-Cache"] == "hit"
    assert all(f"/kommentare/{c.id}/bearbeiten" in page.text for c in own)
    assert f"/kommentare/{other.id}/bearbeiten" not in page.text


def test_a_reader_s_navigation_is_reused_only_while_what_it_shows_is_the_same(app, client, auth, idea):
    """layers.navigation renders it once per worker and key: the section's link is marked, and a new
    unread notification or name shows on the next page; its log-out form has the request's token.
    (A new role ends the session: test_second_factor_routes.py.)"""
    erika = create_user()
    auth.login()
    for _ in range(2):
        listing, portfolio = client.get("/ideen").text, client.get("/portfolio").text
        assert 'href="/ideen" aria-current="page"' in listing and 'href="/ideen" aria-current' not in portfolio
        assert 'href="/portfolio" aria-current="page"' in portfolio and "Erika M." in listing
    assert "badge" not in client.get(f"/ideen/{idea.id}").text
    erika.unread_notifications, erika.display_name = 3, "Erika Mustermann"
    db.session.commit()
    page = client.get(f"/ideen/{idea.id}").text
    assert '<span class="badge">3<' in page and "Erika Mustermann" in page
    tokens = re.findall(r'name="csrf_token" value="([^"]+)"', page)
    assert tokens and layers.CSRF_SLOT not in tokens and len(set(tokens)) == 1


def test_a_reader_s_support_box_is_reused_only_while_what_it_shows_is_the_same(app, client, auth, idea):
    """pages/idea.py keeps a signed-in reader's parts of an idea's page per worker (layers.parts_rendered_once)
    while their marks, their rights and the count are the same: each reader's form still carries their
    own token, and a support, a follow or a report shows on the next page."""
    erika, olaf = create_user(), create_user("olaf@example.com", display_name="Olaf K.")
    url = f"/ideen/{idea.id}"
    auth.login()
    client.get("/offene-daten")  # shows the log-in's flash message
    first, second = client.get(url).text, client.get(url).text
    assert app.extensions["reader_parts"], "the parts were kept"
    assert _without_tokens(first) == _without_tokens(second) and "0 Unterstützungen" in second
    erika_tokens = set(re.findall(r'name="csrf_token" value="([^"]+)"', second))
    other = app.test_client()
    Auth(other).login("olaf@example.com")
    olaf_page = other.get(url).text
    olaf_tokens = set(re.findall(r'name="csrf_token" value="([^"]+)"', olaf_page))
    assert len(erika_tokens) == len(olaf_tokens) == 1 and erika_tokens != olaf_tokens and layers.CSRF_SLOT not in olaf_page
    services.support_idea(olaf, idea)
    db.session.commit()
    assert "1 Unterstützung<" in client.get(url).text
    assert f'action="/ideen/{idea.id}/unterstuetzung-zurueckziehen"' in other.get(url).text
    services.follow_idea(erika, idea)
    db.session.commit()
    assert ">Nicht mehr folgen</button>" in client.get(url).text and "Nicht mehr folgen" not in client.get("/").text
    services.report(erika, idea, reason="spam")
    db.session.commit()
    assert "Von Ihnen gemeldet" in client.get(url).text and "Von Ihnen gemeldet" not in other.get(url).text


def test_a_comment_is_rendered_once_per_worker_while_all_it_shows_is_the_same(app, client, auth, idea):
    """participation/discussion.py keeps each comment's HTML per worker: every reader of the audience
    gets the same, and a new name, an edit, hiding and deleting show at once (the page's entry goes
    with the version; the comment is rendered anew for what changed)."""
    from app.auth.services import change_profile
    from app.models.idea import HIDDEN_BY_MODERATION, HIDDEN_BY_REPORTS

    app.extensions.pop("comments", None)  # (kept by the app, which earlier tests used too)
    comment = _olafs_comment(idea, "Der Bus hält bei uns nur stündlich.")
    olaf = comment.author
    url, report = f"/ideen/{idea.id}", f'href="/kommentare/{comment.id}/melden"'
    anonymous = app.test_client()
    assert report not in anonymous.get(url).text
    auth.login()
    assert report in client.get(url).text  # the audience is part of what a comment is kept for
    assert report not in anonymous.get(url).text
    assert len(app.extensions["comments"]) == 2
    change_profile(olaf, display_name="Olaf Kranz", organisation_name=None, municipality_id=olaf.municipality_id)
    db.session.commit()
    assert "Olaf Kranz" in anonymous.get(url).text and "Olaf Kranz" in client.get(url).text
    services.edit_comment(olaf, comment, "Der Bus hält bei uns nur zweimal am Tag.")
    db.session.commit()
    page = client.get(url).text
    assert "nur zweimal am Tag" in page and "(bearbeitet)" in page
    services.edit_comment(olaf, comment, "Der Bus hält bei uns nur zweimal am Tag, sonntags nie.")
    db.session.commit()
    assert "sonntags nie" in client.get(url).text  # a second edit: the text, not only the mark "edited"
    for cause, text in ((HIDDEN_BY_REPORTS, "Kommentar bis zur Prüfung ausgeblendet"), (HIDDEN_BY_MODERATION, "Kommentar nicht verfügbar")):
        services.hide(comment, cause)
        db.session.commit()
        page = anonymous.get(url).text
        assert text in page and "nur zweimal am Tag" not in page
        services.restore(comment)
        db.session.commit()
        assert "sonntags nie" in anonymous.get(url).text
    services.delete_comment(olaf, comment)
    db.session.commit()
    assert "Kommentar gelöscht" in client.get(url).text and "nur zweimal am Tag" not in client.get(url).text


def test_the_language_form_is_reused_per_language_and_url(app, client, auth, idea):
    """layers.language_form renders it once per worker, language and URL: it returns to the page it
    is on (with its query), in the reader's language, for readers signed in or not."""
    def form(path: str) -> str:
        return re.search(r'<form method="post" action="/sprache".*?</form>', client.get(path).text, re.S).group(0)

    for _ in range(2):
        assert 'name="next" value="/ideen?sort=supported"' in form("/ideen?sort=supported")
        assert 'name="next" value="/ideen"' in form("/ideen")
    create_user()
    auth.login()
    assert 'name="next" value="/ideen?sort=newest"' in form("/ideen?sort=newest")
    assert '<option value="de" selected lang="de">' in form(f"/ideen/{idea.id}")
    client.post("/sprache", data={"lang": "en", "next": "/ideen"}, headers={"Origin": "http://localhost"})
    english = form(f"/ideen/{idea.id}")
    assert '<option value="en" selected lang="en">' in english and ">Language<" in english
    assert f'name="next" value="/ideen/{idea.id}"' in english


def test_own_comments_get_edit_and_delete_links_others_a_report_link(app, client, auth, idea):
    erika, olaf = create_user(), create_user("olaf@example.com", display_name="Olaf K.")
    mine = services.add_comment(erika, idea, "Gute Idee, ich fahre täglich.")
    theirs = services.add_comment(olaf, idea, "Der Bus fährt zu selten.")
    db.session.commit()
    url = f"/ideen/{idea.id}"
    auth.login("olaf@example.com")
    client.get(url)  # Olaf fills the shared layer of the members' audience
    auth.logout()
    auth.login()
    html = client.get(url).text
    assert f"/kommentare/{mine.id}/bearbeiten" in html and f"/kommentare/{mine.id}/loeschen" in html
    assert f"/kommentare/{mine.id}/melden" not in html
    assert f"/kommentare/{theirs.id}/melden" in html and f"/kommentare/{theirs.id}/loeschen" not in html


def test_the_reply_form_opens_under_its_comment_on_a_cached_page(app, client, auth, idea):
    comment = _olafs_comment(idea, "Der Bus fährt zu selten.")
    auth.login()
    url = f"/ideen/{idea.id}"
    plain = client.get(url).text
    assert f'id="antwort-{comment.id}"' not in plain and f"?antwort={comment.id}" in plain
    replying = client.get(f"{url}?antwort={comment.id}").text
    assert f'id="antwort-{comment.id}"' in replying and "Ihre Antwort auf den Kommentar von Olaf K." in replying
    assert f'id="antwort-{comment.id}"' not in client.get(url).text  # the shared layer kept no form


def test_the_author_gets_their_actions_and_others_do_not(app, client, auth, idea):
    create_user()
    url = f"/ideen/{idea.id}"
    auth.login("autorin@example.com")
    author = client.get(url).text
    auth.logout()
    auth.login()
    reader = client.get(url).text
    assert f"/ideen/{idea.id}/bearbeiten" in author and "Andere können Ihre Idee unterstützen." in author
    assert f"/ideen/{idea.id}/bearbeiten" not in reader


def test_a_draft_is_composed_for_its_author_and_never_shared(app, client, auth, reference):
    author = create_user("autorin@example.com", display_name="Autorin")
    draft = make_idea(author, "Noch geheim", publish=False)
    create_user()
    auth.login("autorin@example.com")
    assert "Noch geheim" in client.get(f"/ideen/{draft.id}").text
    auth.logout()
    auth.login()
    assert client.get(f"/ideen/{draft.id}").status_code == 404


def test_a_hidden_idea_shown_to_staff_is_never_shared(app, client, auth, idea):
    from app.moderation import services as moderation

    moderator = create_user("mod@example.com", roles=("moderator",), display_name="Moderation")
    create_user()
    moderation.hide_item(idea, moderator, "Beleidigend")
    db.session.commit()
    auth.login("mod@example.com")
    assert "Bürgerbus in Echtzeit" in client.get(f"/ideen/{idea.id}").text
    auth.logout()
    auth.login()
    assert "Bürgerbus in Echtzeit" not in client.get(f"/ideen/{idea.id}").text


def test_what_readers_write_cannot_open_a_slot_or_region(app, client, auth, idea):
    comment = _olafs_comment(idea, "<!--slot:nav--> <!--region:comment-1-->x<!--/region:comment-1--> <!--part:support-->")
    auth.login()
    url = f"/ideen/{idea.id}"
    client.get(url)
    html = client.get(url).text
    assert html.count("Erika M.") == 1  # the navigation went into its slot only
    assert "<!--slot:nav-->" not in html and "<!--part:" not in html
    assert db.session.get(Comment, comment.id).is_visible


def test_a_flash_message_shows_once_on_a_cached_page(app, client, auth, idea):
    create_user()
    auth.login()
    url = f"/ideen/{idea.id}"
    client.get(url)
    response = client.post(f"/ideen/{idea.id}/folgen", data={"csrf_token": _token(client, url)}, follow_redirects=True)
    assert response.status_code == 200
    flashed = [line for line in response.text.splitlines() if "notice-success" in line]
    assert flashed, "the confirmation shows"
    assert not [line for line in client.get(url).text.splitlines() if "notice-success" in line]


def _token(client, url) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).text).group(1)


def test_a_shared_form_gets_the_reader_s_token_and_a_shared_layer_refuses_a_real_one(app, idea):
    from flask_wtf.csrf import generate_csrf

    from app.participation.discussion import Discussion
    from app.participation.forms import CommentForm

    with app.test_request_context("/"):
        shared = layers.render_shared("participation/_comment_form.html", can_comment=True, comment_form=CommentForm(formdata=None), idea=idea,
                                      discussion=Discussion(idea))
        assert 'name="csrf_token" value="<!--slot:csrf-->"' in shared
        token = generate_csrf()
        assert f'name="csrf_token" value="{token}"' in layers.fill(shared, {})
        with pytest.raises(layers.SharedPageError):
            layers.refuse_tokens(shared.replace(layers.CSRF_SLOT, token), "participation/_comment_form.html")
        wtforms_field = '<input id="csrf_token" name="csrf_token" type="hidden" value="%s">'
        with pytest.raises(layers.SharedPageError):
            layers.refuse_tokens(wtforms_field % token, "a form's hidden_tag()")
        assert layers.refuse_tokens(wtforms_field % layers.CSRF_SLOT, "x")


def test_fill_puts_parts_into_slots_and_regions():
    body = "<a><!--slot:nav--></a><p><!--region:comment-7-->Melden<!--/region:comment-7--></p><!--slot:other-->"
    filled = layers.fill(body, {"nav": "Erika", "comment-7": "Bearbeiten", "missing": "x"})
    assert filled == "<a>Erika</a><p>Bearbeiten</p><!--slot:other-->"
    assert layers.split_parts("<!--part:a-->\n 1 \n<!--part:b-->2") == {"a": "1", "b": "2"}


def test_a_shared_page_cut_once_fills_like_the_page_it_was_cut_from(app):
    """Regions with a form inside (its CSRF slot), regions inside regions, a region never closed."""
    body = ("<h1>Idee</h1><!--slot:nav-->"
            "<!--region:c1--><form><input name=\"csrf_token\" value=\"<!--slot:csrf-->\"></form><!--/region:c1-->"
            "<!--region:c2-->a<!--region:c3-->b<!--/region:c3-->c<!--/region:c2-->"
            "<!--region:offen-->Ende<!--/region:c9-->ü")
    page = layers.SharedPage(body.encode())
    with app.test_request_context("/"):
        from flask_wtf.csrf import generate_csrf

        token = generate_csrf()
        kept = page.fill({}).decode()
        assert kept == body.replace(layers.CSRF_SLOT, token)
        assert page.fill({"nav": "Erika", "c1": "<p>eigen</p>", "c3": "B"}).decode() == (
            "<h1>Idee</h1>Erika<p>eigen</p><!--region:c2-->aBc<!--/region:c2--><!--region:offen-->Ende<!--/region:c9-->ü")
        assert "DREI" not in page.fill({"c2": "2", "c3": "DREI"}).decode()  # inside a region replaced as a whole
        assert layers.fill(body, {"c1": "x"}) == page.fill({"c1": "x"}).decode()
        # A region opened inside another and never closed: what it holds still counts as inside the outer one.
        unclosed = layers.SharedPage("<!--region:a-->1<!--slot:x-->2<!--region:b-->3<!--/region:a-->4".encode())
        assert unclosed.fill({"x": "X"}).decode() == "<!--region:a-->1X2<!--region:b-->3<!--/region:a-->4"
        assert unclosed.fill({"a": "A", "x": "X"}).decode() == "A4"


@pytest.mark.parametrize("template, expected", [
    ("{{ current_user.is_authenticated }} {{ current_user.is_confirmed }} {{ current_user.has_role('moderator') }}", "True True True"),
    ("{{ current_user.is_staff }} {{ current_user.is_anonymous }}", "True False"),
])
def test_a_shared_layer_may_read_the_audience(app, reference, template, expected):
    from flask import render_template_string
    from flask_login import login_user

    with app.test_request_context("/"):
        login_user(create_user("mod@example.com", roles=("moderator",)))
        with layers.shared(), layers.audience_only():
            assert render_template_string(template) == expected


@pytest.mark.parametrize("template", ["{{ current_user.public_name }}", "{{ current_user.id }}", "{{ current_user.email }}",
                                      "{{ current_user.unread_notifications }}"])
def test_anything_personal_in_a_shared_layer_raises(app, reference, template):
    """The central rule of the page cache: a shared layer depends on the audience, never on the
    person. One careless `current_user.public_name` would show one person's name to everyone."""
    from flask import render_template_string
    from flask_login import current_user, login_user

    with app.test_request_context("/"):
        login_user(create_user())
        with layers.shared(), layers.audience_only(), pytest.raises(layers.SharedPageError, match="person"):
            render_template_string(template)
        assert current_user.public_name == "Erika M.", "outside, current_user is the person again"


def test_code_a_shared_layer_calls_sees_the_audience_too(app, reference):
    from flask_login import current_user, login_user

    with app.test_request_context("/"):
        login_user(create_user())
        with layers.audience_only(), pytest.raises(layers.SharedPageError):
            current_user.get_id()


def test_every_public_page_renders_its_shared_layer_without_anything_personal(app, client, auth, idea):
    """Signed in as staff with a name, unread notifications and their own comment: the shared layers
    of the public pages render (a personal read would raise and answer 500)."""
    create_user("mod@example.com", roles=("moderator",), display_name="Mona Moderatorin")
    services.add_comment(db.session.get(type(idea), idea.id).author, idea, "Ein eigener Kommentar")
    db.session.commit()
    auth.login("mod@example.com")
    for url in ["/", "/ideen", f"/ideen/{idea.id}", "/portfolio", "/portfolio/P1", "/portfolio/budget", "/neuigkeiten",
                "/offene-daten", "/impressum"]:
        response = client.get(url)
        assert response.status_code == 200, url
