import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Comment, Follow, Report, Support, utcnow
from app.moderation import services as moderation
from app.participation import services
from tests.factories import PASSWORD, advance_idea, create_user, make_idea
from tests.helpers import page_text


@pytest.fixture
def idea(app, reference):
    return make_idea(create_user("autorin@example.com", display_name="Autorin"), "Bürgerbus in Echtzeit")


@pytest.fixture
def citizen(client, idea):
    user = create_user()
    client.post("/anmelden", data={"email": user.email, "password": PASSWORD})
    return user


def test_support_without_javascript_returns_to_the_page(client, idea, citizen):
    response = client.post(f"/ideen/{idea.id}/unterstuetzen")
    assert response.status_code == 302 and response.location == f"/ideen/{idea.id}#unterstuetzen"
    page = client.get(f"/ideen/{idea.id}").text
    assert "Danke für Ihre Unterstützung!" in page
    assert "1 Unterstützung" in page and "Unterstützung zurückziehen" in page
    assert "aria-pressed" not in page, "the label says what the button does; not both"
    client.post(f"/ideen/{idea.id}/unterstuetzung-zurueckziehen")
    assert "0 Unterstützungen" in client.get(f"/ideen/{idea.id}").text


def test_support_returns_to_a_safe_next_address(client, idea, citizen):
    assert client.post(f"/ideen/{idea.id}/unterstuetzen", data={"next": "/ideen?sort=supported"}).location == "/ideen?sort=supported"
    assert client.post(f"/ideen/{idea.id}/unterstuetzen", data={"next": "https://evil.example"}).location.startswith(f"/ideen/{idea.id}")


