"""The rubric's criteria in the browser (issue #35): the administration adds, describes, orders,
moves and retires them; a criterion without an axis, a duplicate name on an axis and retiring the
last active criterion of an axis come back beside the field with the input kept; a retired
criterion is not asked for any more and its stored scores stay."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEntry, Criterion, Score, User
from app.moderation import rubric
from tests.factories import advance_idea, create_user, make_idea
from tests.helpers import page_text


@pytest.fixture
def administration(app, reference):
    create_user("admin@example.com", roles=("admin",))
    create_user("mod@example.com", roles=("moderator",))
    db.session.commit()


def test_a_criterion_is_added_and_retired_its_scores_stay(client, auth, administration):
    auth.login("admin@example.com")
    assert "Bereitschaft der Verwaltung" in page_text(client.get("/verwaltung/kriterien").text)
    no_axis = client.post("/verwaltung/kriterien/neu", data={"axis": "", "name": "Klimawirkung", "description": "Hilft es dem Klima?", "position": "9"})
    assert no_axis.status_code == 422 and "Bitte wählen Sie die Achse" in page_text(no_axis.text) and 'value="Klimawirkung"' in no_axis.text
    duplicate = client.post("/verwaltung/kriterien/neu", data={"axis": "potential", "name": "Netzwerke", "position": "9"})
    assert duplicate.status_code == 422 and "Diese Achse hat schon ein Kriterium mit diesem Namen." in page_text(duplicate.text)
    added = client.post("/verwaltung/kriterien/neu", data={"axis": "relevance", "name": "Klimawirkung",
                                                          "description": "Hilft es dem Klima? 0 = nein; 3 = etwas; 5 = deutlich.", "position": "9"})
    assert added.status_code == 303
    climate = db.session.scalar(select(Criterion).where(Criterion.name == "Klimawirkung"))
    assert climate in rubric.active_criteria()
    # A moderator scores an idea on every active criterion, the new one included.
    moderator = db.session.scalar(select(User).where(User.email == "mod@example.com"))
    idea = advance_idea(make_idea(create_user("autorin@example.com"), "Eine Idee"), "in_review", moderator=moderator)
    rubric.score_idea(idea, moderator, {c.id: (3, "") for c in rubric.active_criteria()})
    db.session.commit()
    retired = client.post(f"/verwaltung/kriterien/{climate.id}", data={"axis": "relevance", "name": "Klimawirkung", "description": "", "position": "9"})
    assert retired.status_code == 303
    db.session.expire_all()
    assert climate not in rubric.active_criteria(), "not asked for any more"
    assert db.session.scalar(select(func.count()).select_from(Score).where(Score.criterion_id == climate.id)) == 1, "its score stays"
    assert [e.action for e in db.session.scalars(select(AuditEntry).where(AuditEntry.target_type == "criterion").order_by(AuditEntry.id))] == ["criterion.create", "criterion.edit"]


def test_each_axis_keeps_an_active_criterion(client, auth, administration):
    potential = db.session.scalars(select(Criterion).where(Criterion.axis == "potential")).all()
    for c in potential[1:]:
        c.is_active = False
    db.session.commit()
    last = potential[0]
    auth.login("admin@example.com")
    response = client.post(f"/verwaltung/kriterien/{last.id}", data={"axis": "potential", "name": last.name, "position": "1"})
    assert response.status_code == 422 and "Dies ist das letzte aktive Kriterium seiner Achse" in page_text(response.text)
    moved = client.post(f"/verwaltung/kriterien/{last.id}", data={"axis": "relevance", "name": last.name, "position": "1", "active": "y"})
    assert moved.status_code == 422, "moving it to the other axis would leave Potenzial empty too"
    auth.logout()
    auth.login("mod@example.com")
    assert client.get("/verwaltung/kriterien").status_code == 403
