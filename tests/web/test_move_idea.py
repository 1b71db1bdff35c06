"""The moderation moves an idea to other action fields or another town ("Falsches Themenfeld"),
with a public reason in its history (issue #35). Bad input comes back with the choice kept; a
town's officer may hand an idea of their town to another, and then no longer acts on it."""

import re

import pytest
from sqlalchemy import select

from app.admin import services as admin
from app.extensions import db
from app.models import ActionField, AuditEntry, Idea
from tests.factories import create_user, make_idea, town_id
from tests.helpers import page_text


def _field(slug: str) -> int:
    return db.session.scalar(select(ActionField.id).where(ActionField.slug == slug))


@pytest.fixture
def idea(app, reference):
    admin_user = create_user("admin@example.com", roles=("admin",))
    create_user("mod@example.com", roles=("moderator",))
    officer = create_user("cdo@example.com", roles=("officer",))
    admin.set_officer_towns(officer, [town_id("duelmen")], admin_user)
    idea = make_idea(create_user("autorin@example.com"), "Sichere Schulwege mit Lotsen", municipality="duelmen", fields=["mobilitaet"])
    db.session.commit()
    return idea


def test_a_moderator_moves_an_idea_with_a_public_reason(client, auth, idea):
    auth.login("mod@example.com")
    bad = client.post(f"/moderation/ideen/{idea.id}/zuordnung",
                      data={"action_field_ids": [], "municipality_id": str(town_id("duelmen")), "move_reason": "Schulwege"})
    assert bad.status_code == 422 and "Bitte wählen Sie mindestens ein Themenfeld." in page_text(bad.text)
    no_reason = client.post(f"/moderation/ideen/{idea.id}/zuordnung",
                            data={"action_field_ids": [str(_field("bildung"))], "municipality_id": str(town_id("duelmen")), "move_reason": ""})
    assert no_reason.status_code == 422 and "Bitte geben Sie eine Begründung an." in page_text(no_reason.text)
    assert re.search(rf'<input checked[^>]*value="{_field("bildung")}"', no_reason.text), "the choice is kept"
    assert not re.search(rf'<input checked[^>]*value="{_field("mobilitaet")}"', no_reason.text)
    moved = client.post(f"/moderation/ideen/{idea.id}/zuordnung",
                        data={"action_field_ids": [str(_field("bildung"))], "municipality_id": str(town_id("nottuln")),
                              "move_reason": "Die Idee betrifft Schulwege in Nottuln."})
    assert moved.status_code == 303
    db.session.expire_all()
    idea = db.session.get(Idea, idea.id)
    assert [f.slug for f in idea.action_fields] == ["bildung"] and idea.municipality.slug == "nottuln" and idea.status == "published"
    auth.logout()
    page = page_text(client.get(f"/ideen/{idea.id}").text)
    assert "Die Moderation hat die Idee neu zugeordnet (vorher: Mobilität · Dülmen) – Die Idee betrifft Schulwege in Nottuln." in page
    assert "Sichere Schulwege mit Lotsen" in page_text(client.get("/ideen?field=bildung").text), "the lists follow"
    assert "Sichere Schulwege mit Lotsen" in page_text(client.get("/ideen?q=Nottuln").text), "the search follows"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "idea.move")).one()
    assert entry.before == {"fields": ["Mobilität"], "town": "Dülmen"} and entry.after == {"fields": ["Bildung"], "town": "Nottuln"}


def test_an_officer_hands_an_idea_to_another_town_and_lets_go_of_it(client, auth, idea):
    auth.login("cdo@example.com")
    moved = client.post(f"/moderation/ideen/{idea.id}/zuordnung",
                        data={"action_field_ids": [str(_field("mobilitaet"))], "municipality_id": str(town_id("nottuln")),
                              "move_reason": "Gehört nach Nottuln."})
    assert moved.status_code == 303
    assert client.get(f"/moderation/ideen/{idea.id}").status_code == 403
    back = client.post(f"/moderation/ideen/{idea.id}/zuordnung",
                       data={"action_field_ids": [str(_field("mobilitaet"))], "municipality_id": str(town_id("duelmen")), "move_reason": "Zurück"})
    assert back.status_code == 403
