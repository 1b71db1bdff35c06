"""The district's action fields in the browser (issue #35): the administration adds the three the
seed does not name, describes, orders and retires them; the last active one cannot be retired;
bad input comes back beside the field; each change is in the audit log in words."""

import pytest
from sqlalchemy import select, update

from app.extensions import db
from app.models import ActionField, AuditEntry
from tests.factories import create_user
from tests.helpers import page_text


@pytest.fixture
def administration(app, reference):
    create_user("admin@example.com", roles=("admin",))
    create_user("mod@example.com", roles=("moderator",))
    db.session.commit()


def test_an_action_field_is_added_described_and_retired(client, auth, administration):
    auth.login("admin@example.com")
    assert "Innenstadt/Dorfmitte" in page_text(client.get("/verwaltung/themenfelder").text)
    duplicate = client.post("/verwaltung/themenfelder/neu", data={"name": "Bildung", "description": "", "position": "9"})
    assert duplicate.status_code == 422 and "Ein anderes Themenfeld hat diesen Namen." in page_text(duplicate.text)
    bad_order = client.post("/verwaltung/themenfelder/neu", data={"name": "Gesundheit & Pflege", "description": "Text", "position": "zwölf"})
    assert bad_order.status_code == 422 and 'value="Gesundheit &amp; Pflege"' in bad_order.text
    added = client.post("/verwaltung/themenfelder/neu", data={"name": "Gesundheit & Pflege", "description": "Versorgung im ländlichen Raum.",
                                                             "position": "6"})
    assert added.status_code == 303
    field = db.session.scalar(select(ActionField).where(ActionField.name == "Gesundheit & Pflege"))
    assert field.slug == "gesundheit-pflege" and field.is_active
    auth.logout()
    help_page = page_text(client.get("/hilfe").text)
    assert "Gesundheit & Pflege" in help_page and "Versorgung im ländlichen Raum." in help_page
    assert "Gesundheit & Pflege" in page_text(client.get("/ideen").text), "the list's filter offers it"
    auth.login("admin@example.com")
    retired = client.post(f"/verwaltung/themenfelder/{field.id}", data={"name": "Gesundheit & Pflege", "description": "", "position": "6"})
    assert retired.status_code == 303
    db.session.expire_all()
    assert not field.is_active
    assert "Gesundheit & Pflege" not in page_text(client.get("/hilfe").text)
    actions = [e.action for e in db.session.scalars(select(AuditEntry).where(AuditEntry.target_type == "action_field").order_by(AuditEntry.id))]
    assert actions == ["action_field.create", "action_field.edit"]
    assert "Fügte ein Themenfeld hinzu" in page_text(client.get("/verwaltung/protokoll").text)


def test_the_last_active_action_field_stays(client, auth, administration):
    last = db.session.scalar(select(ActionField).where(ActionField.slug == "bildung"))
    db.session.execute(update(ActionField).where(ActionField.id != last.id).values(is_active=False))
    db.session.commit()
    auth.login("admin@example.com")
    response = client.post(f"/verwaltung/themenfelder/{last.id}", data={"name": "Bildung", "description": "", "position": "1"})
    assert response.status_code == 422 and "Dies ist das letzte aktive Themenfeld" in page_text(response.text)
    db.session.expire_all()
    assert last.is_active


def test_only_the_administration_edits_action_fields(client, auth, administration):
    auth.login("mod@example.com")
    assert client.get("/verwaltung/themenfelder").status_code == 403
    assert client.post("/verwaltung/themenfelder/neu", data={"name": "X", "position": "1"}).status_code == 403
