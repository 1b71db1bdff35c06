"""The Räume of the Smart-Cities call in the browser (issue #35): the administration renames and
reorders them; a name taken or empty and an order out of range come back beside the field with the
input kept; the budget overview follows; each change is in the audit log in words."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Raum
from tests.factories import create_user
from tests.helpers import page_text


@pytest.fixture
def administration(app, reference):
    create_user("admin@example.com", roles=("admin",))
    db.session.commit()


def test_a_raum_is_renamed_and_reordered(client, auth, administration):
    auth.login("admin@example.com")
    mobility = db.session.scalar(select(Raum).where(Raum.slug == "nachhaltige-mobilitaet"))
    assert "Raum für nachhaltige Mobilität" in page_text(client.get("/verwaltung/raeume").text)
    taken = client.post(f"/verwaltung/raeume/{mobility.id}", data={"name": "Raum für smarte Arbeit", "position": "2"})
    assert taken.status_code == 422 and "Ein anderer Raum hat diesen Namen." in page_text(taken.text)
    wrong = client.post(f"/verwaltung/raeume/{mobility.id}", data={"name": "Raum für Mobilität", "position": "5000"})
    assert wrong.status_code == 422 and "Bitte eine Zahl von 0 bis 1000." in page_text(wrong.text) and 'value="Raum für Mobilität"' in wrong.text
    empty = client.post(f"/verwaltung/raeume/{mobility.id}", data={"name": "", "position": "1"})
    assert empty.status_code == 422 and "Bitte geben Sie den Namen des Raums an." in page_text(empty.text)
    assert client.post(f"/verwaltung/raeume/{mobility.id}", data={"name": "Raum für Mobilität im Kreis", "position": "0"}).status_code == 303
    budget = page_text(client.get("/portfolio/budget?nach=raum").text)
    assert budget.index("Raum für Mobilität im Kreis") < budget.index("Raum für smarte Arbeit"), "first now"
    log = page_text(client.get("/verwaltung/protokoll").text)
    assert "Hat einen Raum des Förderaufrufs geändert" in log and "Raum für nachhaltige Mobilität → Raum für Mobilität im Kreis" in log
    assert client.get("/verwaltung/raeume/99999").status_code == 404
