"""Portfolio projects take comments with the rules of an idea's (docs/decisions/0024): replies,
the edit window, reports and trusted auto-hide, moderation, the form back with its error. A
comment follows the project; a reply is heard of; the page cache shows a new comment at once."""

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Comment, Notification, Project, ProjectFollow
from app.notifications import fanout
from app.participation import services as participation
from tests.factories import create_user, make_idea
from tests.helpers import page_text


@pytest.fixture
def people(app, reference):
    return {
        "anna": create_user("anna@example.com", display_name="Anna A."),
        "ben": create_user("ben@example.com", display_name="Ben B."),
        "moderator": create_user("mod@example.com", roles=("moderator",)),
    }


def _project(number: int = 20) -> Project:
    return db.session.scalar(select(Project).where(Project.number == number))


def _comments(project: Project) -> list[Comment]:
    db.session.expire_all()
    return list(db.session.scalars(select(Comment).where(Comment.project_id == project.id).order_by(Comment.id)))


def test_a_comment_on_a_project_shows_at_once_and_its_author_follows_the_project(client, auth, people):
    p20 = _project()
    assert "Noch keine Kommentare." in page_text(client.get("/portfolio/P20").text)
    assert "Melden Sie sich an, um zu kommentieren." in page_text(client.get("/portfolio/P20").text)
    client.get("/portfolio/P20")
    auth.login("anna@example.com")
    assert client.get("/portfolio/P20").headers.get("X-Page-Cache") in ("hit", "miss")  # cached for this audience from now on
    client.get("/portfolio/P20")
    response = client.post("/portfolio/P20/kommentare", data={"body": "Bitte auch an die Dörfer denken."})
    comment = _comments(p20)[0]
    assert response.status_code == 302 and response.location == f"/portfolio/P20#kommentar-{comment.id}"
    page = client.get("/portfolio/P20")
    assert "Bitte auch an die Dörfer denken." in page.text and "Kommentare (1)" in page_text(page.text)
    assert f'/kommentare/{comment.id}/bearbeiten' in page.text, "the author's own links come with the reader's layer"
    assert db.session.scalar(select(ProjectFollow).where(ProjectFollow.user_id == people["anna"].id)) is not None
    auth.logout()
    anonymous = client.get("/portfolio/P20")
    assert "Bitte auch an die Dörfer denken." in anonymous.text, "a project's comment is site content: everyone sees it at once"
    assert f'/kommentare/{comment.id}/bearbeiten' not in anonymous.text


def test_bad_input_comes_back_with_the_text_and_the_error_beside_the_field(client, auth, people):
    auth.login("anna@example.com")
    too_long = "Lang " * 500
    response = client.post("/portfolio/P20/kommentare", data={"body": too_long})
    assert response.status_code == 422
    assert too_long.strip() in response.text
    assert 'id="body-error"' in response.text or "field-error" in response.text
    assert client.post("/portfolio/P20/kommentare", data={"body": "   "}).status_code == 422
    assert client.post("/portfolio/P999/kommentare", data={"body": "Hallo"}).status_code == 404
    assert _comments(_project()) == []


def test_a_reply_joins_its_thread_and_its_parent_s_author_hears_of_it(client, auth, people):
    p20 = _project()
    first = participation.add_comment(people["anna"], p20, "Gute Sache.")
    db.session.commit()
    auth.login("ben@example.com")
    form = client.get(f"/portfolio/P20?antwort={first.id}").text
    assert f'name="parent_id" value="{first.id}"' in form, "?antwort=<id> opens the reply form under the comment"
    response = client.post("/portfolio/P20/kommentare", data={"body": "Finde ich auch.", "parent_id": str(first.id)})
    assert response.status_code == 302
    reply = _comments(p20)[1]
    assert reply.parent_id == first.id
    # A reply that is too long comes back in the reply form, text kept.
    again = client.post("/portfolio/P20/kommentare", data={"body": "x" * 2001, "parent_id": str(first.id)})
    assert again.status_code == 422 and "x" * 2001 in again.text and f'id="antwort-{first.id}"' in again.text
    # A parent on another project or an idea is refused.
    other = participation.add_comment(people["anna"], _project(3), "Anderes Projekt.")
    db.session.commit()
    assert client.post("/portfolio/P20/kommentare", data={"body": "Falsch.", "parent_id": str(other.id)}).status_code == 400
    fanout.fan_out_events()
    db.session.expire_all()
    notes = list(db.session.scalars(select(Notification).where(Notification.user_id == people["anna"].id)))
    assert [n.kind for n in notes] == ["comment.reply"]
    from app.notifications.messages import describe
    from app.urls import link_context

    with link_context():
        message = describe(notes[0])
    assert message.text == f"Eine Antwort auf Ihren Kommentar zu „P20 {p20.title}“."
    assert message.path == f"/portfolio/P20#kommentar-{reply.id}"


