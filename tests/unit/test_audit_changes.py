"""The audit log in words: each change as "Feld: vorher → nachher", never a raw dict."""

from app.audit import changes


def test_a_state_change_reads_in_words(app):
    with app.test_request_context():
        assert changes({"status": "published", "is_hidden": False, "hidden_cause": None},
                       {"status": "in_review", "is_hidden": False, "hidden_cause": None, "reports_settled": 2}) == [
            "Status: Veröffentlicht → In Prüfung",
            "Meldungen erledigt: 2",
        ]


def test_roles_blocks_budgets_and_long_texts(app):
    with app.test_request_context():
        assert changes({"roles": []}, {"roles": ["moderator", "steering"]}) == ["Rollen: – → Moderation, Steuerungsgremium"]
        assert changes({"is_blocked": False}, {"is_blocked": True, "items_hidden": 3}) == ["Gesperrt: nein → ja", "Ausgeblendete Beiträge: 3"]
        assert changes(None, {"budget": {"year": 2027, "amount": "1000.00"}}) == ["Budgetposten: Jahr 2027; Betrag 1.000,00\u00a0€"]
        assert changes({"lines": [{"year": 1}, {"year": 2}]}, None) == ["Budgetposten: 2 → –"]
        long = changes(None, {"body": "x" * 500})[0]
        assert long.startswith("Text: xxx") and long.endswith(" …") and len(long) < 140
        assert changes({"status": "published"}, {"status": "published"}) == [], "unchanged fields say nothing"


def test_a_project_s_status_and_a_criterion_s_axis_read_in_german(app):
    """A project's "status" is named as a project's, not as an idea's (it read "planned")."""
    with app.test_request_context():
        assert changes({"status": "planned"}, {"status": "in_progress"}, "project") == ["Status: geplant → in Umsetzung"]
        assert changes(None, {"status": "planned", "priority_group": "II"}, "project") == ["Status: geplant", "Priorität: II"]
        assert changes({"status": "published"}, {"status": "in_review"}, "idea") == ["Status: Veröffentlicht → In Prüfung"]
        assert changes(None, {"axis": "relevance", "name": "Arbeitsplätze"}, "criterion") == ["Achse: Relevanz", "Bezeichnung: Arbeitsplätze"]


def test_dates_money_and_kinds_read_as_the_pages_show_them(app):
    with app.test_request_context():
        assert changes(None, {"planned_on": "2027-03-01", "done_on": None}, "project") == ["Geplant für: 01.03.2027", "Erledigt am: –"]
        assert changes(None, {"kind": "workshop", "starts_at": "2026-12-16T17:00:00+00:00"}, "meeting") == [
            "Art: Themenworkshop", "Beginn: 16.12.2026, 18:00"]
        assert changes({"funding_rate": "65.00"}, {"funding_rate": "80.00"}) == ["Förderquote: 65,0\u00a0% → 80,0\u00a0%"]
        assert changes(None, {"amount": "kein Betrag"}) == ["Betrag: kein Betrag"], "a value the namer cannot read stays as stored"


def test_a_project_s_ideas_are_named_by_their_titles(app, reference):
    from tests.factories import create_user, make_idea

    idea = make_idea(create_user("autorin@example.com"), "Mitfahrbank")
    with app.test_request_context():
        assert changes(None, {"ideas": [idea.id, 999999]}, "project") == [f"Ideen: Mitfahrbank ({idea.id}), 999999"]


def test_a_field_without_a_german_label_is_refused_when_recorded(app, caplog):
    """Every field the log shows has a label: an area that records a new one without it fails in
    its own tests (in production the entry is kept, with a warning: never a 500 for it). A
    criterion's name as a score's key is data, not a field."""
    import pytest

    from app import audit

    with app.app_context():
        with pytest.raises(ValueError, match="without a label"):
            audit.record(None, "idea.status", "idea", 1, after={"status": "published", "new_thing": 1})
        with pytest.raises(ValueError, match="without a label"):
            audit.record(None, "idea.status", "idea", 1, after={"budget": {"year": 2027, "new_thing": 1}})
        audit.record(None, "idea.score", "idea", 1, after={"Arbeitsplätze": 3, "Öffentlicher Diskurs": 4})
        app.testing = False
        try:
            assert audit.record(None, "idea.status", "idea", 1, after={"new_thing": 1}).id is not None
        finally:
            app.testing = True
        assert "without a label" in caplog.text and "new_thing" in caplog.text


def test_the_log_page_shows_changes_in_words_not_dicts(app, client, auth, reference):
    from app.extensions import db
    from app.moderation import services as moderation
    from tests.factories import create_user, make_idea

    admin = create_user("admin@example.com", roles=("admin", "moderator"))
    idea = make_idea(create_user(), "Eine Idee fürs Protokoll")
    moderation.change_status(idea, "in_review", admin, "Wir schauen es uns an.")
    db.session.commit()
    auth.login("admin@example.com")
    page = client.get("/verwaltung/protokoll").text
    assert "Status: Veröffentlicht → In Prüfung" in page and "{&#39;" not in page and "{'" not in page


def test_the_log_names_objects_towns_and_fields_and_links_them(app, client, auth, reference):
    """It said "idea 41", "Themenfeld: 4", "Kommune: 9" before."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import ActionField, Municipality, Project
    from app.portfolio import services as portfolio
    from tests.factories import create_user

    admin = create_user("admin@example.com", roles=("admin", "steering"))
    project = db.session.scalar(select(Project).where(Project.number == 19))
    field = db.session.scalar(select(ActionField).where(ActionField.slug == "bildung"))
    town = db.session.scalar(select(Municipality).where(Municipality.slug == "duelmen"))
    data = portfolio.ProjectData(title=project.title, action_field_id=field.id, municipality_id=town.id, status=project.status)
    portfolio.edit_project(project, admin, data)
    db.session.commit()
    auth.login("admin@example.com")
    page = client.get("/verwaltung/protokoll").text
    assert f'<a href="/portfolio/P19">P19 {project.title}</a>' in page
    assert "Themenfeld: Mobilität → Bildung" in page and "Dülmen" in page
    assert "project 1" not in page.lower() and "Themenfeld: 4" not in page
