"""A project's milestones: staff add and change them (bad dates come back beside the field), the
page shows a timeline (reached and planned apart, as ordered lists), followers hear of them."""

from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, Milestone, Notification, Project
from app.notifications import fanout
from app.participation import services as participation
from tests.factories import create_user
from tests.helpers import page_text


@pytest.fixture
def people(app, reference):
    return {"fan": create_user("fan@example.com"), "steering": create_user("sg@example.com", roles=("steering",))}


def _p20() -> Project:
    return db.session.scalar(select(Project).where(Project.number == 20))


def test_staff_add_milestones_and_the_page_shows_a_timeline(client, auth, people):
    participation.follow_project(people["fan"], _p20())
    db.session.commit()
    auth.login("sg@example.com")
    assert client.get("/portfolio/P20/meilensteine/neu").status_code == 200
    bad = client.post("/portfolio/P20/meilensteine/neu", data={"title": "Pilot in Dülmen", "planned_on": "2027-05-01",
                                                             "done_on": "2027-04-01", "text": "Mit dem Bürgerbusverein."})
    assert bad.status_code == 422 and "kann nicht vor seinem geplanten Datum erreicht sein" in bad.text
    assert 'value="Pilot in Dülmen"' in bad.text and "Mit dem Bürgerbusverein." in bad.text, "what was typed comes back"
    no_date = client.post("/portfolio/P20/meilensteine/neu", data={"title": "Ohne Datum", "planned_on": ""})
    assert no_date.status_code == 422 and "Bitte geben Sie das geplante Datum an." in no_date.text
    for title, planned, done in (("Ausschreibung", "2027-02-01", "2027-02-15"), ("Pilot in Dülmen", "2027-05-01", ""),
                                 ("Auswertung", "2027-09-01", "")):
        assert client.post("/portfolio/P20/meilensteine/neu", data={"title": title, "planned_on": planned, "done_on": done}).status_code == 303
    auth.logout()
    page = client.get("/portfolio/P20").text
    text = page_text(page)
    assert "Erreicht Ausschreibung – erreicht am 15.02.2027 (geplant für 01.02.2027)" in text
    assert "Geplant Pilot in Dülmen – geplant für 01.05.2027 Auswertung – geplant für 01.09.2027" in text
    assert '<ol class="timeline timeline-planned">' in page
    fanout.fan_out_events()
    mine = db.session.scalars(select(Notification.data).where(Notification.user_id == people["fan"].id)).all()
    assert sorted(d["milestone"] for d in mine) == ["Ausschreibung", "Auswertung", "Pilot in Dülmen"]


def test_marking_a_milestone_done_tells_the_followers_and_the_audit_log(client, auth, people):
    milestone = Milestone(project=_p20(), title="Pilot", planned_on=date(2027, 5, 1))
    db.session.add(milestone)
    participation.follow_project(people["fan"], _p20())
    db.session.commit()
    milestone_id = milestone.id
    auth.login("sg@example.com")
    form = client.get(f"/portfolio/P20/meilensteine/{milestone.id}").text
    assert 'value="2027-05-01"' in form
    done = client.post(f"/portfolio/P20/meilensteine/{milestone.id}", data={"title": "Pilot", "planned_on": "2027-05-01", "done_on": "2027-06-30"})
    assert done.status_code == 303
    fanout.fan_out_events()
    [note] = db.session.scalars(select(Notification.data).where(Notification.user_id == people["fan"].id)).all()
    assert note == {"milestone": "Pilot", "done": True}
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "project.milestone")) == "project.milestone"
    assert client.get(f"/portfolio/P21/meilensteine/{milestone_id}").status_code == 404, "another project's address"
    removed = client.post(f"/portfolio/P20/meilensteine/{milestone_id}", data={"delete": "1"})
    db.session.expire_all()
    assert removed.status_code == 303 and db.session.get(Milestone, milestone_id) is None


def test_the_public_history_names_the_work_on_milestones_trials_and_next_steps(client, people):
    from app.models import Municipality
    from app.portfolio import services

    staff, project = people["steering"], _p20()
    town = db.session.scalar(select(Municipality.id).where(Municipality.slug == "duelmen"))
    milestone = services.add_milestone(project, staff, services.MilestoneInput("Ausschreibung", date(2027, 2, 1)))
    services.edit_milestone(milestone, staff, services.MilestoneInput("Ausschreibung", date(2027, 2, 1), date(2027, 2, 20)))
    trial = services.save_trial(project, staff, services.TrialInput("Pendler-App im Alltag", town, date(2027, 4, 1)))
    services.save_trial(project, staff, services.TrialInput("Pendler-App im Alltag", town, date(2027, 4, 1)), trial)  # unchanged: no line
    services.set_next_steps(project, staff, "Auswertung im Herbst.")
    services.delete_milestone(milestone, staff)
    db.session.commit()
    history = page_text(client.get("/portfolio/P20").text).split("Verlauf", 1)[1]
    for words in ("Meilenstein geplant: „Ausschreibung“", "Meilenstein erreicht: „Ausschreibung“",
                  "Erprobung im Reallabor beschrieben: „Pendler-App im Alltag“", "„Wie geht es weiter?“ aktualisiert",
                  "Meilenstein entfernt: „Ausschreibung“"):
        assert words in history, words
    assert "Erprobung im Reallabor aktualisiert" not in history, "an unchanged trial adds no line"
    api = client.get("/api/v1/projects/P20").json
    assert all(entry["from"] != entry["to"] or entry["from"] is None for entry in api["history"]), "the API's history: status changes"