def test_edit_and_delete_a_project_comment(client, auth, people):
    p20 = _project()
    comment = participation.add_comment(people["anna"], p20, "Erster Gedanke.")
    db.session.commit()
    auth.login("ben@example.com")
    assert client.get(f"/kommentare/{comment.id}/bearbeiten").status_code == 403
    auth.logout()
    auth.login("anna@example.com")
    page = client.get(f"/kommentare/{comment.id}/bearbeiten")
    assert page.status_code == 200 and f"Zum Projekt P20 „{p20.title}“." in page_text(page.text)
    assert f'href="/portfolio/P20#kommentar-{comment.id}"' in page.text
    assert client.post(f"/kommentare/{comment.id}/bearbeiten", data={"body": ""}).status_code == 422
    response = client.post(f"/kommentare/{comment.id}/bearbeiten", data={"body": "Zweiter Gedanke."})
    assert response.location == f"/portfolio/P20#kommentar-{comment.id}"
    assert "Zweiter Gedanke." in client.get("/portfolio/P20").text
    client.post(f"/kommentare/{comment.id}/loeschen")
    page = client.get("/portfolio/P20")
    assert "Zweiter Gedanke." not in page.text and "Kommentar gelöscht" in page.text


def test_reports_hide_a_project_comment_and_the_moderation_decides(client, auth, people, app):
    p20 = _project()
    comment = participation.add_comment(people["anna"], p20, "Unfreundlicher Text.")
    db.session.commit()
    reporters = [create_user(f"r{i}@example.com") for i in range(app.config["REPORT_HIDE_THRESHOLD"])]
    auth.login(reporters[0].email)
    page = client.get(f"/kommentare/{comment.id}/melden")
    assert f"Ein Kommentar von Anna A. zum Projekt P20 „{p20.title}“." in page_text(page.text)
    client.post(f"/kommentare/{comment.id}/melden", data={"reason": "insult"})
    auth.logout()
    for reporter in reporters[1:]:
        participation.report(reporter, comment, reason="insult")
    db.session.commit()
    page = client.get("/portfolio/P20")
    assert "Unfreundlicher Text." not in page.text and "Kommentar bis zur Prüfung ausgeblendet" in page.text
    auth.login("mod@example.com")
    dashboard = page_text(client.get("/moderation").text)
    assert f"Kommentar zu Projekt P20 {p20.title}" in dashboard, dashboard[dashboard.find("Gemeldet"):][:600]
    assert client.post(f"/moderation/kommentare/{comment.id}/wiederherstellen", data={"reason": "Ist in Ordnung."}).status_code == 302
    assert "Unfreundlicher Text." in client.get("/portfolio/P20").text


def test_a_comment_belongs_to_exactly_one_idea_or_project(people):
    idea = make_idea(people["anna"])
    db.session.add(Comment(idea_id=idea.id, project_id=_project().id, author_id=people["ben"].id, body="Beides"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    db.session.add(Comment(author_id=people["ben"].id, body="Nichts"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_project_comment_changes_no_idea_counter(people):
    idea = make_idea(people["anna"])
    before = idea.comment_count
    participation.add_comment(people["ben"], _project(), "Zum Projekt.")
    db.session.commit()
    db.session.refresh(idea)
    assert idea.comment_count == before
    assert participation.is_comment_on(_comments(_project())[0], _project())
    assert not participation.is_comment_on(_comments(_project())[0], idea)
