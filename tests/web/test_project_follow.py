"""Projects can be followed: followers hear of a contribution, a status change and an update of
"Was passiert als Nächstes?" (in the app and by mail, with the settings and digests as for ideas)."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Notification, Project, ProjectFollow
from app.notifications import fanout, mails
from app.participation import services as participation
from app.portfolio import services as portfolio
from tests.factories import advance_idea, create_user, make_idea
from tests.helpers import page_text


@pytest.fixture
def people(app, reference):
    return {
        "fan": create_user("fan@example.com", display_name="Fan F."),
        "author": create_user("autorin@example.com"),
        "moderator": create_user("mod@example.com", roles=("moderator",)),
        "steering": create_user("sg@example.com", roles=("steering",)),
    }


def _p20() -> Project:
    return db.session.scalar(select(Project).where(Project.number == 20))


def _texts(user) -> list[str]:
    from app.notifications.messages import describe
    from app.urls import link_context

    db.session.expire_all()
    with link_context():
        return [describe(n).text for n in db.session.scalars(select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))]


def test_follow_and_unfollow_a_project_from_its_page(client, auth, people):
    page = client.get("/portfolio/P20").text
    assert "Melden Sie sich an, um diesem Projekt zu folgen." in page
    auth.login("fan@example.com")
    assert "Diesem Projekt folgen" in client.get("/portfolio/P20").text
    followed = client.post("/portfolio/P20/folgen")
    assert followed.status_code == 303 and followed.location == "/portfolio/P20#folgen"
    client.post("/portfolio/P20/folgen")  # twice is once
    assert db.session.scalar(select(db.func.count()).select_from(ProjectFollow)) == 1
    for _ in range(2):  # the second one comes from the page cache: the reader's layer still says so
        response = client.get("/portfolio/P20")
        assert "Sie folgen diesem Projekt." in response.text and "Diesem Projekt folgen" not in response.text
    assert response.headers.get("X-Page-Cache") == "hit"
    assert client.post("/portfolio/P999/folgen").status_code == 404
    client.post("/portfolio/P20/nicht-mehr-folgen")
    assert db.session.scalar(select(db.func.count()).select_from(ProjectFollow)) == 0
    page = client.get("/portfolio/P20").text  # the follow form, kept per worker (pages/project.py), with this session's token
    assert "Diesem Projekt folgen" in page and "Sie folgen diesem Projekt." not in page and "<!--slot:csrf-->" not in page
    assert any(key[0] == "portfolio/_personal.html" for key in client.application.extensions["reader_parts"])
    auth.logout()
    assert "Melden Sie sich an, um diesem Projekt zu folgen." in client.get("/portfolio/P20").text, "the cached page has no one's state"


def test_followers_hear_of_a_contribution_a_status_change_and_what_happens_next(people, outbox):
    fan, steering = people["fan"], people["steering"]
    participation.follow_project(fan, _p20())
    mails.set_channel(fan, "followed.project", "immediate")
    db.session.commit()
    idea = advance_idea(make_idea(people["author"], "Bürgerbus-App"), "in_review", "candidate", "shortlisted",
                        moderator=people["moderator"], steering=steering)
    portfolio.add_to_project(steering, _p20(), [idea.id], None)
    db.session.commit()
    portfolio.set_next_steps(_p20(), steering, "Im Frühjahr testen wir die App in **Dülmen**.")
    db.session.commit()
    project = _p20()
    portfolio.edit_project(project, steering, _data(project, status="in_progress"), "Start der Umsetzung")
    db.session.commit()
    fanout.fan_out_events()
    texts = _texts(fan)
    title = _p20().title
    assert f"Das Projekt P20 „{title}“ hat eine Idee als Baustein aufgenommen: „Bürgerbus-App“." in texts
    assert f"Wie es mit dem Projekt P20 „{title}“ weitergeht: Der Kreis hat einen neuen Stand geschrieben." in texts
    assert f"Das Projekt P20 „{title}“, dem Sie folgen, ist jetzt „in Umsetzung“." in texts
    assert len(texts) == 3, texts
    mails.mail_immediate()
    bodies = [m.get_body(("plain",)).get_content() for m in outbox.messages() if m["To"] == "fan@example.com"]
    assert bodies and all("Sie erhalten dies, weil Sie diesem Projekt folgen." in body for body in bodies)
    assert any("Keine E-Mails mehr zu „Projekte, denen ich folge" in body for body in bodies)
    assert _texts(steering) == [], "the person who acted hears nothing"


def _data(project, **changes):
    data = portfolio.ProjectData(title=project.title, action_field_id=project.action_field_id, municipality_id=project.municipality_id,
                                 priority_group=project.priority_group, description=project.description, goals=project.goals,
                                 responsible_body=project.responsible_body, status=project.status)
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def test_staff_write_what_happens_next_and_it_shows_dated(client, auth, people):
    auth.login("sg@example.com")
    form = client.get("/portfolio/P20/als-naechstes")
    assert form.status_code == 200 and 'name="text"' in form.text
    too_long = client.post("/portfolio/P20/als-naechstes", data={"text": "x" * 5001})
    assert too_long.status_code == 422 and "x" * 100 in too_long.text, "the text comes back"
    saved = client.post("/portfolio/P20/als-naechstes", data={"text": "Pilot in **Dülmen** ab März."})
    assert saved.status_code == 303 and saved.location == "/portfolio/P20#h-next"
    auth.logout()
    page = client.get("/portfolio/P20").text
    assert "<strong>Dülmen</strong>" in page and "Stand: " in page_text(page)
    auth.login("fan@example.com")
    assert client.get("/portfolio/P20/als-naechstes").status_code in (403, 404)
    assert client.post("/portfolio/P20/als-naechstes", data={"text": "Gekapert"}).status_code in (403, 404)