def test_support_with_javascript_answers_json(client, idea, citizen):
    """A new support says it made the person follow (the script then offers "Nicht mehr folgen");
    a repeated one says nothing about following, which the person may have ended meanwhile."""
    response = client.post(f"/ideen/{idea.id}/unterstuetzen", headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.json == {"ok": True, "supported": True, "count": 1, "count_text": "1 Unterstützung", "following": True,
                             "message": "Danke für Ihre Unterstützung!"}
    client.post(f"/ideen/{idea.id}/nicht-mehr-folgen")
    again = client.post(f"/ideen/{idea.id}/unterstuetzen", headers={"Accept": "application/json"})
    assert again.json["count"] == 1 and again.json["message"] == "Sie unterstützen diese Idee bereits."
    assert again.json["following"] is None
    assert ">Nicht mehr folgen</button>" not in client.get(f"/ideen/{idea.id}").text
    withdrawn = client.post(f"/ideen/{idea.id}/unterstuetzung-zurueckziehen", headers={"Accept": "application/json"})
    assert withdrawn.json["supported"] is False and withdrawn.json["following"] is None


def test_a_support_asks_the_database_three_times_on_postgresql_each_statement_compiled_once(client, idea, citizen):
    """The account, the idea and (PostgreSQL) the support with its count and follow in one
    statement; SQLite writes them in three. The second support compiles nothing."""
    from sqlalchemy import event
    from sqlalchemy.engine.interfaces import CacheStats

    second = make_idea(idea.author, "Zweite Idee zum Unterstützen")
    ids = [idea.id, second.id]
    sent = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        if not statement.startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "SELECT content_versions")):
            sent.append((statement.split(" ")[0], context.cache_hit))

    event.listen(db.engine, "after_cursor_execute", seen)
    try:
        for idea_id in ids:
            assert client.post(f"/ideen/{idea_id}/unterstuetzen", headers={"Accept": "application/json"}).json["count"] == 1
    finally:
        event.remove(db.engine, "after_cursor_execute", seen)
    writes = ["WITH"] if db.engine.dialect.name == "postgresql" else ["INSERT", "UPDATE", "INSERT"]
    assert [statement for statement, _ in sent] == (["SELECT", "SELECT", *writes]) * 2
    assert [hit for _, hit in sent[len(sent) // 2:]] == [CacheStats.CACHE_HIT] * (len(sent) // 2)


def test_own_idea_cannot_be_supported_and_says_so(app, idea):
    author = app.test_client()
    author.post("/anmelden", data={"email": "autorin@example.com", "password": PASSWORD})
    response = author.post(f"/ideen/{idea.id}/unterstuetzen", headers={"Accept": "application/json"})
    assert response.status_code == 409 and "eigene Idee" in response.json["message"]
    assert db.session.scalar(select(func.count(Support.id))) == 0
    assert "Andere können Ihre Idee unterstützen." in author.get(f"/ideen/{idea.id}").text


def test_anonymous_and_unconfirmed_cannot_support(app, client, idea):
    assert client.post(f"/ideen/{idea.id}/unterstuetzen").status_code == 302  # to log-in
    create_user("neu@example.com", confirmed=False)
    unconfirmed = app.test_client()
    unconfirmed.post("/anmelden", data={"email": "neu@example.com", "password": PASSWORD})
    assert unconfirmed.post(f"/ideen/{idea.id}/unterstuetzen").status_code == 403
    assert db.session.scalar(select(func.count(Support.id))) == 0
    assert "Melden Sie sich an, um diese Idee zu unterstützen." in client.get(f"/ideen/{idea.id}").text


def test_drafts_and_unknown_ideas_cannot_be_supported(client, citizen, reference):
    draft = make_idea(create_user("x@example.com"), publish=False)
    assert client.post(f"/ideen/{draft.id}/unterstuetzen").status_code == 404
    assert client.post("/ideen/999/unterstuetzen").status_code == 404


def test_comment_reply_edit_delete(client, idea, citizen):
    response = client.post(f"/ideen/{idea.id}/kommentare", data={"body": "Sehr **gute** Idee"})
    first = db.session.scalar(select(Comment))
    assert response.location == f"/ideen/{idea.id}#kommentar-{first.id}"
    client.post(f"/ideen/{idea.id}/kommentare", data={"body": "Meine Antwort", "parent_id": str(first.id)})
    page = client.get(f"/ideen/{idea.id}").text
    assert "<strong>gute</strong>" in page and "Meine Antwort" in page
    assert "Kommentare (2)" in page
    assert f'id="kommentar-{first.id}"' in page and f'href="#kommentar-{first.id}"' in page

    assert "Sehr **gute** Idee</textarea>" in client.get(f"/kommentare/{first.id}/bearbeiten").text
    client.post(f"/kommentare/{first.id}/bearbeiten", data={"body": "Sehr gute Idee, wirklich"})
    page = client.get(f"/ideen/{idea.id}").text
    assert "wirklich" in page and "(bearbeitet)" in page

    confirm = client.get(f"/kommentare/{first.id}/loeschen")
    assert confirm.status_code == 200 and "wirklich löschen" in confirm.text
    client.post(f"/kommentare/{first.id}/loeschen")
    page = client.get(f"/ideen/{idea.id}").text
    assert "Kommentar gelöscht" in page and "Meine Antwort" in page and "wirklich" not in page
    db.session.refresh(idea)
    assert idea.comment_count == 1


def test_comment_errors_keep_the_text(client, idea, citizen):
    response = client.post(f"/ideen/{idea.id}/kommentare", data={"body": "x" * 2001})
    assert response.status_code == 422
    assert "x" * 2001 in response.text and "Bitte höchstens 2000 Zeichen." in response.text
    empty_reply = client.post(f"/ideen/{idea.id}/kommentare", data={"body": "  ", "parent_id": "abc"})
    assert empty_reply.status_code == 400


def test_reply_errors_keep_the_text_in_the_open_reply_form(client, idea, citizen):
    first = services.add_comment(citizen, idea, "Erst")
    db.session.commit()
    response = client.post(f"/ideen/{idea.id}/kommentare", data={"body": "y" * 2001, "parent_id": str(first.id)})
    assert response.status_code == 422
    assert "y" * 2001 in response.text and response.text.count('name="parent_id"') == 1, "the one reply form, open, with the text"
    assert f'name="parent_id" value="{first.id}"' in response.text and 'aria-invalid="true"' in response.text


def test_one_reply_form_opens_under_the_comment_its_link_names(client, idea, citizen):
    comments = [services.add_comment(citizen, idea, f"Kommentar {n}") for n in range(3)]
    db.session.commit()
    page = client.get(f"/ideen/{idea.id}")
    assert 'name="parent_id"' not in page.text, "no reply form until one is asked for"
    for comment in comments:
        assert f'href="/ideen/{idea.id}?antwort={comment.id}#antwort-{comment.id}"' in page.text
    opened = client.get(f"/ideen/{idea.id}?antwort={comments[1].id}")
    assert opened.text.count('name="parent_id"') == 1 and f'name="parent_id" value="{comments[1].id}"' in opened.text
    assert f'id="antwort-{comments[1].id}"' in opened.text and "autofocus" in opened.text
    for odd in ("abc", "999999", "-1"):
        assert 'name="parent_id"' not in client.get(f"/ideen/{idea.id}?antwort={odd}").text


def test_comment_edit_after_15_minutes_and_foreign_comments_are_refused(app, client, idea, citizen):
    comment = services.add_comment(citizen, idea, "Alt")
    comment.created_at = utcnow().replace(year=2020)
    foreign = services.add_comment(idea.author, idea, "Fremd")
    db.session.commit()
    response = client.post(f"/kommentare/{comment.id}/bearbeiten", data={"body": "Neu"}, follow_redirects=True)
    assert "nur innerhalb von 15 Minuten" in response.text
    assert client.post(f"/kommentare/{foreign.id}/bearbeiten", data={"body": "Neu"}).status_code == 403
    assert client.post(f"/kommentare/{foreign.id}/loeschen").status_code == 403
    db.session.refresh(foreign)
    assert foreign.body == "Fremd"


def test_comments_stay_open_through_candidate_and_shortlist(client, idea, citizen):
    """Before: comments closed when an idea became a candidate, when discussion matters most."""
    moderator = create_user("mod@example.com", roles=("moderator",))
    steering = create_user("sg@example.com", roles=("steering",))
    advance_idea(idea, "in_review", "candidate", moderator=moderator)
    assert client.post(f"/ideen/{idea.id}/kommentare", data={"body": "Als Kandidat noch wichtiger"}).status_code == 302
    advance_idea(idea, "shortlisted", steering=steering)
    assert client.post(f"/ideen/{idea.id}/kommentare", data={"body": "Auf der Shortlist"}).status_code == 302
    page = client.get(f"/ideen/{idea.id}").text
    assert 'id="kommentieren"' in page and "Auf der Shortlist" in page
    assert "Unterstützungen sind geschlossen; die Zahl steht fest." in page, "supports stay frozen"


def test_comments_close_for_a_withdrawn_declined_or_merged_idea_with_the_reason(client, idea, citizen):
    from app.ideas.services import withdraw_idea

    withdraw_idea(idea, idea.author, "Erledigt")
    db.session.commit()
    page = page_text(client.get(f"/ideen/{idea.id}").text)
    assert "Kommentare sind geschlossen: Die Person, die die Idee eingereicht hat, hat sie zurückgezogen. Begründung: Erledigt" in page
    assert 'id="kommentieren"' not in client.get(f"/ideen/{idea.id}").text
    response = client.post(f"/ideen/{idea.id}/kommentare", data={"body": "Noch was"})
    assert response.status_code == 422 and "geschlossen" in response.text
    moderator = create_user("mod@example.com", roles=("moderator",))
    other = make_idea(idea.author, "Abgelehnte Idee")
    moderation.change_status(other, "declined", moderator, "Gibt es schon als P20.")
    db.session.commit()
    declined = page_text(client.get(f"/ideen/{other.id}").text)
    assert "Kommentare sind geschlossen: Die Moderation hat diese Idee abgelehnt. Begründung: Gibt es schon als P20." in declined


def test_report_an_idea_and_a_comment(client, idea, citizen):
    comment = services.add_comment(idea.author, idea, "Kommentar der Autorin")
    db.session.commit()
    form = client.get(f"/ideen/{idea.id}/melden")
    assert all(reason in form.text for reason in ("Spam", "Beleidigung", "Falsches Themenfeld", "Personenbezogene Daten", "Sonstiges"))
    bad = client.post(f"/ideen/{idea.id}/melden", data={"note": "Bitte prüfen"})
    assert bad.status_code == 422 and "Bitte wählen Sie einen Grund." in bad.text and "Bitte prüfen" in bad.text
    assert client.post(f"/ideen/{idea.id}/melden", data={"reason": "spam", "note": "Werbung"}).status_code == 302
    again = client.get(f"/ideen/{idea.id}/melden", follow_redirects=True)
    assert "bereits gemeldet" in again.text
    assert client.post(f"/kommentare/{comment.id}/melden", data={"reason": "insult"}).status_code == 302
    reports = db.session.scalars(select(Report).order_by(Report.id)).all()
    assert [(r.idea_id, r.comment_id, r.reason, r.note) for r in reports] == [(idea.id, None, "spam", "Werbung"), (None, comment.id, "insult", "")]


def test_third_report_hides_the_idea_everywhere(app, client, idea, citizen):
    for n in range(3):
        create_user(f"melder{n}@example.com")
        reporter = app.test_client()
        reporter.post("/anmelden", data={"email": f"melder{n}@example.com", "password": PASSWORD})
        reporter.post(f"/ideen/{idea.id}/melden", data={"reason": "spam"})
    anonymous = app.test_client()
    page = anonymous.get(f"/ideen/{idea.id}")
    assert page.status_code == 200 and "Diese Idee ist vorübergehend ausgeblendet" in page.text and "Bürgerbus in Echtzeit" not in page.text
    link = f'href="/ideen/{idea.id}"'
    assert link not in anonymous.get("/ideen").text
    assert link not in anonymous.get("/ideen?q=Bürgerbus").text
    assert link not in anonymous.get("/").text
    assert "0 Ideen" in anonymous.get("/ideen?q=Bürgerbus").text
    author = app.test_client()
    author.post("/anmelden", data={"email": "autorin@example.com", "password": PASSWORD})
    assert "Bürgerbus in Echtzeit" in author.get(f"/ideen/{idea.id}").text


def test_follow_unfollow_and_my_ideas(client, idea, citizen):
    other = make_idea(create_user("dritte@example.com"), "Zweite Idee")
    client.post(f"/ideen/{idea.id}/folgen")
    client.post(f"/ideen/{other.id}/unterstuetzen")
    mine = make_idea(citizen, "Eigene Idee")
    make_idea(citizen, "Eigener Entwurf", publish=False)
    page = client.get("/ideen/meine").text
    for title in ("Bürgerbus in Echtzeit", "Zweite Idee", "Eigene Idee", "Eigener Entwurf"):
        assert page.count(title) == 1, title  # each idea listed once, in its own section
    followed = page[page.index('id="gefolgt"'):]
    assert "Bürgerbus in Echtzeit" in followed and "Zweite Idee" not in followed
    assert db.session.get(Follow, (citizen.id, mine.id)) is not None
    client.post(f"/ideen/{idea.id}/nicht-mehr-folgen")
    assert db.session.get(Follow, (citizen.id, idea.id)) is None


@pytest.mark.parametrize("signed_in", [False, True])
def test_idea_page_with_100_comments_costs_a_fixed_number_of_queries(app, client, auth, idea, citizen, count_queries, signed_in):
    url = f"/ideen/{idea.id}"

    def queries() -> tuple[int, str]:
        """The page's queries; the page cache's check of its version (before the view) is the cache's."""
        with count_queries() as counter:
            response = client.get(url)
        assert response.status_code == 200
        return len([s for s in counter.statements if "content_versions" not in s]), response.get_data(as_text=True)

    services.add_comment(citizen, idea, "Eins")
    db.session.commit()
    if not signed_in:
        auth.logout()
    few, _ = queries()
    people = [create_user(f"k{n}@example.com", organisation="Verein" if n % 3 else None) for n in range(10)]
    parents = []
    for n in range(99):
        parent = parents[n % len(parents)] if parents and n % 4 == 0 else None
        comment = services.add_comment(people[n % 10], idea, f"Kommentar {n}", parent=parent)
        if parent is None:
            parents.append(comment)
    own_reply = services.add_comment(citizen, idea, "Meine Antwort", parent=parents[0])
    db.session.commit()
    assert idea.comment_count == 101
    many, html = queries()
    assert many == few
    # the performance targets: the account (signed in), the idea with its fields, history, pictures, the reader's
    # marks and whether it has an official answer, the comments (the answers only if there are any: the next test)
    assert many <= (3 if signed_in else 2), many
    if signed_in:  # the reader's own comments (found among the comments already read) have their edit links
        assert f"/kommentare/{own_reply.id}/bearbeiten" in html


def test_the_official_answer_is_read_only_for_an_idea_that_has_one(app, client, auth, idea, count_queries):
    auth.logout()
    url = f"/ideen/{idea.id}"

    def page() -> tuple[list[str], str]:
        with count_queries() as counter:
            response = client.get(url)
        assert response.status_code == 200
        return [s for s in counter.statements if "official_answers" in s], response.get_data(as_text=True)

    statements, html = page()
    assert len(statements) == 1 and "Offizielle Antwort" not in html  # only the idea's own query asks (EXISTS)
    moderator = create_user("mod-antwort@example.com", roles=("moderator",))
    moderation.publish_answer(idea, moderator, "Danke, wir prüfen das.", "Ihre Moderation")
    moderation.publish_answer(idea, moderator, "Wir haben es geprüft.", "Ihre Moderation")
    db.session.commit()
    statements, html = page()
    assert len(statements) == 2  # and then the answers
    assert "Offizielle Antwort" in html and "Wir haben es geprüft." in html and "Danke, wir prüfen das." in html
    assert html.index("Wir haben es geprüft.") < html.index("Danke, wir prüfen das.")  # the newest first, the earlier in the history
