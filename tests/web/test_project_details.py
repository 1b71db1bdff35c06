"""A project names its contact (published only as chosen), its lead and partner towns."""

import re

from sqlalchemy import select

from app.extensions import db
from app.models import Municipality, Project
from tests.factories import create_user
from tests.helpers import page_text


def _town(slug: str) -> int:
    return db.session.scalar(select(Municipality.id).where(Municipality.slug == slug))


def test_staff_name_a_contact_and_partner_towns(client, auth, reference):
    create_user("sg@example.com", roles=("steering",))
    project = db.session.scalar(select(Project).where(Project.number == 20))
    assert "Kontakt" in page_text(client.get("/portfolio/P20").text)
    auth.login("sg@example.com")
    form = client.get("/portfolio/P20/bearbeiten").text
    assert 'name="partner_town_ids"' in form and 'name="contact_name"' in form
    assert not re.search(r'name="partner_town_ids"[^>]*value="%d"' % _town("kreis-coesfeld"), form), "the district is no partner town"
    data = {"title": project.title, "action_field_id": str(project.action_field_id), "municipality_id": str(_town("duelmen")),
            "priority_group": "", "status": "planned", "reason": "", "responsible_body": "Stadt Dülmen", "description": "", "goals": "",
            "partner_town_ids": [str(_town("nottuln")), str(_town("olfen"))], "contact_name": "Maria Beispiel",
            "contact_function": "Digitalisierungsbeauftragte der Stadt Dülmen"}
    too_long = client.post("/portfolio/P20/bearbeiten", data={**data, "contact_function": "x" * 121})
    assert too_long.status_code == 422 and 'value="Maria Beispiel"' in too_long.text
    forged = client.post("/portfolio/P20/bearbeiten", data={**data, "partner_town_ids": ["987654"]})
    assert forged.status_code == 422
    assert client.post("/portfolio/P20/bearbeiten", data=data).status_code == 302
    auth.logout()
    text = page_text(client.get("/portfolio/P20").text)
    assert "Partnerkommunen Nottuln, Olfen" in text
    assert "Kontakt Maria Beispiel, Digitalisierungsbeauftragte der Stadt Dülmen" in text
    assert "Wo: Dülmen" in text
